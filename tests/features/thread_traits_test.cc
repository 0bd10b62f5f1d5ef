#include "features/thread_traits.h"

#include <gtest/gtest.h>

#include "features/temp_store.h"

namespace malscope {
namespace {

struct Trace {
  std::vector<uint16_t> api;
  std::vector<uint32_t> tid;
  FileTrace view() const {
    FileTrace t;
    t.api = api;
    t.tid = tid;
    t.n_rows = static_cast<uint32_t>(api.size());
    return t;
  }
  void thread(uint32_t id, std::vector<uint16_t> calls) {
    for (uint16_t c : calls) {
      api.push_back(c);
      tid.push_back(id);
    }
  }
};

FamilyMap two_families() {
  return {{0, 1, 1, 0}, {"a", "b"}};
}

TEST(ThreadTraits, NamesMatchValues) {
  Trace t;
  t.thread(1, {0, 1});
  EXPECT_EQ(thread_trait_names(two_families()).size(),
            thread_traits(t.view(), two_families()).size());
}

TEST(ThreadTraits, IdenticalThreadsAndPrefixes) {
  Trace t;
  t.thread(10, {0, 1, 2, 3});
  t.thread(11, {0, 1});  // prefix of the longest
  t.thread(12, {3, 3});  // identical to 13
  t.thread(13, {3, 3});
  auto v = thread_traits(t.view(), two_families());
  EXPECT_EQ(v[0], 4);  // threads
  EXPECT_EQ(v[1], 2);  // min calls
  EXPECT_EQ(v[3], 4);  // max calls
  EXPECT_EQ(v[4], 2);  // largest identical group
  EXPECT_DOUBLE_EQ(v[5], 0.5);
  EXPECT_DOUBLE_EQ(v[6], 1.0 / 3);  // one of three others is a prefix
  EXPECT_DOUBLE_EQ(v[7], 1.0 / 3);  // overlaps 1, 0, 0
  // family a = apis 0 and 3: 0,3,0,3,3,3,3 -> 7 of 10 calls
  EXPECT_DOUBLE_EQ(v[8], 0.7);
}

TEST(ThreadTraits, EmptyTraceIsAllZero) {
  Trace t;
  for (double x : thread_traits(t.view(), two_families())) EXPECT_EQ(x, 0);
}

TEST(FamilyMap, FollowsApiNamesWhateverTheStoreOrder) {
  testing_features::TempStore a(
      "file_id,label,api,tid,return_value,index\n"
      "x,0,CryptEncrypt,1,0,0\nx,0,NtOpenKey,1,0,1\nx,0,connect,1,0,2\n");
  testing_features::TempStore b(
      "file_id,label,api,tid,return_value,index\n"
      "x,0,connect,1,0,0\nx,0,CryptEncrypt,1,0,1\n");
  FamilyMap fa = family_map(a.store()), fb = family_map(b.store());
  EXPECT_EQ(fa.names, fb.names);
  ASSERT_GE(fa.names.size(), 6u);
  EXPECT_EQ(fa.names[fa.family_of_api[0]], "crypto");
  EXPECT_EQ(fa.names[fa.family_of_api[1]], "registry");
  EXPECT_EQ(fa.names[fa.family_of_api[2]], "network");
  EXPECT_EQ(fb.names[fb.family_of_api[0]], "network");
}

}  // namespace
}  // namespace malscope
