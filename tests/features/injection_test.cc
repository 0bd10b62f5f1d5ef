// Injecting benign behaviour into a trace: each attack adds what it says and nothing else, keeps
// the original calls in order, is the same for the same seed, and never touches the store.
#include "features/injection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "features/pipeline.h"
#include "features/temp_store.h"
#include "features/thread_traits.h"

namespace malscope {
namespace {

using testing_features::TempStore;

// Two benign files (class 0) and two malware files of two and three threads.
const char* kCsv =
    "file_id,label,api,tid,return_value,index\n"
    "b1,0,NtClose,5,0,0\nb1,0,NtOpenKey,5,0,1\nb1,0,NtClose,5,0,2\nb1,0,GetTickCount,6,7,0\n"
    "b2,0,LdrLoadDll,9,0,0\nb2,0,NtQueryValueKey,9,-1,1\nb2,0,NtClose,9,0,2\n"
    "m1,1,CryptEncrypt,1,0,0\nm1,1,NtWriteFile,1,0,1\nm1,1,CryptEncrypt,1,0,2\n"
    "m1,1,NtWriteFile,1,0,3\nm1,1,CryptEncrypt,1,0,4\nm1,1,NtWriteFile,1,0,5\n"
    "m1,1,NtClose,2,0,0\nm1,1,NtClose,2,0,1\n"
    "m2,2,NtCreateThread,3,0,0\nm2,2,NtCreateThread,3,0,1\nm2,2,NtCreateThread,4,0,0\n"
    "m2,2,NtCreateThread,4,0,1\nm2,2,NtCreateThread,7,0,0\nm2,2,NtCreateThread,7,0,1\n";

struct Fixture {
  TempStore store{kCsv};
  const TraceStore& s = store.store();
  DonorPool pool{s.apis(), s.has_return_value()};
  OwnedTrace m1 = s.read_file(*s.find_file("m1"), kColAll);
  Fixture() {
    std::vector<uint32_t> benign = {*s.find_file("b1"), *s.find_file("b2")};
    pool.add(s, benign, 1);
  }
  InjectedTrace run(Injection inj, std::vector<uint32_t> donors, uint64_t seed = 7) {
    InjectedTrace out;
    inject(m1.trace, {m1.trace.file, inj, std::move(donors), seed}, pool, out);
    return out;
  }
};

std::vector<std::string> names(const InjectedTrace& t, const DonorPool& p) {
  std::vector<std::string> out;
  for (uint16_t a : t.api) out.push_back(p.api_names()[a]);
  return out;
}

// The calls of thread `tid`, in order.
std::vector<std::string> thread_calls(const InjectedTrace& t, const DonorPool& p, uint32_t tid) {
  std::vector<std::string> out;
  for (size_t i = 0; i < t.api.size(); ++i)
    if (t.tid[i] == tid) out.push_back(p.api_names()[t.api[i]]);
  return out;
}

bool store_order(const InjectedTrace& t) {
  for (size_t i = 1; i < t.api.size(); ++i)
    if (t.tid[i] < t.tid[i - 1] || (t.tid[i] == t.tid[i - 1] && t.index[i] < t.index[i - 1]))
      return false;
  return t.trace.n_rows == t.api.size() && t.ret.size() == t.api.size();
}

TEST(Injection, ThreadsAppendEachDonorAsOneNewThread) {
  Fixture fx;
  InjectedTrace t = fx.run({InjectionKind::kThreads, 2}, {0, 1});
  ASSERT_EQ(t.api.size(), 8u + 4 + 3);
  EXPECT_TRUE(store_order(t));
  // The malware calls first, unchanged; then b1 (both its threads as one) and b2.
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(t.api[i], fx.m1.trace.api[i]);
    EXPECT_EQ(t.tid[i], fx.m1.trace.tid[i]);
    EXPECT_EQ(t.index[i], fx.m1.trace.index[i]);
  }
  EXPECT_EQ(thread_calls(t, fx.pool, 3),
            (std::vector<std::string>{"NtClose", "NtOpenKey", "NtClose", "GetTickCount"}));
  EXPECT_EQ(thread_calls(t, fx.pool, 4),
            (std::vector<std::string>{"LdrLoadDll", "NtQueryValueKey", "NtClose"}));
  EXPECT_EQ(t.ret[11], 7);  // GetTickCount's return value came along
  EXPECT_EQ(t.trace.label, 1);
  EXPECT_EQ(t.trace.id, "m1");
}

TEST(Injection, InterleaveGoesIntoTheLongestThreadKeepingItsOrder) {
  Fixture fx;
  for (double share : {0.5, 1.0}) {
    InjectedTrace t = fx.run({InjectionKind::kInterleave, share}, {0});
    EXPECT_TRUE(store_order(t));
    auto longest = thread_calls(t, fx.pool, 1);
    EXPECT_EQ(longest.size(), 6 + size_t(std::llround(6 * share)));
    EXPECT_EQ(thread_calls(t, fx.pool, 2), (std::vector<std::string>{"NtClose", "NtClose"}));
    // The malware calls are a subsequence, in order; the rest are donor calls.
    std::vector<std::string> mal;
    for (const auto& c : longest)
      if (c == "CryptEncrypt" || c == "NtWriteFile") mal.push_back(c);
    EXPECT_EQ(mal, (std::vector<std::string>{"CryptEncrypt", "NtWriteFile", "CryptEncrypt",
                                             "NtWriteFile", "CryptEncrypt", "NtWriteFile"}));
  }
}

TEST(Injection, PaddingAddsOnlyNoOpsToEveryThread) {
  Fixture fx;
  ASSERT_FALSE(fx.pool.noop_apis().empty());
  std::vector<std::string> noops;
  for (uint16_t a : fx.pool.noop_apis()) noops.push_back(fx.pool.api_names()[a]);
  EXPECT_EQ(noops, (std::vector<std::string>{"GetTickCount"}));  // the one the store has
  InjectedTrace t = fx.run({InjectionKind::kPadding, 1.0}, {});
  EXPECT_TRUE(store_order(t));
  EXPECT_EQ(thread_calls(t, fx.pool, 1).size(), 12u);
  EXPECT_EQ(thread_calls(t, fx.pool, 2).size(), 4u);
  auto all = names(t, fx.pool);
  EXPECT_EQ(std::count(all.begin(), all.end(), "GetTickCount"), 8);
  EXPECT_EQ(std::count(all.begin(), all.end(), "CryptEncrypt"), 3);
}

TEST(Injection, SameSeedSameCopyOtherSeedOtherPositions) {
  Fixture fx;
  Injection inj{InjectionKind::kInterleave, 1.0};
  InjectedTrace a = fx.run(inj, {1}, 11), b = fx.run(inj, {1}, 11);
  EXPECT_EQ(a.api, b.api);
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.ret, b.ret);
  bool differs = false;
  for (uint64_t seed = 12; seed < 20 && !differs; ++seed)
    differs = fx.run(inj, {1}, seed).api != a.api;
  EXPECT_TRUE(differs);
}

