#pragma once
// The model's own evasion test: the malware files of a labelled store, attacked in memory with
// injected benign behaviour (features/injection.h) at growing amounts, featurized with the
// bundle's pipeline and predicted; per attack and amount the detection rate (malware predicted
// as any malware class) and the logloss, beside the clean figures. The store is only read.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "features/injection.h"
#include "models/bundle.h"
#include "store/trace_store.h"

namespace malscope {

struct AttackOptions {
  std::vector<Injection> attacks = default_attacks();
  uint64_t seed = 1;  ///< donor choices, positions and windows derive from it per file
  int threads = 0;    ///< 0 = all cores; results do not depend on it
};

/// Detection and logloss of the malware files under one attack (or clean).
struct AttackFigures {
  double detection = 0;  ///< share of malware files whose most likely class is not 0
  double logloss = 0;    ///< multi-class logloss of the malware files against their labels
  double p_benign = 0;   ///< mean probability of class 0 given to them
};

struct AttackRow {
  Injection injection;
  AttackFigures figures;
  double mean_calls = 0;    ///< mean calls per attacked malware file
  double false_alarms = 0;  ///< share of attacked class-0 files predicted as malware
};

struct AttackResult {
  std::string model, store, donors;  ///< names as given (donors: "" = the store's class 0)
  uint64_t seed = 0;
  size_t files = 0;          ///< files of the store
  size_t malware_files = 0;  ///< malware files attacked (label > 0)
  size_t benign_files = 0;   ///< class-0 files attacked too (for false alarms)
  size_t donor_files = 0;
  std::vector<std::string> noop_apis;  ///< what padding drew from
  double clean_logloss_all = 0;        ///< logloss of every labelled file, clean
  double clean_mean_calls = 0;         ///< mean calls per malware file, clean
  double clean_false_alarms = 0;       ///< share of class-0 files predicted as malware, clean
  AttackFigures clean;                 ///< the malware files, clean
  std::vector<AttackRow> rows;

  /// {"model", "store", "donors", "seed", "files", "malware_files", "donor_files", "noop_apis",
  /// "clean": {...}, "attacks": [{"attack", "amount", "label", "detection", "logloss", ...}]}.
  nlohmann::json to_json() const;
  /// Reads to_json's JSON (`attack --json`); throws Error naming `source` and the bad field.
  static AttackResult from_json(const nlohmann::json& j, const std::string& source);
  /// Reads the file at `path`.
  static AttackResult load(const std::string& path);
  /// The table `attack` prints.
  std::string text() const;
};

/// Attacks the malware files of `store` (labelled; opened with the bundle's API naming), and
/// its class-0 files for the false alarms, with each of opt.attacks, donors being `donors`' files
/// (all of them) or, when null, the store's class-0 files. Throws Error when the store has no
/// malware files or no donors are found.
AttackResult run_attack(const Bundle& bundle, const TraceStore& store, const TraceStore* donors,
                        const AttackOptions& opt);

/// The seed of the copy of `file` attacked by attack number `attack` (kept apart per copy).
uint64_t injection_seed(uint64_t seed, uint32_t file, uint64_t attack);

}  // namespace malscope
