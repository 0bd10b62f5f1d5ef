#pragma once
// Gradient-boosted trees through XGBoost's C API: multi:softprob on count features with the hist
// method, early stopping on a stratified validation split of the training rows, optional class
// weights; with xgb.bags > 1 several such boosters, each with its own seed (row sample, column
// sample, early-stopping holdout), and their probabilities averaged. Every C API call is checked
// where it is made and a failure becomes an Error naming the call and XGBoost's message.
#include <cstdint>
#include <string>
#include <vector>

#include "models/model.h"

namespace malscope {

class XgbModel : public Model {
 public:
  /// A model that fits with `cfg`.
  XgbModel(const XgbConfig& cfg, const ModelContext& ctx);
  ~XgbModel() override;
  XgbModel(const XgbModel&) = delete;
  XgbModel& operator=(const XgbModel&) = delete;

  std::string_view name() const override { return "xgb"; }
  ValueKind value_kind() const override { return ValueKind::kCounts; }
  FitReport fit(const FeatureMatrix& x, int classes) override;
  Predictions predict_proba(const FeatureMatrix& x) const override;
  /// "MSXGB", version 2, classes, columns, then each booster as XGBoost UBJSON.
  void save(ByteWriter& w) const override;
  /// Reads versions 1 (one booster) and 2.
  void load(ByteReader& r) override;
  /// Total gain of each column over all splits.
  std::vector<FeatureGain> importance() const override;
  /// XGBoost's own TreeSHAP contributions to each class's margin, averaged over the bags.
  std::vector<float> contributions(const FeatureMatrix& x) const;

 private:
  void reset();
  /// One booster with its own seed (row cap sample, holdout, XGBoost seed) into *out.
  FitReport fit_one(const FeatureMatrix& x, int classes, uint64_t seed, void** out);
  XgbConfig cfg_;
  ModelContext ctx_;
  std::vector<void*> boosters_;  // BoosterHandles, xgb.bags of them, averaged
  int classes_ = 0;
  uint32_t cols_ = 0;
};

}  // namespace malscope
