#pragma once
// The cross-validation results as one type: what `malscope cv --json-out` writes, `train --cv`
// takes its blend weights from and `report --cv` draws. Its JSON is the contract:
//   dataset {store, files, classes}, folds, seed, models, metrics {logloss, tianchi_logloss,
//   accuracy, macro_f1}, per_class [{class, files, logloss, precision, recall, f1}],
//   pairs [{class, logloss, files}], confusion, feature_importance [{name, gain}], oof_path;
// and beyond it (cv writes them, other writers may not): blend {model: weight}, model_metrics
// {model: {logloss, ...}}, params, combine {kind, temperature, stack, nested_logloss}, seconds,
// fold_reports [{train_rows, valid_rows, logloss, rounds}] (per fold; per model in `models` order).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/fold_task.h"
#include "eval/metrics.h"

namespace malscope {

struct CvSummary {
  std::string store;  ///< dataset.store: the store as named to cv
  int folds = 0;
  uint64_t seed = 0;
  std::vector<std::string> models;
  /// Of the out-of-fold blend: files and classes are the dataset's, then overall figures,
  /// per_class, pairs and confusion. An undefined figure (written null) reads as NaN.
  Metrics metrics;
  std::vector<std::pair<std::string, double>> importance;  ///< feature name, mean gain; top first
  std::string oof_path;                                    ///< "" when not saved
  std::vector<double> weights;         ///< blend weight per model (empty: the file has none)
  std::vector<Metrics> model_metrics;  ///< per model, overall figures only (empty: none)
  nlohmann::json params;               ///< the parameters, as Params::to_json (null: none)
  nlohmann::json combine;              ///< how the models became one (combine_json; null: none)
  /// Sets of identical traces the folds kept together ({"sets", "files"}; null: none).
  nlohmann::json copy_groups;
  std::optional<double> seconds;       ///< wall time of the CV
  /// Per fold: its files, held-out logloss and kept boosting rounds per model (empty: none), so
  /// `train --cv` boosts the rounds the folds found.
  std::vector<FoldReport> fold_reports;

  /// The contract JSON (the extensions only when present).
  nlohmann::json to_json() const;
  /// Reads the JSON; throws Error naming `source` and the JSON path of a missing or malformed
  /// field.
  static CvSummary from_json(const nlohmann::json& j, const std::string& source);
  /// Parses JSON text (from_json, and "not valid JSON" naming `source`).
  static CvSummary parse(const std::string& text, const std::string& source);
  /// Reads and parses a CV results file.
  static CvSummary load(const std::string& path);
};

}  // namespace malscope
