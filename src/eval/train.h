#pragma once
// Training the deployable bundle: the feature pipeline and every model fitted on all labeled
// rows, blended with weights chosen beforehand (given, from a CV results file, or by k-fold CV on
// out-of-fold predictions, cv.h); or the k fold members of one CV, bagged.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eval/cv.h"
#include "models/bundle.h"

namespace malscope {

/// Fits the pipeline and the models of `setup` on `rows` of `s` (all rows if empty; all labeled)
/// and returns the bundle; `weights` (one per model, summing to 1) are stored for blending.
/// `store` names the training data in the bundle's info.
Bundle train_bundle(const Sketches& s, const LearnSetup& setup, std::vector<double> weights,
                    const std::string& store, const LogFn& log = {},
                    std::span<const uint32_t> rows = {});

/// Puts the fitted `member` into `b` with its blend `weights` and floor, and the info every
/// trained bundle records (params, models, weights, seed, store, files, classes, rounds per model,
/// columns).
void finish_bundle(Bundle& b, BundleMember member, std::vector<double> weights,
                   const LearnSetup& setup, const std::string& store, size_t files,
                   nlohmann::json rounds);

/// The final fit on all rows (train.cc), when it ran beside the CV that chose the weights.
struct FinalFit;

/// Where a bundle's blend weights come from.
struct WeightSource {
  std::vector<double> weights;  ///< given, one per model (scaled to sum to 1)
  std::string cv_path;          ///< else the blend of this CV results file (`cv --json-out`)
  /// Bagging: the CV runs in any case and keeps its fold members. false: one fit on all files.
  /// Unset: where a CV chooses the weights, its logloss decides (decide_bagging, adaptive.h:
  /// the fold members' average where the models are weak), and the log says so.
  std::optional<bool> bag;
  CvOptions cv;  ///< the CV that chooses them when nothing else does, or bags
};

/// Blend weights and combination, and the CV result when a CV ran to choose them (or to bag).
struct WeightChoice {
  std::vector<double> weights;  ///< one per model, summing to 1
  CombineChoice combine;        ///< temperature or stacker (kind blend: none)
  bool bag = false;             ///< the bundle is the CV's fold members
  std::string bag_why;          ///< why the CV's logloss decided bag (empty: the user did)
  std::optional<CvResult> cv;
  /// The folds of the CV file the weights came from (train_rows and rounds; empty: none), so the
  /// final xgb fit boosts their rounds as after a CV train runs itself.
  std::vector<FoldReport> cv_file_folds;
  /// The final models, fitted beside the CV's folds (small data), for make_bundle.
  std::shared_ptr<FinalFit> prefit;
};

/// Decides the blend weights and combination: the given weights (a plain blend); else the CV
/// file's; else 1 for a single model; else k-fold CV's choice (logged). When bagging, the CV
/// always runs, keeping its members, and
/// given weights replace its choice. Throws UsageError for given weights that do not fit and
/// for bagging with a CV file; Error for a CV file without weights for these models.
WeightChoice choose_weights(const Sketches& s, const LearnSetup& setup, const WeightSource& from,
                            const LogFn& log = {});

/// The rounds a final xgb fit boosts when CV ran, from the folds' early-stopped rounds.
struct RoundsFromCv {
  int rounds = 0;          ///< what the final fit boosts
  double fold_rounds = 0;  ///< the folds' mean kept rounds
  double row_ratio = 0;    ///< final fit's files / a fold fit's files (its holdout aside)
  double scale = 1;        ///< rounds = ceil(fold_rounds * scale)
};
/// The final fit's rounds: the mean kept rounds of `folds` (a CV's, its models those of `setup`)
/// scaled to the final fit's `final_rows` files; nullopt when xgb is not a model, early stopping
/// is off, or a fold kept no rounds.
std::optional<RoundsFromCv> rounds_from_cv(const std::vector<FoldReport>& folds,
                                           const LearnSetup& setup, size_t final_rows);

/// The bundle of a choice: the fold members of its CV when it bagged (moved out of c.cv), else
/// the pipeline and models fitted on all rows of `s`; with the choice's weights and combination,
/// recorded in the bundle's info.
Bundle make_bundle(const Sketches& s, const LearnSetup& setup, WeightChoice& c,
                   const std::string& store, const LogFn& log = {});

/// What a fitted model was fed and kept, for log lines: "x 812 columns (40 rounds)" or, for a
/// sequence model, "x up to 1000 calls (6 epochs)".
std::string fit_shape_text(const Model& m, const FeatureMatrix& x, const FitReport& rep,
                           const Params& params);

/// `w` scaled to sum to 1; throws UsageError unless there is one non-negative weight per model
/// and their sum is positive.
std::vector<double> normalized_weights(std::vector<double> w, size_t models);

/// Blend weights for setup.models from a CV summary's blend; throws Error naming `path` if it
/// has none or blends other models.
std::vector<double> blend_weights(const CvSummary& cv, const LearnSetup& setup,
                                  const std::string& path);

}  // namespace malscope