TEST(Injection, ChooseDonorsDistinctWhileThereAreEnough) {
  Rng rng(3);
  std::vector<uint32_t> allowed = {4, 9, 11};
  auto d = choose_donors({InjectionKind::kThreads, 3}, allowed, rng);
  std::sort(d.begin(), d.end());
  EXPECT_EQ(d, allowed);
  EXPECT_EQ(choose_donors({InjectionKind::kThreads, 4}, allowed, rng).size(), 4u);
  EXPECT_EQ(choose_donors({InjectionKind::kInterleave, .5}, allowed, rng).size(), 1u);
  EXPECT_TRUE(choose_donors({InjectionKind::kPadding, .5}, {}, rng).empty());
  EXPECT_THROW(choose_donors({InjectionKind::kThreads, 1}, {}, rng), Error);
}

TEST(Injection, DictionaryWithoutNoOpsGetsSleep) {
  DonorPool p({"NtClose", "CryptEncrypt"}, false);
  ASSERT_EQ(p.noop_apis().size(), 1u);
  EXPECT_EQ(p.api_names()[p.noop_apis()[0]], "Sleep");
  EXPECT_EQ(p.api_names().size(), 3u);
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Injection, ExtractInjectedKeepsStoreRowsAndLeavesTheStoreAlone) {
  Fixture fx;
  const std::string before = file_bytes(fx.s.path());
  FeatureConfig cfg;
  std::vector<InjectionJob> jobs = {{*fx.s.find_file("m1"), {InjectionKind::kThreads, 1}, {0}, 1},
                                    {*fx.s.find_file("m2"), {InjectionKind::kPadding, .5}, {}, 2}};
  Sketches with = extract_injected(fx.s, fx.pool, jobs, true, cfg, 2);
  Sketches plain = Sketches::extract(fx.s, cfg, 2);
  ASSERT_EQ(with.size(), plain.size() + 2);
  for (size_t r = 0; r < plain.size(); ++r) {
    EXPECT_EQ(with.file_id(r), plain.file_id(r));
    EXPECT_TRUE(
        std::equal(with.scalars(r).begin(), with.scalars(r).end(), plain.scalars(r).begin()));
    ASSERT_EQ(with.apis(r).size(), plain.apis(r).size());
  }
  EXPECT_EQ(with.file_id(plain.size()), "m1");
  EXPECT_EQ(with.label(plain.size() + 1), 2);
  uint32_t calls = 0;
  for (const ApiCount& a : with.apis(plain.size())) calls += a.count;
  EXPECT_EQ(calls, 8u + 4);
  Sketches again = extract_injected(fx.s, fx.pool, jobs, false, cfg, 1);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_TRUE(std::equal(again.scalars(0).begin(), again.scalars(0).end(),
                         with.scalars(plain.size()).begin()));
  EXPECT_EQ(file_bytes(fx.s.path()), before);
}

}  // namespace
}  // namespace malscope
