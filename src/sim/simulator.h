#pragma once
// `malscope simulate`: writes a synthetic data set in the Alibaba Tianchi 2018 layout
// (train.csv, test.csv, test_labels.csv) from a generative model of program behaviour, so every
// stage can be built, tested and benchmarked at the real data's size without the real data.
//
// The model, in short (docs/simulator.md has the details): each file is one sandbox run of a
// program. A class (0 normal, 1 ransomware, 2 miner, 3 DDoS trojan, 4 worm, 5 infectious virus,
// 6 backdoor, 7 trojan) has several prototypes built from motifs (short realistic call runs);
// each run picks a prototype by popularity, plans its size (lognormal activity, a heavy tail) and
// threads (main, workers shaped by the class: independent, identical clones, growing prefixes,
// helper threads), then generates each thread's calls with per-run variation (loop counts,
// optional steps) and per-call noise (benign insertions, drops, swaps), caps each thread at 5,000
// calls, and draws return values. Classes share the process start, benign background calls,
// evasion/persistence motifs and two loaders; the virus is a benign program plus an infection
// routine that is sometimes absent; each class has a variant only the test set uses. Everything
// derives from (seed, split, file_id), so the bytes do not depend on the thread count.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "sim/corpus_plan.h"
#include "util/log.h"
#include "util/param_table.h"
#include "util/random.h"

namespace malscope {

/// What to write: Tianchi CSV files, or folders of sandbox reports.
enum class SimFormat : uint8_t {
  kSeason1,  ///< file_id,label,api,tid,return_value,index
  kSeason2,  ///< file_id,label,api,tid,index
  kCape,     ///< train/ and test/ of CAPEv2 report.json files (docs/simulator.md)
  kCuckoo,   ///< the same as Cuckoo 2.x reports
};

/// What to simulate; every field has the CLI's default.
struct SimulateOptions {
  std::string output_dir;       ///< gets train.csv, test.csv, test_labels.csv
  uint64_t train_files = 2000;  ///< ignored when size_bytes > 0
  uint64_t test_files = 1000;
  uint64_t seed = kDefaultSeed;
  int classes = 6;  ///< 6 (season 1) or 8 (season 2)
  SimFormat format = SimFormat::kSeason1;
  sim::Imbalance imbalance = sim::Imbalance::kBalanced;
  double mean_calls = 3500;    ///< mean calls per file (after the per-thread cap)
  uint64_t size_bytes = 0;     ///< if > 0: pick train_files so train.csv is about this big
  double repeat_rate = 0.05;   ///< share of files that re-run another file of the same label
  double id_leak = 0;          ///< 0..1: how strongly file_id order follows the label
  double text_rate = 0.001;    ///< share of non-numeric return values (not season 2)
  bool gzip = false;           ///< reports: write .json.gz
  int64_t empty_reports = -1;  ///< reports with no behaviour per split (-1: 1 + files / 500)
  int threads = 0;             ///< 0 = all cores
  ProgressFn progress;         ///< progress of each split (empty: none)
};

/// What was written for one split.
struct SimSplitSummary {
  std::string path;  ///< the CSV, or the folder of reports
  uint64_t files = 0, rows = 0, bytes = 0;
  uint64_t max_calls = 0;  ///< rows of the largest file
  uint64_t exact_repeats = 0, near_repeats = 0;
  std::vector<uint64_t> class_files;  ///< files per label
  uint64_t empty_reports = 0;         ///< reports with no behaviour (report formats)
};

/// What simulate() wrote.
struct SimulateSummary {
  SimSplitSummary train, test;
  std::string labels_path;        ///< test_labels.csv
  std::string train_labels_path;  ///< report formats: labels.csv (sha256,label by class name)
  double seconds = 0;
};

/// The simulator's numeric knobs (`--mean-calls`, `--repeat-rate`, ...): name, range, help, bound
/// to their members; simulate() checks them with it.
const ParamTable<SimulateOptions>& simulate_params();

/// Writes the data set; a summary goes to `log` (if not null), progress to options.progress. Throws
/// UsageError for options out of range, Error if the output cannot be written (no partial file
/// is left behind).
SimulateSummary simulate(const SimulateOptions& options, std::ostream* log);

/// Checks options; throws UsageError naming the first bad one.
void validate(const SimulateOptions& options);

}  // namespace malscope
