#pragma once
// Flags shared by `audit` and `report` (the duplicate audit's knobs) and by every analysis
// command (class names), defined once so help texts and defaults agree. The knobs come from the
// options structs' parameter tables (cli/param_options.h).
#include <string>

#include <CLI/CLI.hpp>

#include "analysis/audit.h"
#include "analysis/minhash.h"
#include "cli/param_options.h"

namespace malscope::cli {

/// Adds the duplicate / leakage / CV-impact flags to `cmd`, writing into `minhash` and `audit`.
inline void add_audit_flags(CLI::App* cmd, MinHashOptions& minhash, AuditOptions& audit) {
  add_param_options(cmd, duplicate_params(), audit.duplicates);
  add_param_options(cmd, minhash_params(), minhash);
  cmd->add_flag(
      "--unweighted", [&minhash](int64_t) { minhash.weighted = false; },
      "Compare sets of n-grams, ignoring how often each repeats");
  // --folds and --seed each set two members: the simulated CV's and the id-bin classifier's.
  cmd->add_option_function<int>(
         "--folds", [&audit](int k) { audit.cv.folds = audit.id_leak.folds = k; },
         "Folds of the simulated cross-validation and of the id-bin classifier")
      ->default_str(std::to_string(audit.cv.folds))
      ->check(CLI::Range(2, 100));
  cmd->add_option_function<uint64_t>(
         "--seed", [&audit](uint64_t s) { audit.cv.seed = audit.id_leak.seed = s; },
         "Seed of the folds and of the label shuffles")
      ->default_str(std::to_string(audit.cv.seed));
  add_param_options(cmd, id_leak_params(), audit.id_leak);
}

/// Adds --class-names.
inline void add_class_names_flag(CLI::App* cmd, std::string& names) {
  cmd->add_option("--class-names", names,
                  "Comma-separated class names, one per class (default: the Tianchi names for 6 "
                  "or 8 classes)");
}

}  // namespace malscope::cli
