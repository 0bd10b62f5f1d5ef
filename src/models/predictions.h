#pragma once
// Predictions: class probabilities of a set of files, the type between models and evaluation.
#include <cstdint>
#include <span>
#include <vector>

namespace malscope {

/// The smallest probability a submission may hold (and the clip of every scored probability).
inline constexpr double kProbEps = 1e-6;

struct Predictions {
  int classes = 0;
  std::vector<double> prob;  ///< row-major, rows() x classes

  /// An all-zero table.
  static Predictions zeros(size_t rows, int classes) {
    return {classes, std::vector<double>(rows * static_cast<size_t>(classes), 0.0)};
  }
  size_t rows() const { return classes ? prob.size() / static_cast<size_t>(classes) : 0; }
  std::span<double> row(size_t r) { return {prob.data() + r * classes, size_t(classes)}; }
  std::span<const double> row(size_t r) const {
    return {prob.data() + r * classes, size_t(classes)};
  }
};

/// Clips each probability of a row to [eps, 1 - eps] and renormalises so the row sums to 1
/// while staying inside the bounds (mass above eps is rescaled; a row of zeros becomes uniform).
void clip_normalize(std::span<double> row, double eps = kProbEps);
/// clip_normalize on every row.
void clip_normalize(Predictions& p, double eps = kProbEps);

/// Index of the largest probability (the lowest index on ties).
int argmax(std::span<const double> row);

/// Multi-class logloss -1/N sum_i log p(i, y_i) after clip_normalize, for model selection
/// (eval/metrics.h has the full set). Throws Error if sizes or labels do not fit.
double logloss(std::span<const int32_t> labels, const Predictions& pred);

/// Weighted average of several models' probabilities (same shape; weights sum to 1).
Predictions blend(std::span<const Predictions> preds, std::span<const double> weights);

/// Blend weights on the simplex grid {0, step, 2 step, ..., 1}^M (summing to 1) that minimise
/// the logloss of the blend of `oof` (out-of-fold predictions of M models) against `labels`;
/// ties go to the weights listed first (more weight on earlier models).
std::vector<double> choose_blend_weights(std::span<const Predictions> oof,
                                         std::span<const int32_t> labels, double step);

}  // namespace malscope
