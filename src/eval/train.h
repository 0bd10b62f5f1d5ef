#pragma once
// Training the deployable bundle: the feature pipeline and every model fitted on all labeled
// rows, blended with weights chosen beforehand (given, from a CV results file, or by k-fold CV on
// out-of-fold predictions, cv.h); or the k fold members of one CV, bagged.
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

/// Where a bundle's blend weights come from.
struct WeightSource {
  std::vector<double> weights;  ///< given, one per model (scaled to sum to 1)
  std::string cv_path;          ///< else the blend of this CV results file (`cv --json-out`)
  bool bag = false;             ///< bagging: the CV runs in any case and keeps its fold members
  CvOptions cv;                 ///< the CV that chooses them when nothing else does, or bags
};

/// Blend weights, and the CV result when a CV ran to choose them (or to bag).
struct WeightChoice {
  std::vector<double> weights;  ///< one per model, summing to 1
  std::optional<CvResult> cv;
};

/// Decides the blend weights: the given ones; else the CV file's; else 1 for a single model;
/// else k-fold CV's choice (logged). With `bag`, the CV always runs, keeping its members, and
/// given weights replace its choice. Throws UsageError for given weights that do not fit and
/// for bagging with a CV file; Error for a CV file without weights for these models.
WeightChoice choose_weights(const Sketches& s, const LearnSetup& setup, const WeightSource& from,
                            const LogFn& log = {});

/// `w` scaled to sum to 1; throws UsageError unless there is one non-negative weight per model
/// and their sum is positive.
std::vector<double> normalized_weights(std::vector<double> w, size_t models);

/// Blend weights for setup.models from a CV summary's blend; throws Error naming `path` if it
/// has none or blends other models.
std::vector<double> blend_weights(const CvSummary& cv, const LearnSetup& setup,
                                  const std::string& path);

}  // namespace malscope
