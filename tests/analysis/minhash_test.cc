#include "analysis/minhash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "util/error.h"

namespace malscope {
namespace {

// A trace held in vectors; threads are given in tid order.
struct Trace {
  std::vector<uint16_t> api;
  std::vector<uint32_t> tid;
  void thread(uint32_t id, const std::vector<uint16_t>& calls) {
    for (uint16_t c : calls) api.push_back(c), tid.push_back(id);
  }
  FileTrace view() const {
    FileTrace t;
    t.api = api;
    t.tid = tid;
    t.n_rows = static_cast<uint32_t>(api.size());
    return t;
  }
};

std::vector<uint16_t> range(uint16_t from, uint16_t to) {
  std::vector<uint16_t> v;
  for (uint16_t a = from; a < to; ++a) v.push_back(a);
  return v;
}

std::vector<uint32_t> signature(const Trace& t, const MinHashOptions& o) {
  Shingler s(o);
  std::vector<uint32_t> sig(o.num_hashes);
  s.signature(t.view(), sig);
  return sig;
}

TEST(TraceKey, IgnoresThreadIdsAndOrderButNotCalls) {
  Trace a, b, c;
  a.thread(1, {1, 2, 3});
  a.thread(2, {4, 5});
  b.thread(7, {4, 5});  // same threads, other ids, other order
  b.thread(9, {1, 2, 3});
  c.thread(1, {1, 2, 3});
  c.thread(2, {5, 4});
  EXPECT_EQ(trace_key(a.view()), trace_key(b.view()));
  EXPECT_NE(trace_key(a.view()), trace_key(c.view()));
}

TEST(TraceKey, SplittingAThreadChangesTheKey) {
  Trace one, two;
  one.thread(1, {1, 2, 3, 4});
  two.thread(1, {1, 2});
  two.thread(2, {3, 4});
  EXPECT_NE(trace_key(one.view()), trace_key(two.view()));
}

TEST(MinHash, EstimatesSetJaccard) {
  MinHashOptions o;
  o.ngram = 1;
  o.weighted = false;
  o.num_hashes = 1024;
  Trace a, b, same, disjoint;
  a.thread(1, range(0, 100));
  b.thread(1, range(50, 150));  // 50 shared of 150: J = 1/3
  same.thread(3, range(0, 100));
  disjoint.thread(1, range(200, 300));
  auto sa = signature(a, o);
  EXPECT_NEAR(estimate_jaccard(sa, signature(b, o)), 1.0 / 3, 0.06);
  EXPECT_DOUBLE_EQ(estimate_jaccard(sa, signature(same, o)), 1.0);
  EXPECT_LT(estimate_jaccard(sa, signature(disjoint, o)), 0.05);
}

TEST(MinHash, WeightingSeparatesLoopCounts) {
  // Same n-grams, one loop run 1 time and the other 64 times: equal as sets, not as weighted.
  Trace once, many;
  once.thread(1, {1, 2, 3, 1, 2, 3});
  std::vector<uint16_t> loop;
  for (int i = 0; i < 64; ++i) loop.insert(loop.end(), {1, 2, 3});
  many.thread(1, loop);
  MinHashOptions set_only;
  set_only.weighted = false;
  EXPECT_DOUBLE_EQ(estimate_jaccard(signature(once, set_only), signature(many, set_only)), 1.0);
  MinHashOptions weighted;
  EXPECT_LT(estimate_jaccard(signature(once, weighted), signature(many, weighted)), 0.6);
}

TEST(MinHash, SparseTracesAreDensified) {
  // Fewer elements than bins: densification fills every bin from the filled ones.
  MinHashOptions o;
  Trace a, b, c;
  a.thread(1, {7, 8});
  b.thread(5, {7, 8});
  c.thread(1, {9});
  auto sa = signature(a, o);
  EXPECT_DOUBLE_EQ(estimate_jaccard(sa, signature(b, o)), 1.0);
  EXPECT_LT(estimate_jaccard(sa, signature(c, o)), 0.2);
  EXPECT_EQ(std::count(sa.begin(), sa.end(), 0xffffffffu), 0);
}

TEST(MinHash, ReusedShinglerGivesTheSameSignature) {
  std::mt19937 rng(3);
  Trace big, small;
  for (int i = 0; i < 5000; ++i) big.api.push_back(rng() % 300), big.tid.push_back(1 + i / 1000);
  small.thread(1, {1, 2, 3, 4});
  MinHashOptions o;
  Shingler s(o);
  std::vector<uint32_t> first(o.num_hashes), again(o.num_hashes);
  s.signature(small.view(), first);
  s.signature(big.view(), again);  // grows the table
  s.signature(small.view(), again);
  EXPECT_EQ(first, again);
}

TEST(MinHash, RejectsBadOptions) {
  MinHashOptions o;
  o.num_hashes = 100;
  EXPECT_THROW(validate(o), UsageError);
  o.num_hashes = 128;
  o.ngram = 4;
  EXPECT_THROW(validate(o), UsageError);
}

}  // namespace
}  // namespace malscope
