#include "analysis/profile.h"

#include <algorithm>
#include <cmath>

#include "analysis/class_probs.h"
#include "store/store_info.h"
#include "util/error.h"

namespace malscope {

namespace {

// Per-class sums over files, accumulated in store order so the result is deterministic.
struct ClassSums {
  uint32_t files = 0;
  uint64_t calls = 0;
  std::vector<uint64_t> api_calls;
  std::vector<uint32_t> api_files;
  std::vector<double> share_sum, share_sq;
  std::vector<std::vector<double>> traits;  // [trait][file of the class]

  ClassSums(size_t apis, size_t traits_n)
      : api_calls(apis, 0),
        api_files(apis, 0),
        share_sum(apis, 0),
        share_sq(apis, 0),
        traits(traits_n) {}
};

ApiContrast contrast(const ClassSums& k, const ClassSums& z, uint16_t api) {
  ApiContrast c;
  c.api = api;
  c.files_k = k.api_files[api];
  c.files_0 = z.api_files[api];
  c.calls_k = k.api_calls[api];
  c.calls_0 = z.api_calls[api];
  // Presence: a 2x2 table of files, Haldane's 0.5 so absent cells stay finite.
  const double a = c.files_k + 0.5, b = k.files - c.files_k + 0.5;
  const double cc = c.files_0 + 0.5, d = z.files - c.files_0 + 0.5;
  c.log_odds = std::log(a * d / (b * cc));
  c.z_presence = c.log_odds / std::sqrt(1 / a + 1 / b + 1 / cc + 1 / d);
  // Volume: mean per-file share, so one huge trace cannot carry a class.
  auto moments = [api](const ClassSums& s, double& mean, double& var) {
    mean = s.share_sum[api] / s.files;
    var =
        s.files > 1 ? std::max(0.0, (s.share_sq[api] - s.files * mean * mean) / (s.files - 1)) : 0;
  };
  double vk, v0;
  moments(k, c.share_k, vk);
  moments(z, c.share_0, v0);
  c.log2_ratio = std::log2((c.share_k + 1e-6) / (c.share_0 + 1e-6));
  // The floor keeps z finite when both classes have constant shares (then it is huge, as it
  // should be, unless the shares are equal too).
  const double se = std::max(std::sqrt(vk / k.files + v0 / z.files), 1e-9);
  c.z_volume = (c.share_k - c.share_0) / se;
  c.score = std::abs(c.z_presence) >= std::abs(c.z_volume) ? c.z_presence : c.z_volume;
  return c;
}

void add_contrasts(ClassProfile& p, const ClassSums& k, const ClassSums& z, size_t top) {
  for (size_t api = 0; api < k.api_calls.size(); ++api) {
    if (!k.api_calls[api] && !z.api_calls[api]) continue;
    ApiContrast c = contrast(k, z, static_cast<uint16_t>(api));
    (c.score > 0 ? p.over : p.under).push_back(c);
  }
  auto strongest = [](const ApiContrast& a, const ApiContrast& b) {
    return std::abs(a.score) != std::abs(b.score) ? std::abs(a.score) > std::abs(b.score)
                                                  : a.api < b.api;
  };
  for (auto* list : {&p.over, &p.under}) {
    std::sort(list->begin(), list->end(), strongest);
    if (list->size() > top) list->resize(top);
  }
}

}  // namespace

const ParamTable<ProfileOptions>& profile_params() {
  using C = ProfileOptions;
  static const ParamTable<C> table{
      {"top", &C::top_apis, "APIs listed per class by share of calls"},
      {"distinctive", &C::distinctive, "APIs listed as over- and as under-represented per class"},
  };
  return table;
}

Profile build_profile(const TraceStore& store, const CorpusScan& scan, const ProfileOptions& opt) {
  const uint32_t n = store.num_files();
  if (scan.count_ptr.size() != size_t(n) + 1 || scan.traits.size() != n * scan.trait_names.size())
    throw Error("the profile needs a scan with API counts and traits");
  Profile p;
  p.store = store.path();
  p.files = n;
  p.calls = store.num_rows();
  p.apis = store.apis();
  p.options = opt;
  p.trait_names = {"calls", "distinct_apis"};
  p.trait_names.insert(p.trait_names.end(), scan.trait_names.begin(), scan.trait_names.end());
  const int k = store.labeled() ? store.num_classes() : 1;
  std::vector<ClassSums> sums(k, ClassSums(p.apis.size(), p.trait_names.size()));
  for (uint32_t f = 0; f < n; ++f) {
    const int c = store.labeled() ? store.label(f) : 0;
    if (c < 0 || c >= k) continue;
    ClassSums& s = sums[c];
    const uint32_t rows = store.file_rows(f);
    s.files++;
    s.calls += rows;
    for (uint64_t i = scan.count_ptr[f]; i < scan.count_ptr[f + 1]; ++i) {
      const uint16_t api = scan.count_api[i];
      const double share = double(scan.count_calls[i]) / rows;
      s.api_calls[api] += scan.count_calls[i];
      s.api_files[api]++;
      s.share_sum[api] += share;
      s.share_sq[api] += share * share;
    }
    s.traits[0].push_back(rows);
    s.traits[1].push_back(double(scan.count_ptr[f + 1] - scan.count_ptr[f]));
    std::span<const double> row = scan.trait_row(f);
    for (size_t t = 0; t < row.size(); ++t) s.traits[2 + t].push_back(row[t]);
  }
  for (int c = 0; c < k; ++c) {
    ClassSums& s = sums[c];
    ClassProfile cp;
    cp.label = store.labeled() ? c : -1;
    cp.name = store.labeled() ? class_name(c, k, opt.class_names) : "all files";
    cp.files = s.files;
    cp.calls = s.calls;
    for (size_t api = 0; api < s.api_calls.size(); ++api)
      if (s.api_calls[api]) cp.api_calls.emplace_back(static_cast<uint16_t>(api), s.api_calls[api]);
    std::stable_sort(cp.api_calls.begin(), cp.api_calls.end(),
                     [](auto& a, auto& b) { return a.second > b.second; });
    for (auto& values : s.traits) {
      Distribution d = distribution(values);
      cp.traits.push_back({d.mean, d.p10, d.p50, d.p90});
    }
    if (store.labeled() && c > 0 && s.files && sums[0].files)
      add_contrasts(cp, s, sums[0], opt.distinctive);
    p.classes.push_back(std::move(cp));
  }
  return p;
}

}  // namespace malscope
