#pragma once
// Small helpers shared by the audit's baseline predictors: class names, class priors and their
// folds. They are scored with eval's LossSum (eval/metrics.h), as models are.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace malscope {

/// Name of a class: `names[label]` when given, else the Tianchi names for 6 or 8 classes,
/// normal/malware for 2, "class N" otherwise; "unlabeled" for -1.
std::string class_name(int label, int num_classes, std::span<const std::string> names = {});

/// Parses "--class-names a,b,c"; throws UsageError unless there is one name per class.
std::vector<std::string> parse_class_names(const std::string& list, int num_classes);

/// Smoothed class distribution: (counts[c] + alpha * prior[c]) / (sum(counts) + alpha).
std::vector<double> smoothed(std::span<const uint32_t> counts, std::span<const double> prior,
                             double alpha);
/// smoothed() into `out` (one per class), for loops that reuse one buffer (inline: the audit's
/// permutation test calls it for every file of every shuffle).
inline void smoothed_into(std::span<const uint32_t> counts, std::span<const double> prior,
                          double alpha, std::span<double> out) {
  double total = alpha;
  for (uint32_t c : counts) total += c;
  for (size_t c = 0; c < counts.size(); ++c) out[c] = (counts[c] + alpha * prior[c]) / total;
}

/// Class shares of `labels` (labels < 0 ignored) over `num_classes` classes.
std::vector<double> class_prior(std::span<const int32_t> labels, int num_classes);

/// Fold of each file for the audit's CV simulations: eval's stratified assign_folds over the
/// labeled files (unlabeled files get fold 0); with fewer labeled files than folds, each labeled
/// file gets a fold of its own.
std::vector<uint32_t> labeled_folds(std::span<const int32_t> labels, int folds, uint64_t seed);

}  // namespace malscope
