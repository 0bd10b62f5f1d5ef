#include "sim/file_plan.h"

#include <algorithm>
#include <cmath>

namespace malscope::sim {
namespace {

constexpr uint64_t kPlanTag = 0x706c616eULL;
constexpr double kMaxActivity = 2e6;  // bounds memory per run; the cap keeps rows far lower
constexpr uint32_t kMaxThreads = 1000;
constexpr double kMinWorkerCalls = 40;

uint32_t worker_count(const Layout& l, double activity, Rng& rng) {
  if (l.workers_hi == 0) return 0;
  if (l.calls_per_worker == 0) return static_cast<uint32_t>(rng.range(l.workers_lo, l.workers_hi));
  double n = activity / l.calls_per_worker * std::exp(0.3 * rng.normal());
  return static_cast<uint32_t>(std::clamp<double>(std::round(n), l.workers_lo, l.workers_hi));
}

// Splits `total` calls over `n` workers by the layout's shape; returns lengths in creation order.
void worker_lengths(const Layout& l, double total, uint32_t n, Rng& rng,
                    std::vector<ThreadPlan>& threads) {
  std::vector<double> share(n, 1.0);
  if (l.shape == WorkerShape::kIndependent) {
    for (double& s : share) s = std::exp(0.5 * rng.normal());
  } else if (l.shape == WorkerShape::kPrefix) {
    // Started one after another: the first has run longest, later ones are shorter prefixes.
    for (uint32_t i = 1; i < n; ++i) share[i] = 1 - 0.9 * i / n * (0.8 + 0.2 * rng.uniform());
  }
  double sum = 0;
  for (double s : share) sum += s;
  auto first = static_cast<int32_t>(threads.size());
  for (uint32_t i = 0; i < n; ++i) {
    ThreadPlan t;
    t.role = ThreadRole::kWorker;
    t.length = static_cast<uint32_t>(std::max(1.0, std::round(total * share[i] / sum)));
    if (i > 0 && l.shape != WorkerShape::kIndependent) {
      t.copy_of = first;
      t.exact = l.shape == WorkerShape::kPrefix || rng.chance(l.clone_exact);
    }
    threads.push_back(t);
  }
}

// Distinct thread ids, multiples of 4 with 3-4 digits as Windows hands them out. The main thread
// usually has the lowest; later threads get higher ids in creation order.
void assign_tids(std::vector<ThreadPlan>& threads, Rng& rng) {
  std::vector<uint32_t> tids;
  while (tids.size() < threads.size()) {
    uint32_t t = 4 * static_cast<uint32_t>(rng.range(25, 2499));
    if (std::find(tids.begin(), tids.end(), t) == tids.end()) tids.push_back(t);
  }
  std::sort(tids.begin(), tids.end());
  if (tids.size() > 1 && rng.chance(0.2)) {  // tid reuse: main is not the lowest
    uint32_t k = 1 + rng.below(static_cast<uint32_t>(tids.size() - 1));
    std::rotate(tids.begin(), tids.begin() + 1, tids.begin() + k + 1);
  }
  for (size_t i = 0; i < threads.size(); ++i) threads[i].tid = tids[i];
}

}  // namespace

uint64_t FilePlan::rows() const {
  uint64_t n = 0;
  for (const ThreadPlan& t : threads) n += t.rows();
  return n;
}

FilePlan plan_file(const World& world, int label, bool test_split, uint64_t key, double scale,
                   const PlanOverride& fixed) {
  Rng rng(derive_key(key, kPlanTag));
  FilePlan plan;
  plan.label = label;
  plan.proto = world.pick(label, test_split, rng);
  if (fixed.proto >= 0) plan.proto = static_cast<uint16_t>(fixed.proto);
  const Prototype& p = world.classes[label][plan.proto];
  double u = rng.uniform();
  if (fixed.activity_u > 0) u = fixed.activity_u;
  double activity = scale * p.size_factor * std::exp(kActivitySigma * normal_quantile(u));
  activity = std::clamp(activity, 8.0, kMaxActivity);
  plan.early_exit = rng.chance(p.early_exit);
  ThreadPlan main;
  if (plan.early_exit) {
    main.length = static_cast<uint32_t>(rng.range(10, 200));
    plan.threads.push_back(main);
  } else {
    // A small run has no work for many threads.
    uint32_t n = worker_count(p.layout, activity, rng);
    n = std::min({n, kMaxThreads - 1, static_cast<uint32_t>(activity / kMinWorkerCalls) + 1});
    double main_calls = n ? activity * p.layout.main_share : activity;
    main.length = static_cast<uint32_t>(std::round(main_calls)) + p.fixed_calls[0];
    plan.threads.push_back(main);
    if (n) worker_lengths(p.layout, activity - main_calls, n, rng, plan.threads);
    for (size_t i = 1; i < plan.threads.size(); ++i) plan.threads[i].length += p.fixed_calls[1];
    uint32_t helpers = static_cast<uint32_t>(rng.range(p.layout.helpers_lo, p.layout.helpers_hi));
    for (uint32_t i = 0; i < helpers && plan.threads.size() < kMaxThreads; ++i) {
      ThreadPlan h;
      h.role = ThreadRole::kHelper;
      h.length = static_cast<uint32_t>(rng.range(4, 60)) + p.fixed_calls[2];
      plan.threads.push_back(h);
    }
  }
  assign_tids(plan.threads, rng);
  if (rng.chance(0.02)) {  // the analysts saw an index repeat or skip now and then
    auto t = rng.below(static_cast<uint32_t>(plan.threads.size()));
    uint32_t rows = plan.threads[t].rows();
    if (rows >= 3) {
      plan.anomaly_thread = static_cast<int32_t>(t);
      plan.anomaly_pos = static_cast<uint32_t>(rng.range(1, rows - 1));
      plan.anomaly_shift = rng.chance(0.5) ? -1 : 1;
    }
  }
  return plan;
}

int decimal_digits(uint64_t v) {
  int d = 1;
  while (v >= 10) {
    v /= 10;
    ++d;
  }
  return d;
}

uint64_t index_digits(uint64_t n) {
  uint64_t total = 0, lo = 0, hi = 10;
  for (int d = 1; lo < n; ++d, lo = hi, hi *= 10) total += d * (std::min(n, hi) - lo);
  return total;
}

}  // namespace malscope::sim
