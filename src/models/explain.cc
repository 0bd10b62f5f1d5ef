#include "models/explain.h"

#include "models/linear_model.h"
#include "models/xgb_model.h"

namespace malscope {

std::vector<float> model_contributions(const Model& model, const FeatureMatrix& x) {
  if (const auto* xgb = dynamic_cast<const XgbModel*>(&model)) return xgb->contributions(x);
  if (const auto* linear = dynamic_cast<const LinearModel*>(&model))
    return linear->contributions(x);
  return {};
}

}  // namespace malscope
