#pragma once
// Hardened training: copies of the training files with benign behaviour injected
// (features/injection.h; labels kept), so the models learn that an extra benign thread, benign
// calls between the malicious ones or sleep padding change nothing. Donors are class-0 training
// files of the same CV fold as the file copied, so a copy is usable in every fold its file
// trains in and nothing of a held-out file reaches a model (cv.cc's plan_cv checks it again).
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/cv.h"
#include "features/injection.h"
#include "features/sketches.h"
#include "store/trace_store.h"

namespace malscope {

struct HardenOptions {
  uint32_t copies = 1;           ///< attacked copies per training file (class 0 too)
  int folds = 5;                 ///< the CV split donors are kept within (as `cv`/`train --folds`)
  uint64_t seed = 1;             ///< the CV's seed: the same folds as it draws
  std::vector<uint32_t> groups;  ///< per store file (as `--groups`), or empty
  float weight = 1;              ///< each copy's training weight (xgb; the files keep 1)
};

/// The store's sketches followed by the attacked copies, and where each copy came from.
struct Hardened {
  Sketches sketches;                    ///< rows 0..N-1: the store's files; then the copies
  std::vector<AugmentedRow> augmented;  ///< one per copy
  std::vector<InjectionJob> jobs;       ///< one per copy (donors are pool positions)
  size_t files = 0;                     ///< the store's files (N)
};

/// The injection of one training copy, drawn from `rng`: an attack kind uniformly, then its
/// amount uniformly (1-4 threads; 10-100% interleaved or padded); padding when `can_donate`
/// is false (no class-0 file to take calls from).
Injection random_injection(Rng& rng, bool can_donate);

/// Sketches `store` (labelled) and opt.copies attacked copies of each of its files (class 0
/// too, so injection itself does not read as malware), with the pipeline config `cfg`; donors
/// are class-0 files of the copy's own fold, never the file itself.
Hardened harden(const TraceStore& store, const FeatureConfig& cfg, const HardenOptions& opt,
                int threads);

/// What a hardened bundle records: {"copies", "augmented_files", "folds", "attacks"}.
nlohmann::json harden_info(const Hardened& h, const HardenOptions& opt);

}  // namespace malscope
