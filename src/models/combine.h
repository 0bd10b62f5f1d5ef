#pragma once
// Turning several models' class probabilities into one, beyond the weighted blend
// (predictions.h): temperature scaling of the blend and stacking (multinomial logistic regression
// on the models' log-probabilities). Both are fitted on out-of-fold predictions, since logloss is
// the score and in-sample predictions are too sure of themselves.
#include <cstdint>
#include <span>
#include <vector>

#include "models/predictions.h"

namespace malscope {

/// Every row p of `p` becomes p^(1/t), renormalised (t > 1 softens, t < 1 sharpens; 1: unchanged).
void apply_temperature(Predictions& p, double t);

/// The temperature in [0.05, 20] minimising the logloss of `p` against `labels` (the logloss is
/// convex in 1/t; golden-section search).
double fit_temperature(const Predictions& p, std::span<const int32_t> labels);

/// A multinomial logistic regression on M models' log-probabilities: for class c,
/// z_c = b_c + sum over models m and classes k of w[c][m K + k] log p_m(k), probabilities the
/// softmax of z. Starts from (and is pulled towards, by its L2 penalty) the weighted geometric
/// mean of the models (z_c = sum_m v_m log p_m(c)), so on little data it stays close to a blend.
struct Stacker {
  int classes = 0;
  int models = 0;
  std::vector<double> coef;  ///< classes x (models * classes + 1), bias last in each row

  bool empty() const { return coef.empty(); }
  /// The stacked probabilities of the models' predictions `preds` (one per model, same shape).
  Predictions predict(std::span<const Predictions> preds) const;
  /// Fits on out-of-fold predictions `oof` (one per model) and `labels`, minimising the mean
  /// logloss plus l2 / 2 times the squared distance of the weights from those of the geometric
  /// mean weighted by `prior` (one per model, e.g. the blend's weights; empty: equal), the
  /// biases not penalised; limited-memory BFGS, deterministic.
  static Stacker fit(std::span<const Predictions> oof, std::span<const int32_t> labels, double l2,
                     std::span<const double> prior = {});
  /// Checks the shape; throws Error naming `what` if coef does not fit classes and models.
  void check(const char* what) const;
};

}  // namespace malscope
