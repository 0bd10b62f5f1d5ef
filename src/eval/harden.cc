#include "eval/harden.h"

#include <fmt/format.h>
#include <map>

#include "eval/attack.h"
#include "eval/folds.h"
#include "util/error.h"

namespace malscope {

Injection random_injection(Rng& rng, bool can_donate) {
  const uint64_t kind = can_donate ? rng.below(3) : 2;
  if (kind == 0) return {InjectionKind::kThreads, double(1 + rng.below(4))};
  const double amount = 0.1 + 0.9 * rng.uniform();
  return {kind == 1 ? InjectionKind::kInterleave : InjectionKind::kPadding, amount};
}

Hardened harden(const TraceStore& store, const FeatureConfig& cfg, const HardenOptions& opt,
                int threads) {
  if (!store.labeled()) throw Error(fmt::format("{}: hardening needs labels", store.path()));
  if (opt.copies == 0) throw UsageError("--harden-copies must be at least 1");
  const uint32_t n = store.num_files();
  std::vector<int32_t> labels(n);
  for (uint32_t f = 0; f < n; ++f) labels[f] = store.label(f);
  // The folds plan_cv draws for these files (same labels, k, seed and groups).
  std::vector<uint32_t> fold = assign_folds(labels, opt.folds, opt.seed, opt.groups);
  std::vector<uint32_t> benign;
  for (uint32_t f = 0; f < n; ++f)
    if (labels[f] == 0) benign.push_back(f);
  DonorPool pool(store.apis(), store.has_return_value());
  pool.add(store, benign, threads);
  // Per fold, the pool positions of its class-0 files with calls.
  std::map<uint32_t, std::vector<uint32_t>> donors_of_fold;
  for (uint32_t d = 0; d < pool.size(); ++d)
    if (!pool.api(d).empty()) donors_of_fold[fold[pool.store_file(d)]].push_back(d);

  std::vector<int64_t> pool_of(n, -1);  // store file -> its pool position (class 0)
  for (uint32_t d = 0; d < pool.size(); ++d) pool_of[pool.store_file(d)] = d;

  Hardened h;
  h.files = n;
  // Class-0 files get copies too: were only malware padded, "has injected behaviour" would
  // itself read as malware (detection rising with the amount injected, benign software that
  // happens to look padded flagged).
  for (uint32_t f = 0; f < n; ++f) {
    if (labels[f] < 0) continue;
    const std::vector<uint32_t>& allowed = donors_of_fold[fold[f]];
    for (uint32_t c = 0; c < opt.copies; ++c) {
      InjectionJob& j = h.jobs.emplace_back();
      j.file = f;
      j.seed = injection_seed(derive_key(opt.seed, 0x68617264656eULL), f, c);
      Rng rng(derive_key(j.seed, 0x646f6e6f72ULL));
      j.injection = random_injection(rng, !allowed.empty());
      j.donors = choose_donors(j.injection, allowed, rng, pool_of[f]);
      AugmentedRow& a = h.augmented.emplace_back();
      a.row = n + uint32_t(h.jobs.size() - 1);
      a.parent = f;
      for (uint32_t d : j.donors) a.donors.push_back(pool.store_file(d));
    }
  }
  h.sketches = extract_injected(store, pool, h.jobs, true, cfg, threads);
  if (opt.weight != 1) {
    std::vector<float> w(h.sketches.size(), 1.0f);
    std::fill(w.begin() + n, w.end(), opt.weight);
    h.sketches.set_weights(std::move(w));
  }
  return h;
}

nlohmann::json harden_info(const Hardened& h, const HardenOptions& opt) {
  std::map<std::string, size_t> kinds;
  for (const InjectionJob& j : h.jobs) kinds[std::string(injection_name(j.injection.kind))]++;
  return {{"copies", opt.copies},
          {"copy_weight", opt.weight},
          {"augmented_files", h.jobs.size()},
          {"folds", opt.folds},
          {"attacks", kinds},
          {"recipe",
           "per copy one of: 1-4 benign threads, 10-100% benign calls interleaved into "
           "the longest thread, 10-100% no-op padding in every thread"}};
}

}  // namespace malscope
