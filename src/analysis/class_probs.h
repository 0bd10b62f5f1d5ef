#pragma once
// Small helpers shared by the audit's baseline predictors: class names, class priors and the two
// logloss definitions the Tianchi task is scored with.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace malscope {

/// Probabilities are clipped to [kProbClip, 1 - kProbClip] before any log, as the scorer does.
inline constexpr double kProbClip = 1e-6;

/// Name of a class: `names[label]` when given, else the Tianchi names for 6 or 8 classes,
/// normal/malware for 2, "class N" otherwise; "unlabeled" for -1.
std::string class_name(int label, int num_classes, std::span<const std::string> names = {});

/// Parses "--class-names a,b,c"; throws UsageError unless there is one name per class.
std::vector<std::string> parse_class_names(const std::string& list, int num_classes);

/// Running means of the metrics of probabilistic predictions.
struct LossSum {
  double logloss = 0;  ///< sum of -log p[y]
  double tianchi = 0;  ///< sum of -sum_j [y_j log p_j + (1 - y_j) log(1 - p_j)]
  uint64_t n = 0, correct = 0;
  /// Adds one prediction (p over classes) for a file of class `label`.
  void add(std::span<const double> p, int label);
  double mean_logloss() const { return n ? logloss / n : 0; }
  double mean_tianchi() const { return n ? tianchi / n : 0; }
  double accuracy() const { return n ? double(correct) / n : 0; }
};

/// Smoothed class distribution: (counts[c] + alpha * prior[c]) / (sum(counts) + alpha).
std::vector<double> smoothed(std::span<const uint32_t> counts, std::span<const double> prior,
                             double alpha);

/// Class shares of `labels` (labels < 0 ignored) over `num_classes` classes.
std::vector<double> class_prior(std::span<const int32_t> labels, int num_classes);

/// Stratified k-fold assignment: within each class, files in a seeded pseudo-random order are
/// dealt to folds in turn. Deterministic for a seed; unlabeled files (-1) get fold 0.
std::vector<uint8_t> stratified_folds(std::span<const int32_t> labels, int folds, uint64_t seed);

/// A seeded Fisher-Yates shuffle that gives the same order on every platform.
void shuffle(std::span<int32_t> values, uint64_t seed);

}  // namespace malscope
