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

/// Applies the rules to the parameters of `setup` not in setup.given, for the training rows
/// `rows` of `s` (all rows if empty); returns every decision, kept or changed. Only parameters
/// that do not change how sketches are read are adapted.
std::vector<AdaptedDefault> adapt_defaults(const Sketches& s, LearnSetup& setup,
                                           std::span<const uint32_t> rows = {});

/// The same rules for `files` training files (`train --distributed`: the source store's count,
/// so that every worker and a single process decide alike).
std::vector<AdaptedDefault> adapt_defaults(size_t files, LearnSetup& setup);

/// "defaults for this data: a=1 (why); b kept at 2 (why)", one line.
std::string adapted_text(const std::vector<AdaptedDefault>& d);

/// [{"param", "value", "why", "changed"}], for the bundle's info.
nlohmann::json adapted_json(const std::vector<AdaptedDefault>& d);

}  // namespace malscope
