#pragma once
// Stratified k-fold cross-validation of the whole learning setup: per fold (a task, fold_task.h),
// the feature pipeline is fitted on the training rows only (vocabulary, IDF, class-0 API set),
// every model is trained and predicts its held-out rows; the out-of-fold predictions choose the
// blend weights and are scored.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/combine_choice.h"
#include "eval/cv_summary.h"
#include "eval/fold_task.h"
#include "eval/folds.h"
#include "eval/metrics.h"
#include "features/pipeline.h"
#include "features/sketches.h"
#include "models/bundle.h"
#include "models/params.h"
#include "models/predictions.h"
#include "util/log.h"

namespace malscope {

/// What cv, train and tune share: parameters, models, seed and threads.
struct LearnSetup {
  Params params;
  std::vector<std::string> models = {"xgb"};
  uint64_t seed = 0;
  int threads = 1;
  int fold_jobs = 0;  ///< CV folds run side by side, threads split among them (0: auto)
  /// Parameters the user set (config, --set, --<parameter>): defaults adapted to the data
  /// (eval/adaptive.h) leave these as they are.
  std::vector<std::string> given;
};

/// The feature.* parameters as a FeatureConfig.
FeatureConfig feature_config(const Params& p);

/// features.sequence_len when a sequence model (textcnn) is trained and the user did not set it.
inline constexpr uint32_t kDefaultSequenceLen = 1000;
/// When one of setup.models reads call sequences: sets features.sequence_len to
/// kDefaultSequenceLen if it is 0 and not in setup.given; throws UsageError if it was given as
/// 0. Call before the sketches are read.
void ensure_sequences(LearnSetup& setup);

/// Folds to run side by side: all threads' worth (up to `folds`) when the sketches are small
/// enough that several folds' matrices fit comfortably in memory, else 1.
int auto_fold_jobs(const Sketches& s, int threads, int folds);
/// The folds cross_validate runs side by side: setup.fold_jobs if given, else auto_fold_jobs.
int cv_fold_jobs(const Sketches& s, const LearnSetup& setup, int folds);

/// "; about 7m05s left" (for progress lines), or "" when nothing is left.
std::string time_left(double seconds);

/// A sketch row that is an attacked copy of another (hardened training, eval/harden.h).
struct AugmentedRow {
  uint32_t row = 0;              ///< the copy's sketch row
  uint32_t parent = 0;           ///< the sketch row it copies
  std::vector<uint32_t> donors;  ///< sketch rows whose calls it was given
};

/// Work run in the folds' pool when folds run side by side (train's final fits, so no core idles
/// while the last folds end). A task starts once the tasks it waits for have finished: every
/// fold's part of the model `after_model` (if not empty; it gets those parts' reports, in fold
/// order) and the side tasks `after_tasks` (indices of earlier side tasks). Where the folds run
/// one after another, the side tasks run after them, in order.
struct SideTask {
  std::string after_model;
  std::vector<size_t> after_tasks;
  std::function<void(const std::vector<FoldReport>& after_model_reports)> run;
};

struct CvOptions {
  int folds = 5;
  std::vector<uint32_t> rows;    ///< sketch rows to cross-validate (empty: all but augmented)
  /// Copies added to a fold's training rows when their parent and every donor train in it
  /// (never held out, never predicted).
  std::vector<AugmentedRow> augmented;
  std::vector<uint32_t> groups;  ///< one per sketch row, or empty
  /// Without groups: exact copies of a trace (equal Sketches::key) share a fold, so no file is
  /// scored by a model trained on its copy (repeated runs make a random split over-optimistic,
  /// and what CV chooses then favours memorising).
  bool group_copies = true;
  bool keep_members = false;     ///< keep each fold's pipeline and models (for a bagged bundle)
  std::vector<SideTask> side_tasks;  ///< run beside the folds (see SideTask)
};

struct CvResult {
  int classes = 0;
  std::vector<uint32_t> rows;          ///< sketch rows cross-validated; "row" below indexes this
  std::vector<int32_t> labels;         ///< per row
  std::vector<uint32_t> fold;          ///< per row
  std::vector<std::string> models;     ///< as in the setup
  std::vector<Predictions> oof;        ///< per model, out-of-fold
  std::vector<double> weights;         ///< blend weights chosen on oof
  CombineChoice combine;               ///< how the models become one (its oof moved to blended)
  Predictions blended;                 ///< the chosen combination of oof (nested), floored
  Metrics metrics;                     ///< of the combination
  std::vector<Metrics> model_metrics;  ///< of each model alone
  std::vector<std::pair<std::string, double>> importance;  ///< column, mean total gain (xgb)
  std::vector<FoldReport> folds;
  std::vector<BundleMember> members;  ///< per fold, with CvOptions::keep_members
  CopyGroups copies;                  ///< copy groups the folds kept together (group not kept)
  double seconds = 0;
};

/// A CV split into its folds: what cross_validate runs, and what merging the results needs.
struct CvPlan {
  int classes = 0;
  std::vector<uint32_t> rows;   ///< sketch rows cross-validated; "row" below indexes this
  std::vector<int32_t> labels;  ///< per row
  std::vector<uint32_t> fold;   ///< per row
  std::vector<FoldTask> tasks;  ///< one per fold, in fold order
  CopyGroups copies;            ///< the copy groups the folds keep together (CvOptions)
};

/// Assigns the folds of opt.rows of `s` (all rows if empty; every one labeled) and makes each
/// fold's task, to run on `threads` threads.
CvPlan plan_cv(const Sketches& s, const LearnSetup& setup, const CvOptions& opt, int threads);

/// The CV result of a plan's fold results (one per task, in any order; merged in fold order):
/// out-of-fold predictions, blend weights chosen on them, metrics, mean importance, members.
CvResult merge_cv(CvPlan plan, std::vector<FoldResult> results, const LearnSetup& setup);

/// Runs k-fold CV on opt.rows of `s` (all rows if empty; every one must be labeled): plan_cv,
/// run_fold on each task (folds side by side when setup.fold_jobs or the data allow), merge_cv.
CvResult cross_validate(const Sketches& s, const LearnSetup& setup, const CvOptions& opt,
                        const LogFn& log = {});

/// A bundle of the fold members of `r` (run with keep_members), blended with r's weights and
/// averaged over folds; moves the members out of r.
Bundle bagged_bundle(CvResult& r, const LearnSetup& setup, const std::string& store);

/// What `cv --json-out` writes of `r` (cv_summary.h), with the top `top_features` features.
CvSummary summarize(const CvResult& r, const LearnSetup& setup, const std::string& store,
                    const std::string& oof_path, size_t top_features = 50);
/// Text: per-fold table, per-model logloss, blend weights, then metrics_text of the blend.
std::string cv_text(const CvResult& r);
/// Writes the out-of-fold predictions (`file_id,label,fold,prob0..prob{K-1}` of the blend, then
/// `<model>_prob<c>` per model) atomically; `ids[row]` is the file_id of each of r.rows.
void write_oof_csv(const std::string& path, std::span<const std::string> ids, const CvResult& r);

}  // namespace malscope
