#pragma once
// L2-regularised logistic regression through liblinear, on TF-IDF features. Multi-class is
// one-vs-rest with the K sigmoids normalised to sum to 1 (liblinear's own probability rule).
// Columns are divided by their largest absolute training value (linear.scale) so count-like
// statistics do not swamp the TF-IDF columns.
#include <string>
#include <vector>

#include "models/model.h"

namespace malscope {

class LinearModel : public Model {
 public:
  /// A model that fits with `cfg`.
  LinearModel(const LinearConfig& cfg, const ModelContext& ctx);

  std::string_view name() const override { return "linear"; }
  ValueKind value_kind() const override { return ValueKind::kTfidf; }
  FitReport fit(const FeatureMatrix& x, int classes) override;
  Predictions predict_proba(const FeatureMatrix& x) const override;
  /// "MSLIN", version 1, classes, columns, solver, class order, column scales, weights.
  void save(ByteWriter& w) const override;
  void load(ByteReader& r) override;
  /// Weight x (scaled) value of each column toward each class's one-vs-rest log-odds.
  std::vector<float> contributions(const FeatureMatrix& x) const;

 private:
  LinearConfig cfg_;
  ModelContext ctx_;
  int classes_ = 0;             // K
  uint32_t cols_ = 0;           // training columns
  int solver_ = 0;              // liblinear solver_type
  std::vector<int32_t> label_;  // liblinear class order -> label
  std::vector<float> scale_;    // per column multiplier (1 / max |value|)
  std::vector<double> w_;       // (cols_ + 1) x nr_w, the last row the bias weights
};

}  // namespace malscope
