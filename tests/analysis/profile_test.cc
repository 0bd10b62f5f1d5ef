#include "analysis/profile.h"

#include <gtest/gtest.h>

#include "analysis_fixtures.h"

namespace malscope {
namespace {

using testing_analysis::CsvBuilder;
using testing_analysis::TestStore;

// Class 0: 30 files calling NtClose x4 and RegOpenKeyExW x2 (every file), LdrLoadDll in a third.
// Class 1: 20 files calling NtClose x2, CryptEncrypt x1 (every file) and NtWriteFile x5; one
// thread each except class-1 files, which run two identical threads.
std::string csv() {
  CsvBuilder b;
  for (int i = 0; i < 30; ++i) {
    std::vector<std::string> calls = {"NtClose", "RegOpenKeyExW", "NtClose",
                                      "NtClose", "RegOpenKeyExW", "NtClose"};
    if (i % 3 == 0) calls.push_back("LdrLoadDll");
    b.file(fmt::format("n{}", i), 0, {{1, calls}});
  }
  for (int i = 0; i < 20; ++i) {
    std::vector<std::string> calls = {"NtClose",     "CryptEncrypt", "NtWriteFile", "NtWriteFile",
                                      "NtWriteFile", "NtWriteFile",  "NtWriteFile", "NtClose"};
    b.file(fmt::format("r{}", i), 1, {{1, calls}, {2, calls}});
  }
  return b.str();
}

const ApiContrast* find(const std::vector<ApiContrast>& list, const Profile& p,
                        const std::string& api) {
  for (const auto& c : list)
    if (p.apis[c.api] == api) return &c;
  return nullptr;
}

struct Built {
  TestStore ts{csv()};
  Profile p;
  Built() {
    ScanOptions o;
    o.fingerprints = false;
    o.progress = {};
    CorpusScan s = scan_corpus(ts.store(), family_map(ts.store()), o, 2);
    p = build_profile(ts.store(), s, ProfileOptions{});
  }
};

TEST(Profile, SharesOfEachClassSumToOne) {
  Built b;
  ASSERT_EQ(b.p.classes.size(), 2u);
  for (const ClassProfile& c : b.p.classes) {
    double sum = 0;
    for (auto [api, calls] : c.api_calls) sum += double(calls) / c.calls;
    EXPECT_NEAR(sum, 1.0, 1e-12) << c.name;
  }
  EXPECT_EQ(b.p.classes[0].files, 30u);
  EXPECT_EQ(b.p.classes[0].calls, 30u * 6 + 10);
  EXPECT_EQ(b.p.apis[b.p.classes[0].api_calls[0].first], "NtClose");  // most calls first
  EXPECT_EQ(b.p.classes[0].api_calls[0].second, 120u);
}

TEST(Profile, OverRepresentationHasTheRightSignAndCounts) {
  Built b;
  const ClassProfile& r = b.p.classes[1];
  EXPECT_TRUE(b.p.classes[0].over.empty());  // class 0 is the reference
  const ApiContrast* crypt = find(r.over, b.p, "CryptEncrypt");
  ASSERT_NE(crypt, nullptr);
  EXPECT_EQ(crypt->files_k, 20u);
  EXPECT_EQ(crypt->files_0, 0u);
  EXPECT_EQ(crypt->calls_k, 40u);
  EXPECT_EQ(crypt->calls_0, 0u);
  EXPECT_GT(crypt->log_odds, 0);
  EXPECT_GT(crypt->z_presence, 3);
  EXPECT_NEAR(crypt->share_k, 1.0 / 8, 1e-12);
  const ApiContrast* reg = find(r.under, b.p, "RegOpenKeyExW");
  ASSERT_NE(reg, nullptr);
  EXPECT_LT(reg->score, 0);
  EXPECT_EQ(reg->files_0, 30u);
  EXPECT_EQ(reg->files_k, 0u);
  // NtClose: every file of both classes calls it (presence even), but a smaller share in
  // class 1 (2/8 against 4/6 or 4/7): under-represented by volume.
  const ApiContrast* close = find(r.under, b.p, "NtClose");
  ASSERT_NE(close, nullptr);
  EXPECT_LT(close->z_volume, 0);
  EXPECT_LT(std::abs(close->z_presence), 1);
  EXPECT_EQ(close->score, close->z_volume);
  EXPECT_EQ(find(r.over, b.p, "NtClose"), nullptr);
}

TEST(Profile, TraitsSummariseThreadsAndFamilies) {
  Built b;
  auto trait = [&](int c, const std::string& name) {
    for (size_t i = 0; i < b.p.trait_names.size(); ++i)
      if (b.p.trait_names[i] == name) return b.p.classes[c].traits[i];
    ADD_FAILURE() << "no trait " << name;
    return TraitStats{};
  };
  EXPECT_DOUBLE_EQ(trait(0, "threads").mean, 1);
  EXPECT_DOUBLE_EQ(trait(1, "threads").mean, 2);
  EXPECT_DOUBLE_EQ(trait(1, "identical_threads_share").mean, 1);
  EXPECT_DOUBLE_EQ(trait(1, "calls").p50, 16);
  EXPECT_DOUBLE_EQ(trait(1, "family_share_crypto").mean, 1.0 / 8);
  EXPECT_DOUBLE_EQ(trait(0, "family_share_crypto").mean, 0);
  EXPECT_DOUBLE_EQ(trait(0, "family_share_registry").p50, 2.0 / 6);
}

TEST(Profile, TextAndJsonCarryTheTables) {
  Built b;
  std::string text = to_text(b.p);
  EXPECT_NE(text.find("over-represented against class 0"), std::string::npos);
  EXPECT_NE(text.find("CryptEncrypt"), std::string::npos);
  nlohmann::json j = to_json(b.p);
  EXPECT_EQ(j["classes"][1]["over_represented"].size(), 2u);  // CryptEncrypt, NtWriteFile
  EXPECT_EQ(j["classes"][1]["name"], "malware");
}

}  // namespace
}  // namespace malscope
