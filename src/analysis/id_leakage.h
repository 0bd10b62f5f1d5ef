#pragma once
// Leakage through file_id order: if ids were handed out batch by batch (all ransomware first,
// repeated runs next to each other), the id alone predicts the label. Measured by two baseline
// classifiers that see nothing but the id rank, each against the same classifier on labels
// shuffled along the id order (a permutation test), and against the class prior.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/class_probs.h"
#include "eval/metrics.h"
#include "util/param_table.h"
#include "util/random.h"

namespace malscope {

struct IdLeakOptions {
  int neighbours = 5;     ///< files on each side in id order that vote (leave-one-out)
  int bins = 50;          ///< equal-count id-rank bins of the binned classifier
  int folds = 5;          ///< folds of the binned classifier
  int permutations = 99;  ///< label shuffles of the permutation test (p >= 1/(1+this))
  double alpha = 1.0;     ///< weight of the class prior mixed into each vote
  double max_p = 0.01;    ///< a leak needs a permutation p-value at most this ...
  double min_z = 3.0;     ///< ... and a logloss this many shuffle SDs below the shuffles' mean
  int chart_bins = 100;   ///< bins of the class-mix-along-id-order chart
  uint64_t seed = kDefaultSeed;
};

/// The flags bound to IdLeakOptions: --neighbours, --permutations (audit, report).
const ParamTable<IdLeakOptions>& id_leak_params();
/// Checks the options; throws UsageError naming the bad one.
void validate(const IdLeakOptions& options);

/// One id-order classifier, on the real order and on shuffled labels.
struct LeakTest {
  LossSum real;                  ///< on the labels in id order
  std::vector<double> shuffled;  ///< mean logloss on each shuffle
  double p_value = 1;            ///< (1 + shuffles at least as good) / (1 + shuffles)
  double z = 0;                  ///< (mean of shuffles - real) / SD of shuffles
  bool leak = false;             ///< p_value <= max_p and z >= min_z
};

struct IdLeakage {
  std::string order;      ///< "numeric" when every id is a number, else "text"
  LossSum prior;          ///< class prior
  LeakTest neighbours;    ///< leave-one-out vote of the id-order neighbours (fine-grained leaks)
  LeakTest binned;        ///< k-fold class mix of the file's id-rank bin (coarse leaks)
  bool detected = false;  ///< either test finds a leak
  std::vector<std::vector<uint32_t>> bin_classes;  ///< per chart bin: files of each class
};

/// Measures id-order leakage of labeled files (labels >= 0; others are ignored).
IdLeakage measure_id_leakage(std::span<const std::string_view> ids, std::span<const int32_t> labels,
                             int num_classes, const IdLeakOptions& options);

}  // namespace malscope
