#include "analysis/duplicates.h"

#include <fmt/format.h>
#include <algorithm>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "analysis/minhash.h"
#include "util/error.h"
#include "util/hash.h"

namespace malscope {

namespace {

struct UnionFind {
  std::vector<uint32_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  uint32_t find(uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

// Numbers the distinct values of `of` by first appearance.
uint32_t renumber(std::vector<uint32_t>& of) {
  std::unordered_map<uint32_t, uint32_t> ids;
  for (uint32_t& v : of) v = ids.emplace(v, static_cast<uint32_t>(ids.size())).first->second;
  return static_cast<uint32_t>(ids.size());
}

// Compares signatures of groups inside one LSH bucket and joins the similar ones.
class BucketJoiner {
 public:
  BucketJoiner(std::span<const uint32_t> sigs, int k, const DuplicateOptions& o, UnionFind& uf,
               DuplicateClusters& out)
      : sigs_(sigs), k_(k), opt_(o), uf_(uf), out_(out) {}

  void join(std::span<const uint32_t> members) {
    // Small buckets: every pair. Large ones (often many unrelated short traces): each member
    // against a bounded set of leaders, so a bucket costs O(size), not O(size^2).
    if (members.size() <= 16) {
      for (size_t i = 1; i < members.size(); ++i)
        for (size_t j = 0; j < i; ++j) try_pair(members[i], members[j]);
      return;
    }
    std::vector<uint32_t> leaders;
    for (uint32_t m : members) {
      bool joined = false;
      for (uint32_t l : leaders)
        if ((joined = try_pair(m, l))) break;
      if (!joined && leaders.size() < static_cast<size_t>(opt_.max_leaders)) leaders.push_back(m);
    }
  }

 private:
  bool try_pair(uint32_t a, uint32_t b) {
    if (uf_.find(a) == uf_.find(b)) return true;
    out_.compared_pairs++;
    if (estimate_jaccard(sig(a), sig(b)) < opt_.threshold) return false;
    out_.similar_pairs++;
    uf_.unite(a, b);
    return true;
  }
  std::span<const uint32_t> sig(uint32_t g) const { return sigs_.subspan(size_t(g) * k_, k_); }

  std::span<const uint32_t> sigs_;
  int k_;
  const DuplicateOptions& opt_;
  UnionFind& uf_;
  DuplicateClusters& out_;
};

}  // namespace

const ParamTable<DuplicateOptions>& duplicate_params() {
  using C = DuplicateOptions;
  static const ParamTable<C> table{
      {"threshold", &C::threshold, 0.01, 1.0,
       "Estimated Jaccard similarity that makes two files near duplicates"},
      {"bands", &C::bands, "LSH bands (must divide --minhash)"},
  };
  return table;
}

void validate(const DuplicateOptions& o, int num_hashes) {
  if (!(o.threshold > 0 && o.threshold <= 1))
    throw UsageError(
        fmt::format("near-duplicate threshold must be in (0, 1], got {}", o.threshold));
  if (o.bands < 1 || num_hashes % o.bands != 0)
    throw UsageError(
        fmt::format("LSH bands ({}) must divide the MinHash length ({})", o.bands, num_hashes));
  if (o.max_leaders < 1) throw UsageError("max leaders per LSH bucket must be at least 1");
}

DuplicateClusters find_duplicates(std::span<const uint64_t> keys,
                                  std::span<const uint32_t> signatures, int k,
                                  const DuplicateOptions& opt) {
  validate(opt, k);
  const size_t n = keys.size();
  DuplicateClusters out;
  // Exact groups first: LSH then runs on one representative per group, so a trace repeated
  // 10,000 times costs one signature, not 50 million pairs.
  out.exact.resize(n);
  std::unordered_map<uint64_t, uint32_t> group_of;
  std::vector<uint32_t> rep;
  for (size_t f = 0; f < n; ++f) {
    auto [it, fresh] = group_of.emplace(keys[f], static_cast<uint32_t>(rep.size()));
    if (fresh) rep.push_back(static_cast<uint32_t>(f));
    out.exact[f] = it->second;
  }
  out.num_exact = static_cast<uint32_t>(rep.size());
  std::vector<uint32_t> rep_sigs(rep.size() * size_t(k));
  for (size_t g = 0; g < rep.size(); ++g)
    std::copy_n(signatures.begin() + size_t(rep[g]) * k, k, rep_sigs.begin() + g * k);

  UnionFind uf(rep.size());
  BucketJoiner joiner(rep_sigs, k, opt, uf, out);
  const int rows = k / opt.bands;
  std::vector<std::pair<uint64_t, uint32_t>> buckets(rep.size());
  std::vector<uint32_t> members;
  for (int band = 0; band < opt.bands; ++band) {
    for (uint32_t g = 0; g < rep.size(); ++g) {
      const uint32_t* p = rep_sigs.data() + size_t(g) * k + size_t(band) * rows;
      buckets[g] = {hash_bytes(std::string_view(reinterpret_cast<const char*>(p), rows * 4),
                               0x1234567ULL + band),
                    g};
    }
    std::sort(buckets.begin(), buckets.end());
    for (size_t i = 0; i < buckets.size();) {
      size_t j = i;
      members.clear();
      while (j < buckets.size() && buckets[j].first == buckets[i].first)
        members.push_back(buckets[j++].second);
      if (members.size() > 1) joiner.join(members);
      i = j;
    }
  }
  out.cluster.resize(n);
  for (size_t f = 0; f < n; ++f) out.cluster[f] = uf.find(out.exact[f]);
  out.num_clusters = renumber(out.cluster);
  return out;
}

}  // namespace malscope
