#pragma once
// Training the deployable bundle: the feature pipeline and every model fitted on all labeled
// rows, blended with weights chosen beforehand on out-of-fold predictions (cv.h).
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

/// Blend weights for setup.models from a CV summary's blend; throws Error naming `path` if it
/// has none or blends other models.
std::vector<double> blend_weights(const CvSummary& cv, const LearnSetup& setup,
                                  const std::string& path);

}  // namespace malscope
