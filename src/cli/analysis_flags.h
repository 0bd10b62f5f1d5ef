#pragma once
// Flags shared by `audit` and `report` (the duplicate audit's knobs) and by every analysis
// command (class names), defined once so help texts and defaults agree.
#include <string>

#include <CLI/CLI.hpp>

#include "analysis/audit.h"
#include "analysis/minhash.h"

namespace malscope::cli {

/// Adds the duplicate / leakage / CV-impact flags to `cmd`, writing into `minhash` and `audit`.
inline void add_audit_flags(CLI::App* cmd, MinHashOptions& minhash, AuditOptions& audit) {
  cmd->add_option("--threshold", audit.duplicates.threshold,
                  "Estimated Jaccard similarity that makes two files near duplicates")
      ->default_val(audit.duplicates.threshold)
      ->check(CLI::Range(0.01, 1.0));
  cmd->add_option("--ngram", minhash.ngram, "API n-gram length of the shingles (1..3)")
      ->default_val(minhash.ngram)
      ->check(CLI::Range(1, 3));
  cmd->add_option("--minhash", minhash.num_hashes, "MinHash signature length (power of two)")
      ->default_val(minhash.num_hashes);
  cmd->add_option("--bands", audit.duplicates.bands, "LSH bands (must divide --minhash)")
      ->default_val(audit.duplicates.bands);
  cmd->add_flag(
      "--unweighted", [&minhash](int64_t) { minhash.weighted = false; },
      "Compare sets of n-grams, ignoring how often each repeats");
  cmd->add_option_function<int>(
         "--folds", [&audit](int k) { audit.cv.folds = audit.id_leak.folds = k; },
         "Folds of the simulated cross-validation and of the id-bin classifier")
      ->default_str(std::to_string(audit.cv.folds))
      ->check(CLI::Range(2, 100));
  cmd->add_option_function<uint64_t>(
         "--seed", [&audit](uint64_t s) { audit.cv.seed = audit.id_leak.seed = s; },
         "Seed of the folds and of the label shuffles")
      ->default_str(std::to_string(audit.cv.seed));
  cmd->add_option("--neighbours", audit.id_leak.neighbours,
                  "file_id-order neighbours on each side that vote in the leakage test")
      ->default_val(audit.id_leak.neighbours)
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--permutations", audit.id_leak.permutations,
                  "Label shuffles of the leakage permutation test")
      ->default_val(audit.id_leak.permutations)
      ->check(CLI::Range(2, 10000));
}

/// Adds --class-names.
inline void add_class_names_flag(CLI::App* cmd, std::string& names) {
  cmd->add_option("--class-names", names,
                  "Comma-separated class names, one per class (default: the Tianchi names for 6 "
                  "or 8 classes)");
}

}  // namespace malscope::cli
