#include "analysis/id_leakage.h"

#include <fmt/format.h>
#include <algorithm>
#include <numeric>

#include "util/error.h"

namespace malscope {

namespace {

bool is_number(std::string_view s) {
  return !s.empty() && s.size() <= 19 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Labels of the labeled files in id order (numeric when every id is a number).
std::vector<int32_t> labels_in_id_order(std::span<const std::string_view> ids,
                                        std::span<const int32_t> labels, std::string& order) {
  std::vector<uint32_t> files;
  for (uint32_t f = 0; f < labels.size(); ++f)
    if (labels[f] >= 0) files.push_back(f);
  bool numeric =
      std::all_of(files.begin(), files.end(), [&](uint32_t f) { return is_number(ids[f]); });
  order = numeric ? "numeric" : "text";
  auto value = [&](uint32_t f) { return std::stoull(std::string(ids[f])); };
  if (numeric) {
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    for (uint32_t f : files) keyed.emplace_back(value(f), f);
    std::stable_sort(keyed.begin(), keyed.end());
    for (size_t i = 0; i < keyed.size(); ++i) files[i] = keyed[i].second;
  } else {
    std::stable_sort(files.begin(), files.end(),
                     [&](uint32_t a, uint32_t b) { return ids[a] < ids[b]; });
  }
  std::vector<int32_t> y(files.size());
  for (size_t i = 0; i < files.size(); ++i) y[i] = labels[files[i]];
  return y;
}

// Leave-one-out: each file is predicted from the labels of its w neighbours on either side.
LossSum neighbour_vote(std::span<const int32_t> y, int k, std::span<const double> prior,
                       const IdLeakOptions& o) {
  LossSum loss;
  const size_t n = y.size(), w = o.neighbours;
  std::vector<uint32_t> window(k, 0);
  size_t lo = 0, hi = 0;  // window is [lo, hi)
  for (size_t i = 0; i < n; ++i) {
    size_t want_lo = i > w ? i - w : 0, want_hi = std::min(n, i + w + 1);
    while (hi < want_hi) window[y[hi++]]++;
    while (lo < want_lo) window[y[lo++]]--;
    window[y[i]]--;
    loss.add(smoothed(window, prior, o.alpha), y[i]);
    window[y[i]]++;
  }
  return loss;
}

// k-fold: each file is predicted from the class mix of training files in its id-rank bin.
LossSum binned_vote(std::span<const int32_t> y, int k, const IdLeakOptions& o) {
  const size_t n = y.size();
  std::vector<uint8_t> fold = stratified_folds(y, o.folds, o.seed);
  auto bin_of = [&](size_t i) { return i * o.bins / n; };
  LossSum loss;
  for (int v = 0; v < o.folds; ++v) {
    std::vector<std::vector<uint32_t>> counts(o.bins, std::vector<uint32_t>(k, 0));
    std::vector<int32_t> train;
    for (size_t i = 0; i < n; ++i)
      if (fold[i] != v) counts[bin_of(i)][y[i]]++, train.push_back(y[i]);
    std::vector<double> prior = class_prior(train, k);
    for (size_t i = 0; i < n; ++i)
      if (fold[i] == v) loss.add(smoothed(counts[bin_of(i)], prior, o.alpha), y[i]);
  }
  return loss;
}

}  // namespace

void validate(const IdLeakOptions& o) {
  if (o.neighbours < 1) throw UsageError("id-order neighbours must be at least 1");
  if (o.bins < 1 || o.chart_bins < 1) throw UsageError("id-order bins must be at least 1");
  if (o.folds < 2 || o.folds > 100)
    throw UsageError(fmt::format("folds must be 2..100, got {}", o.folds));
  if (o.permutations < 1) throw UsageError("permutations must be at least 1");
  if (!(o.alpha > 0)) throw UsageError("prior weight alpha must be positive");
}

IdLeakage measure_id_leakage(std::span<const std::string_view> ids, std::span<const int32_t> labels,
                             int k, const IdLeakOptions& o) {
  validate(o);
  IdLeakage out;
  std::vector<int32_t> y = labels_in_id_order(ids, labels, out.order);
  if (y.empty() || k < 1) return out;
  std::vector<double> prior = class_prior(y, k);
  for (int32_t c : y) out.prior.add(prior, c);
  out.neighbours = neighbour_vote(y, k, prior, o);
  out.binned = binned_vote(y, k, o);
  std::vector<int32_t> shuffled = y;
  int as_good = 0;
  for (int r = 0; r < o.permutations; ++r) {
    shuffle(shuffled, o.seed * 1000003 + r);
    double ll = neighbour_vote(shuffled, k, prior, o).mean_logloss();
    out.null_logloss.push_back(ll);
    as_good += ll <= out.neighbours.mean_logloss();
  }
  out.p_value = (1.0 + as_good) / (1.0 + o.permutations);
  out.detected = out.p_value <= 0.05 && out.neighbours.mean_logloss() < out.prior.mean_logloss();
  const size_t n = y.size(), bins = std::min<size_t>(o.chart_bins, n);
  out.bin_classes.assign(bins, std::vector<uint32_t>(k, 0));
  for (size_t i = 0; i < n; ++i) out.bin_classes[i * bins / n][y[i]]++;
  return out;
}

}  // namespace malscope
