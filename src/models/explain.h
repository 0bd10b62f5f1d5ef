#pragma once
// Per-feature contributions of a model's verdict, in the model's margin units (log-odds): for
// XGBoost its own TreeSHAP values (XGBoosterPredictFromDMatrix with contributions), for the
// linear model weight x value. What serve/ turns into reasons.
#include <vector>

#include "models/model.h"

namespace malscope {

/// What each column of x added to each class's margin in every row: rows x classes x (cols + 1)
/// values, the last of each class the bias; empty for a model that cannot say.
std::vector<float> model_contributions(const Model& model, const FeatureMatrix& x);

}  // namespace malscope
