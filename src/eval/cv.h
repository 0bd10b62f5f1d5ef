#pragma once
// Stratified k-fold cross-validation of the whole learning setup: per fold, the feature pipeline
// is fitted on the training rows only (vocabulary, IDF, class-0 API set), every model is trained
// and predicts its held-out rows; the out-of-fold predictions choose the blend weights and are
// scored.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/metrics.h"
#include "features/pipeline.h"
#include "features/sketches.h"
#include "models/params.h"
#include "models/predictions.h"

namespace malscope {

/// What cv, train and tune share: parameters, models, seed and threads.
struct LearnSetup {
  Params params;
  std::vector<std::string> models = {"xgb"};
  uint64_t seed = 0;
  int threads = 1;
};

/// The feature.* parameters as a FeatureConfig.
FeatureConfig feature_config(const Params& p);

/// Receives one line of progress (fold done, ...); may be empty.
using LogFn = std::function<void(const std::string&)>;

struct CvOptions {
  int folds = 5;
  std::vector<uint32_t> groups;  ///< one per row, or empty
};

/// One fold's outcome.
struct FoldReport {
  size_t train_rows = 0, valid_rows = 0;
  std::vector<double> logloss;  ///< per model, on the fold's held-out rows
  std::vector<int> rounds;      ///< per model (boosting rounds kept; 0 for others)
  double seconds = 0;
};

struct CvResult {
  int classes = 0;
  std::vector<int32_t> labels;                             ///< per row
  std::vector<uint32_t> fold;                              ///< per row
  std::vector<std::string> models;                         ///< as in the setup
  std::vector<Predictions> oof;                            ///< per model, out-of-fold
  std::vector<double> weights;                             ///< blend weights chosen on oof
  Predictions blended;                                     ///< the blend of oof
  Metrics metrics;                                         ///< of the blend
  std::vector<Metrics> model_metrics;                      ///< of each model alone
  std::vector<std::pair<std::string, double>> importance;  ///< column, mean total gain (xgb)
  std::vector<FoldReport> folds;
  double seconds = 0;
};

/// Runs k-fold CV on every labeled row of `s` (all rows must be labeled).
CvResult cross_validate(const Sketches& s, const LearnSetup& setup, const CvOptions& opt,
                        const LogFn& log = {});

/// The CV results JSON (the contract `malscope report --cv` reads), top `top_features` features.
nlohmann::json cv_json(const CvResult& r, const LearnSetup& setup, const std::string& store,
                       const std::string& oof_path, size_t top_features = 50);
/// Text: per-fold table, per-model logloss, blend weights, then metrics_text of the blend.
std::string cv_text(const CvResult& r);
/// Writes the out-of-fold predictions (`file_id,label,fold,prob0..prob{K-1}` of the blend, then
/// `<model>_prob<c>` per model) atomically.
void write_oof_csv(const std::string& path, const Sketches& s, const CvResult& r);

}  // namespace malscope
