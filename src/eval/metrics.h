#pragma once
// Scores of class probabilities against true labels. Every probability is clipped to
// [1e-6, 1 - 1e-6] and the row renormalised before scoring, as the Tianchi scorer does.
//   logloss          -1/N sum_i log p(i, y_i)
//   tianchi_logloss  -1/N sum_i sum_j [y_ij log p_ij + (1 - y_ij) log(1 - p_ij)]  (official
//   formula) pair k           logloss of the binary q = p_k / (p_0 + p_k) over the files of class 0
//   and k
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/predictions.h"

namespace malscope {

struct ClassMetrics {
  int label = 0;
  uint32_t files = 0;    ///< files of this true class
  double logloss = 0;    ///< mean -log p(class) over those files
  double precision = 0;  ///< of argmax predictions
  double recall = 0;
  double f1 = 0;
};

/// The class-0-vs-k table row.
struct PairMetrics {
  int label = 0;       ///< k
  uint32_t files = 0;  ///< files of class 0 and k
  double logloss = 0;
};

struct Metrics {
  uint32_t files = 0;
  int classes = 0;
  double logloss = 0;
  double tianchi_logloss = 0;
  double accuracy = 0;
  double macro_f1 = 0;  ///< mean F1 over classes that occur in the labels or the predictions
  std::vector<ClassMetrics> per_class;
  std::vector<PairMetrics> pairs;                ///< k = 1..K-1 with files of class k
  std::vector<std::vector<uint32_t>> confusion;  ///< [true][predicted]
  std::vector<std::string> class_names;          ///< by label, shown beside the numbers if set
  /// The name of class c ("" when none is set).
  std::string class_name(int c) const {
    return c >= 0 && size_t(c) < class_names.size() ? class_names[c] : std::string();
  }
};

/// Running sums of the scores of class probabilities, one file at a time: what compute_metrics
/// adds up, and what the audit's baseline predictors are scored with.
struct LossSum {
  double logloss = 0;  ///< sum of -log p[y]
  double tianchi = 0;  ///< sum of -sum_j [y_j log p_j + (1 - y_j) log(1 - p_j)]
  uint64_t n = 0, correct = 0;
  /// Adds one file of class `label` with probabilities p (a copy is clip_normalize'd first).
  void add(std::span<const double> p, int label);
  /// add() for a row already clip_normalize'd; returns the file's -log p[label].
  double add_clipped(std::span<const double> p, int label);
  double mean_logloss() const { return n ? logloss / n : 0; }
  double mean_tianchi() const { return n ? tianchi / n : 0; }
  double accuracy() const { return n ? double(correct) / n : 0; }
};

/// One file's -log p[label], p[label] clipped to [kProbEps, 1 - kProbEps]: LossSum's logloss up to
/// rounding for a row that sums to 1 within the bounds, without the row's renormalisation (for
/// inner loops: the audit's permutation test scores every file of every shuffle).
double file_logloss(std::span<const double> p, int label);

/// Scores `pred` (rows aligned with `labels`, each label in [0, pred.classes)). Throws Error if
/// the sizes differ, a label is out of range or there are no rows.
Metrics compute_metrics(std::span<const int32_t> labels, const Predictions& pred);

/// The text tables: overall, per class, class-0-vs-k pairs, confusion.
std::string metrics_text(const Metrics& m);
/// {"logloss", "tianchi_logloss", "accuracy", "macro_f1"}.
nlohmann::json overall_json(const Metrics& m);
/// [{"class", "files", "logloss", "precision", "recall", "f1"}].
nlohmann::json per_class_json(const Metrics& m);
/// [{"class", "logloss", "files"}].
nlohmann::json pairs_json(const Metrics& m);

}  // namespace malscope
