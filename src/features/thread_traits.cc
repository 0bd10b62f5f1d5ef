#include "features/thread_traits.h"

#include <algorithm>
#include <unordered_map>

#include "io/api_family.h"
#include "util/hash.h"

namespace malscope {

std::vector<uint32_t> thread_bounds(std::span<const uint32_t> tid) {
  std::vector<uint32_t> b;
  b.push_back(0);
  for (size_t i = 1; i < tid.size(); ++i)
    if (tid[i] != tid[i - 1]) b.push_back(static_cast<uint32_t>(i));
  if (!tid.empty()) b.push_back(static_cast<uint32_t>(tid.size()));
  return b;
}

uint64_t trace_key(const FileTrace& t) {
  std::vector<uint32_t> b = thread_bounds(t.tid);
  std::vector<uint64_t> threads;
  threads.reserve(b.size());
  for (size_t k = 0; k + 1 < b.size(); ++k) {
    uint32_t len = b[k + 1] - b[k];
    std::string_view bytes(reinterpret_cast<const char*>(t.api.data() + b[k]),
                           len * sizeof(uint16_t));
    threads.push_back(mix64(hash_bytes(bytes) ^ len));
  }
  std::sort(threads.begin(), threads.end());  // thread order and ids are not part of the key
  return hash_bytes(std::string_view(reinterpret_cast<const char*>(threads.data()),
                                     threads.size() * sizeof(uint64_t)),
                    0x5bd1e9955bd1e995ULL);
}

FamilyMap family_map(std::span<const std::string> api_names) {
  FamilyMap m;
  for (size_t f = 0; f < kNumFamilies; ++f)
    m.names.emplace_back(family_name(static_cast<ApiFamily>(f)));
  m.family_of_api.reserve(api_names.size());
  for (const std::string& api : api_names)
    m.family_of_api.push_back(static_cast<uint8_t>(api_family(api)));
  return m;
}

FamilyMap family_map(const TraceStore& store) {
  return family_map(store.apis());
}

std::vector<std::string> thread_trait_names(const FamilyMap& families) {
  std::vector<std::string> n = {"threads",
                                "thread_calls_min",
                                "thread_calls_mean",
                                "thread_calls_max",
                                "identical_threads_max_group",
                                "identical_threads_share",
                                "prefix_threads_share",
                                "prefix_overlap_mean"};
  for (const auto& f : families.names) {
    n.push_back("family_share_" + f);
    n.push_back("family_thread_max_share_" + f);
  }
  return n;
}

std::vector<double> thread_traits(const FileTrace& t, const FamilyMap& fam) {
  const size_t nf = fam.names.size();
  std::vector<double> out(8 + 2 * nf, 0.0);
  std::vector<uint32_t> b = thread_bounds(t.tid);
  const size_t nt = b.size() - 1;
  if (t.size() == 0 || nt == 0) return out;
  auto len = [&](size_t k) { return b[k + 1] - b[k]; };
  size_t longest = 0;
  double min_len = len(0), sum_len = 0;
  for (size_t k = 0; k < nt; ++k) {
    sum_len += len(k);
    min_len = std::min<double>(min_len, len(k));
    if (len(k) > len(longest)) longest = k;
  }
  out[0] = static_cast<double>(nt);
  out[1] = min_len;
  out[2] = sum_len / nt;
  out[3] = len(longest);

  // Identical sequences: group threads by (hash of their API ids, length).
  std::unordered_map<uint64_t, uint32_t> groups;
  for (size_t k = 0; k < nt; ++k) {
    std::string_view bytes(reinterpret_cast<const char*>(t.api.data() + b[k]),
                           len(k) * sizeof(uint16_t));
    groups[hash_bytes(bytes) ^ len(k)]++;
  }
  uint32_t max_group = 0, in_groups = 0;
  for (auto& [h, n] : groups) {
    max_group = std::max(max_group, n);
    if (n > 1) in_groups += n;
  }
  out[4] = max_group;
  out[5] = static_cast<double>(in_groups) / nt;

  // Prefix growth toward the longest thread.
  if (nt > 1) {
    const uint16_t* lp = t.api.data() + b[longest];
    double prefixes = 0, overlap = 0;
    for (size_t k = 0; k < nt; ++k) {
      if (k == longest) continue;
      const uint16_t* p = t.api.data() + b[k];
      uint32_t n = len(k), c = 0;
      while (c < n && p[c] == lp[c]) ++c;
      prefixes += c == n;
      overlap += static_cast<double>(c) / n;
    }
    out[6] = prefixes / (nt - 1);
    out[7] = overlap / (nt - 1);
  }

  // Family shares, overall and the strongest thread of 20+ calls.
  std::vector<double> total(nf, 0.0), local(nf);
  for (size_t k = 0; k < nt; ++k) {
    std::fill(local.begin(), local.end(), 0.0);
    for (uint32_t i = b[k]; i < b[k + 1]; ++i) {
      uint16_t a = t.api[i];
      if (a < fam.family_of_api.size()) local[fam.family_of_api[a]] += 1;
    }
    for (size_t f = 0; f < nf; ++f) {
      total[f] += local[f];
      if (len(k) >= 20) out[8 + 2 * f + 1] = std::max(out[8 + 2 * f + 1], local[f] / len(k));
    }
  }
  for (size_t f = 0; f < nf; ++f) out[8 + 2 * f] = total[f] / t.size();
  return out;
}

}  // namespace malscope
