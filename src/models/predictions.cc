#include "models/predictions.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "util/error.h"

namespace malscope {

void clip_normalize(std::span<double> row, double eps) {
  const double k = static_cast<double>(row.size());
  double sum = 0;
  for (double& p : row) {
    p = std::isfinite(p) ? std::clamp(p, eps, 1 - eps) : eps;
    sum += p;
  }
  // Rescale only the mass above eps, so no value leaves [eps, 1 - eps] (a plain division would
  // push the clipped minimum below eps).
  const double above = sum - k * eps;
  if (above <= 0) {
    std::fill(row.begin(), row.end(), 1.0 / k);
    return;
  }
  const double f = (1 - k * eps) / above;
  for (double& p : row) p = eps + (p - eps) * f;
}

void clip_normalize(Predictions& p, double eps) {
  for (size_t r = 0; r < p.rows(); ++r) clip_normalize(p.row(r), eps);
}

int argmax(std::span<const double> row) {
  return static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin());
}

}  // namespace malscope

namespace malscope {

double logloss(std::span<const int32_t> labels, const Predictions& pred) {
  if (labels.size() != pred.rows())
    throw Error(fmt::format("{} labels for {} prediction rows", labels.size(), pred.rows()));
  if (labels.empty()) throw Error("no files to score");
  double sum = 0;
  std::vector<double> row(pred.classes);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= pred.classes)
      throw Error(
          fmt::format("label {} of row {} is outside 0..{}", labels[i], i, pred.classes - 1));
    auto src = pred.row(i);
    row.assign(src.begin(), src.end());
    clip_normalize(row);
    sum -= std::log(row[labels[i]]);
  }
  return sum / double(labels.size());
}

Predictions blend(std::span<const Predictions> preds, std::span<const double> weights) {
  if (preds.empty() || preds.size() != weights.size())
    throw Error(fmt::format("{} blend weights for {} models", weights.size(), preds.size()));
  Predictions out = Predictions::zeros(preds[0].rows(), preds[0].classes);
  for (size_t m = 0; m < preds.size(); ++m) {
    if (preds[m].prob.size() != out.prob.size() || preds[m].classes != out.classes)
      throw Error("blend: models predicted tables of different shapes");
    if (weights[m] == 0) continue;
    for (size_t i = 0; i < out.prob.size(); ++i) out.prob[i] += weights[m] * preds[m].prob[i];
  }
  return out;
}

namespace {

// Calls fn(units) for every way of writing `total` as an ordered sum of units.size() parts,
// first part descending.
void compositions(std::vector<int>& units, size_t at, int left,
                  const std::function<void(const std::vector<int>&)>& fn) {
  if (at + 1 == units.size()) {
    units[at] = left;
    fn(units);
    return;
  }
  for (int u = left; u >= 0; --u) {
    units[at] = u;
    compositions(units, at + 1, left - u, fn);
  }
}

}  // namespace

std::vector<double> choose_blend_weights(std::span<const Predictions> oof,
                                         std::span<const int32_t> labels, double step) {
  if (oof.empty()) throw Error("no models to blend");
  if (oof.size() == 1) return {1.0};
  const int total = std::max(1, int(std::lround(1.0 / step)));
  std::vector<int> units(oof.size());
  std::vector<double> best, w(oof.size());
  double best_loss = 0;
  compositions(units, 0, total, [&](const std::vector<int>& u) {
    for (size_t m = 0; m < u.size(); ++m) w[m] = double(u[m]) / total;
    double loss = logloss(labels, blend(oof, w));
    if (best.empty() || loss < best_loss - 1e-12) {
      best = w;
      best_loss = loss;
    }
  });
  return best;
}

}  // namespace malscope
