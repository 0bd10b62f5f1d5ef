#pragma once
// One cross-validation fold as a task: a pure function of what defines the fold (its training
// and held-out rows, the models and parameters, the seed) returning what it produced. Both
// serialise to JSON, so folds can be shipped to other machines and their results merged by
// cross_validate's rules (cv.h), in fold order.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "features/sketches.h"
#include "models/bundle.h"
#include "models/params.h"
#include "models/predictions.h"

namespace malscope {

/// What defines one fold (the sketches it indexes are the worker's).
struct FoldTask {
  uint32_t fold = 0;                 ///< its number among the CV's folds
  std::vector<uint32_t> train_rows;  ///< sketch rows the pipeline and models are fitted on
  std::vector<uint32_t> valid_rows;  ///< sketch rows they predict (held out)
  int classes = 0;                   ///< of the whole CV (a fold's rows may lack a class)
  std::vector<std::string> models;
  Params params;
  uint64_t seed = 0;
  int threads = 1;           ///< how much of the worker to use; results do not depend on it
  bool keep_member = false;  ///< return the fitted pipeline and models (for a bagged bundle)

  /// {"fold", "train_rows", "valid_rows", "classes", "models", "params", "seed", "threads",
  /// "keep_member"}.
  nlohmann::json to_json() const;
  /// Reads to_json's JSON; throws Error naming `source` and the JSON path of a bad field.
  static FoldTask from_json(const nlohmann::json& j, const std::string& source);
};

/// One fold's figures.
struct FoldReport {
  size_t train_rows = 0, valid_rows = 0;
  std::vector<double> logloss;        ///< per model, on the fold's held-out rows
  std::vector<int> rounds;            ///< per model (boosting rounds kept; 0 for others)
  std::vector<double> model_seconds;  ///< per model: fit and predict
  double feature_seconds = 0;         ///< pipeline fit and transforms
  double seconds = 0;
};

/// What a fold produced.
struct FoldResult {
  uint32_t fold = 0;
  FoldReport report;
  std::vector<Predictions> predictions;              ///< per model, a row per valid row
  std::vector<std::pair<std::string, double>> gain;  ///< column, gain: each model's importance
  std::optional<BundleMember> member;                ///< with keep_member (not in the JSON)

  /// {"fold", "report": {...}, "predictions": [{"classes", "prob"}], "gain": [[name, gain]]}.
  nlohmann::json to_json() const;
  /// Reads to_json's JSON; throws Error naming `source` and the JSON path of a bad field.
  static FoldResult from_json(const nlohmann::json& j, const std::string& source);
};

/// Runs one fold: the feature pipeline fitted on the training rows of `s` only, then each model
/// fitted and predicting the held-out rows. Depends on nothing but its arguments (timings
/// aside); throws Error if a row is outside `s` or unlabeled.
FoldResult run_fold(const Sketches& s, const FoldTask& task);

/// A task per model of `task` (each with that one model), in model order: run side by side, they
/// fill the cores better than whole folds, and join_fold_parts of their results is run_fold's.
std::vector<FoldTask> split_by_model(const FoldTask& task);
/// One fold's result from its split tasks' results, in model order: predictions, per-model
/// figures and gains concatenated, the seconds summed (work done, not wall time); kept members
/// joined into one: the first part's pipeline (every part fits the same one on the same rows)
/// with every part's models.
FoldResult join_fold_parts(std::vector<FoldResult> parts);

}  // namespace malscope
