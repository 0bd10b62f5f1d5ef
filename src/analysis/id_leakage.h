#pragma once
// Leakage through file_id order: if ids were handed out batch by batch (all ransomware first,
// repeated runs next to each other), the id alone predicts the label. Measured by two baseline
// classifiers that see nothing but the id rank, against the class prior, with a permutation test.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/class_probs.h"

namespace malscope {

struct IdLeakOptions {
  int neighbours = 5;     ///< files on each side in id order that vote (leave-one-out)
  int bins = 50;          ///< equal-count id-rank bins of the binned classifier
  int folds = 5;          ///< folds of the binned classifier
  int permutations = 19;  ///< label shuffles of the permutation test (p >= 1/(1+this))
  double alpha = 1.0;     ///< weight of the class prior mixed into each vote
  int chart_bins = 100;   ///< bins of the class-mix-along-id-order chart
  uint64_t seed = 1;
};

/// Checks the options; throws UsageError naming the bad one.
void validate(const IdLeakOptions& options);

struct IdLeakage {
  std::string order;                 ///< "numeric" when every id is a number, else "text"
  LossSum prior;                     ///< class prior of the other files
  LossSum neighbours;                ///< leave-one-out vote of the id-order neighbours
  LossSum binned;                    ///< k-fold class mix of the file's id-rank bin
  std::vector<double> null_logloss;  ///< neighbour logloss with labels shuffled along id order
  double p_value = 1;                ///< share of shuffles (+1) at least as good as the real order
  bool detected = false;             ///< p_value <= 0.05 and the neighbours beat the prior
  std::vector<std::vector<uint32_t>> bin_classes;  ///< per chart bin: files of each class
};

/// Measures id-order leakage of labeled files (labels >= 0; others are ignored).
IdLeakage measure_id_leakage(std::span<const std::string_view> ids, std::span<const int32_t> labels,
                             int num_classes, const IdLeakOptions& options);

}  // namespace malscope
