#pragma once
// Defaults that adapt to the data: before cv or train fits anything, the parameters the user did
// not set (LearnSetup::given) may be moved from their fixed defaults to values chosen for the
// size and shape of the training data. Each rule was chosen by CV on training data only
// (docs/learning.md, "Defaults that adapt"); each decision is logged with why and recorded in the
// CV JSON's params and the bundle's info.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/cv.h"

namespace malscope {

/// One default the data decided.
struct AdaptedDefault {
  std::string param;     ///< e.g. "xgb.colsample_bytree"
  std::string value;     ///< canonical text, as set
  std::string why;       ///< one clause for the log
  bool changed = false;  ///< false: the fixed default was kept (the rule says why)
};

/// What the rules look at in the training data.
struct DataShape {
  size_t files = 0;                 ///< training files
  std::vector<size_t> class_files;  ///< files per class (empty: not known)
  int64_t ngrams = -1;  ///< n-grams of the configured lengths in >= min_df files (-1: not known)
};

/// The shape of the training rows `rows` of `s` (all rows if empty), for `setup`'s features.
DataShape data_shape(const Sketches& s, const LearnSetup& setup,
                     std::span<const uint32_t> rows = {});

/// Applies the rules to the parameters of `setup` not in setup.given, for data of shape `d`;
/// returns every decision, kept or changed, each with why (for the defaults that stay, what they
/// do to this data: the early-stopping holdout's size, which classes the row cap samples, whether
/// the n-gram cap binds). Only parameters that do not change how sketches are read are adapted.
std::vector<AdaptedDefault> adapt_defaults(const DataShape& d, LearnSetup& setup);

/// adapt_defaults(data_shape(s, setup, rows), setup).
std::vector<AdaptedDefault> adapt_defaults(const Sketches& s, LearnSetup& setup,
                                           std::span<const uint32_t> rows = {});

/// "defaults for this data: a=1 (why); b kept at 2 (why)", one line.
std::string adapted_text(const std::vector<AdaptedDefault>& d);

/// [{"param", "value", "why", "changed"}], for the bundle's info.
nlohmann::json adapted_json(const std::vector<AdaptedDefault>& d);

/// Whether train averages the CV's fold models rather than fitting once on all files, decided
/// after the CV: the fold models' average pays where the models are weak (nested CV: noisy
/// labels, overlapping classes), one fit on every file where they are strong. Weak means the
/// CV's logloss is above kBagShare of the uniform prediction's, ln(classes).
struct BagDecision {
  bool bag = false;
  std::string why;  ///< one clause for the log
};
inline constexpr double kBagShare = 0.5;
/// The decision for a CV logloss `cv_logloss` over `classes` classes.
BagDecision decide_bagging(double cv_logloss, int classes);

}  // namespace malscope
