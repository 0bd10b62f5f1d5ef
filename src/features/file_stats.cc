#include "features/file_stats.h"

#include <algorithm>

#include "features/ngram_counter.h"
#include "util/hash.h"

namespace malscope {

namespace {
// Indices of the fixed statistics, in the order of kNames.
enum Stat {
  kCalls,
  kDistinctApis,
  kThreads,
  kThreadCallsMin,
  kThreadCallsMean,
  kThreadCallsMax,
  kIndexMax,
  kIndexRepeats,
  kIndexGaps,
  kNumFixed,
};
constexpr const char* kNames[kNumFixed] = {
    "stat:calls",
    "stat:distinct_apis",
    "stat:threads",
    "stat:thread_calls_min",
    "stat:thread_calls_mean",
    "stat:thread_calls_max",
    "stat:index_max",
    "stat:index_repeats",
    "stat:index_gaps",
};
}  // namespace

bool return_is_negative(int64_t v) {
  if (ret_is_string(v)) return false;
  return v < 0 || (v >= (int64_t(1) << 31) && v < (int64_t(1) << 32));
}

std::vector<std::string> file_stat_names(bool has_ret, const FamilyMap& fam) {
  std::vector<std::string> n(kNames, kNames + kNumFixed);
  if (!has_ret) return n;
  n.push_back("stat:ret_distinct");
  n.push_back("ret_zero_share:all");
  n.push_back("ret_neg_share:all");
  for (const auto& f : fam.names) {
    n.push_back("ret_zero_share:" + f);
    n.push_back("ret_neg_share:" + f);
  }
  return n;
}

namespace {

void thread_and_index_stats(const FileTrace& t, float* out) {
  std::vector<uint32_t> b = thread_bounds(t.tid);
  const size_t nt = b.size() - 1;
  uint32_t lo = UINT32_MAX, hi = 0;
  for (size_t k = 0; k < nt; ++k) {
    lo = std::min(lo, b[k + 1] - b[k]);
    hi = std::max(hi, b[k + 1] - b[k]);
  }
  out[kThreads] = static_cast<float>(nt);
  out[kThreadCallsMin] = nt ? static_cast<float>(lo) : 0.f;
  out[kThreadCallsMean] = nt ? static_cast<float>(double(t.size()) / nt) : 0.f;
  out[kThreadCallsMax] = static_cast<float>(hi);
  if (t.index.empty()) return;
  uint32_t max_index = 0, repeats = 0, gaps = 0;
  for (size_t k = 0; k < nt; ++k) {
    for (uint32_t i = b[k]; i < b[k + 1]; ++i) {
      max_index = std::max(max_index, t.index[i]);
      if (i == b[k]) continue;
      uint32_t step = t.index[i] - t.index[i - 1];  // rows are sorted by index within a thread
      repeats += step == 0;
      gaps += step > 1;
    }
  }
  out[kIndexMax] = static_cast<float>(max_index);
  out[kIndexRepeats] = static_cast<float>(repeats);
  out[kIndexGaps] = static_cast<float>(gaps);
}

void return_stats(const FileTrace& t, const FamilyMap& fam, float* out) {
  const size_t nf = fam.names.size();
  std::vector<double> calls(nf + 1, 0), zero(nf + 1, 0), neg(nf + 1, 0);
  thread_local NgramCounter distinct;  // reused: no allocation or sort per file
  for (size_t i = 0; i < t.ret.size(); ++i) {
    uint16_t a = t.api[i];
    size_t f = a < fam.family_of_api.size() ? fam.family_of_api[a] + 1 : 0;
    int64_t v = t.ret[i];
    bool z = v == 0, n = return_is_negative(v);
    distinct.add(mix64(static_cast<uint64_t>(v)), 0);
    calls[0]++, zero[0] += z, neg[0] += n;
    if (f) calls[f]++, zero[f] += z, neg[f] += n;
  }
  out[0] = static_cast<float>(distinct.size());
  distinct.clear();
  for (size_t f = 0; f <= nf; ++f) {
    out[1 + 2 * f] = calls[f] ? static_cast<float>(zero[f] / calls[f]) : 0.f;
    out[2 + 2 * f] = calls[f] ? static_cast<float>(neg[f] / calls[f]) : 0.f;
  }
}

}  // namespace

void file_stats(const FileTrace& t, bool has_ret, const FamilyMap& fam, float* out) {
  std::fill(out, out + kNumFixed + (has_ret ? 3 + 2 * fam.names.size() : 0), 0.f);
  out[kCalls] = static_cast<float>(t.size());
  thread_local std::vector<uint8_t> seen(65536, 0);  // by API id; reset after use
  uint32_t distinct = 0;
  for (uint16_t a : t.api) distinct += seen[a] == 0, seen[a] = 1;
  for (uint16_t a : t.api) seen[a] = 0;
  out[kDistinctApis] = static_cast<float>(distinct);
  thread_and_index_stats(t, out);
  if (has_ret && !t.ret.empty()) return_stats(t, fam, out + kNumFixed);
}

}  // namespace malscope
