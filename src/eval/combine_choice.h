#pragma once
// Choosing how a CV's models become one prediction: the weighted blend, the blend with a
// temperature, or a stack (models/combine.h). Each is scored honestly by a CV nested in the
// out-of-fold predictions: for every fold, the weights, temperature or stacker are fitted on the
// other folds' out-of-fold rows and predict that fold's. The lowest logloss wins (blend.combine
// auto), or the one named.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/combine.h"
#include "models/params.h"
#include "models/predictions.h"

namespace malscope {

struct CombineChoice {
  std::string kind = "blend";   ///< blend, temperature or stack
  std::vector<double> weights;  ///< blend weights, fitted on every out-of-fold row
  double temperature = 1;       ///< fitted on every out-of-fold row (kind temperature)
  Stacker stack;                ///< fitted on every out-of-fold row (kind stack)
  /// Nested out-of-fold logloss of each candidate (after the floor); NaN if not tried.
  double blend_logloss = 0, temperature_logloss = 0, stack_logloss = 0;
  Predictions oof;  ///< the chosen combination's nested out-of-fold predictions, floored
  /// One line for the log: what was chosen and why.
  std::string why() const;
};

/// Chooses the combination of `oof` (per model, out-of-fold) by the blend.* parameters of `p`;
/// `fold` gives each row's fold (0..folds-1). The folds' fits run on `threads` threads (0 = all
/// cores); the choice does not depend on them.
CombineChoice choose_combiner(std::span<const Predictions> oof, std::span<const int32_t> labels,
                              std::span<const uint32_t> fold, const BlendConfig& p,
                              int threads = 1);

/// {"kind", "temperature", "stack": {"models", "coef"} (a stack only), "nested_logloss":
/// {"blend", "temperature", "stack"} (null when not tried)}: what the CV JSON and bundle record.
nlohmann::json combine_json(const CombineChoice& c);
/// Reads combine_json's kind, temperature and stack (for `train --cv`); throws Error naming
/// `source` if they are malformed or do not fit `models` and `classes`.
CombineChoice combine_from_json(const nlohmann::json& j, int models, int classes,
                                const std::string& source);

}  // namespace malscope
