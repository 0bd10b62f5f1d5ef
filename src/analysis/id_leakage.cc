#include "analysis/id_leakage.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "analysis/class_probs.h"
#include "util/error.h"
#include "util/random.h"

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
  if (numeric) {
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    for (uint32_t f : files) keyed.emplace_back(std::stoull(std::string(ids[f])), f);
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

// Sink for predictions: the full metrics on the real order, and on every order the per-file
// logloss the permutation test compares (one formula for real and shuffled, so ties stay ties).
struct Scores {
  LossSum* full = nullptr;
  double logloss = 0;
  size_t n = 0;
  void add(std::span<const double> p, int y) {
    if (full) full->add(p, y);
    logloss += file_logloss(p, y);
    n++;
  }
  double mean() const { return n ? logloss / n : 0; }
};

// Leave-one-out: each file is predicted from the labels of its w neighbours on either side.
void neighbour_vote(std::span<const int32_t> y, int k, std::span<const double> prior,
                    const IdLeakOptions& o, Scores& out) {
  const size_t n = y.size(), w = o.neighbours;
  std::vector<uint32_t> window(k, 0);
  std::vector<double> p(k);
  size_t lo = 0, hi = 0;  // window is [lo, hi)
  for (size_t i = 0; i < n; ++i) {
    size_t want_lo = i > w ? i - w : 0, want_hi = std::min(n, i + w + 1);
    while (hi < want_hi) window[y[hi++]]++;
    while (lo < want_lo) window[y[lo++]]--;
    window[y[i]]--;
    smoothed_into(window, prior, o.alpha, p);
    out.add(p, y[i]);
    window[y[i]]++;
  }
}

// k-fold: each file is predicted from the class mix of training files in its id-rank bin.
void binned_vote(std::span<const int32_t> y, int k, std::span<const uint32_t> fold,
                 const IdLeakOptions& o, Scores& out) {
  const size_t n = y.size();
  auto bin_of = [&](size_t i) { return i * o.bins / n; };
  std::vector<uint32_t> counts(size_t(o.bins) * k);
  std::vector<double> p(k);
  for (uint32_t v = 0; v < uint32_t(o.folds); ++v) {
    std::fill(counts.begin(), counts.end(), 0);
    std::vector<uint32_t> train(k, 0);
    for (size_t i = 0; i < n; ++i)
      if (fold[i] != v) counts[bin_of(i) * k + y[i]]++, train[y[i]]++;
    std::vector<double> prior(k);
    double total = std::accumulate(train.begin(), train.end(), 0.0);
    for (int c = 0; c < k; ++c) prior[c] = total ? train[c] / total : 1.0 / k;
    for (size_t i = 0; i < n; ++i) {
      if (fold[i] != v) continue;
      smoothed_into(std::span<const uint32_t>(counts).subspan(bin_of(i) * k, k), prior, o.alpha, p);
      out.add(p, y[i]);
    }
  }
}

void finish(LeakTest& t, double real, const IdLeakOptions& o) {
  double mean = 0, sq = 0;
  int as_good = 0;
  for (double s : t.shuffled) mean += s, as_good += s <= real;
  mean /= t.shuffled.size();
  for (double s : t.shuffled) sq += (s - mean) * (s - mean);
  const double sd = t.shuffled.size() > 1 ? std::sqrt(sq / (t.shuffled.size() - 1)) : 0;
  t.p_value = (1.0 + as_good) / (1.0 + t.shuffled.size());
  t.z = sd > 0 ? (mean - real) / sd : 0;
  t.leak = t.p_value <= o.max_p && t.z >= o.min_z;
}

}  // namespace

const ParamTable<IdLeakOptions>& id_leak_params() {
  using C = IdLeakOptions;
  static const ParamTable<C> table{
      {"neighbours", &C::neighbours, 1, 1000,
       "file_id-order neighbours on each side that vote in the leakage test"},
      {"permutations", &C::permutations, 2, 10000,
       "Label shuffles of the leakage permutation test"},
  };
  return table;
}

void validate(const IdLeakOptions& o) {
  if (o.neighbours < 1) throw UsageError("id-order neighbours must be at least 1");
  if (o.bins < 1 || o.chart_bins < 1) throw UsageError("id-order bins must be at least 1");
  if (o.folds < 2 || o.folds > 100)
    throw UsageError(fmt::format("folds must be 2..100, got {}", o.folds));
  if (o.permutations < 2) throw UsageError("permutations must be at least 2");
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
  // Folds are drawn once, by id rank, so every shuffle is scored on the same folds.
  std::vector<int32_t> by_rank(y.size(), 0);
  const std::vector<uint32_t> fold = labeled_folds(by_rank, o.folds, o.seed);
  Scores real_nb{&out.neighbours.real}, real_bin{&out.binned.real};
  neighbour_vote(y, k, prior, o, real_nb);
  binned_vote(y, k, fold, o, real_bin);
  std::vector<int32_t> shuffled = y;
  for (int r = 0; r < o.permutations; ++r) {
    Rng rng(o.seed * 1000003 + r);
    shuffle(shuffled, rng);
    Scores nb, bin;
    neighbour_vote(shuffled, k, prior, o, nb);
    binned_vote(shuffled, k, fold, o, bin);
    out.neighbours.shuffled.push_back(nb.mean());
    out.binned.shuffled.push_back(bin.mean());
  }
  finish(out.neighbours, real_nb.mean(), o);
  finish(out.binned, real_bin.mean(), o);
  out.detected = out.neighbours.leak || out.binned.leak;
  const size_t n = y.size(), bins = std::min<size_t>(o.chart_bins, n);
  out.bin_classes.assign(bins, std::vector<uint32_t>(k, 0));
  for (size_t i = 0; i < n; ++i) out.bin_classes[i * bins / n][y[i]]++;
  return out;
}

}  // namespace malscope
