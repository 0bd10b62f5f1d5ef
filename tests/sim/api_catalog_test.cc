#include "sim/api_catalog.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sim/motif_library.h"
#include "util/error.h"

namespace malscope::sim {
namespace {

TEST(ApiCatalog, HasAboutThreeHundredDistinctRealNames) {
  const ApiCatalog& cat = ApiCatalog::get();
  EXPECT_GE(cat.size(), 280u);
  EXPECT_LE(cat.size(), 320u);
  std::set<std::string_view> names;
  for (size_t i = 0; i < cat.size(); ++i) names.insert(cat[static_cast<uint16_t>(i)].name);
  EXPECT_EQ(names.size(), cat.size());
  EXPECT_EQ(cat[cat.id("NtClose")].name, "NtClose");
  EXPECT_FALSE(cat.find("NoSuchApi"));
  EXPECT_THROW(cat.id("NoSuchApi"), Error);
}

TEST(ApiCatalog, EveryNameHasAFamilyAndTheMainFamiliesAreCovered) {
  const ApiCatalog& cat = ApiCatalog::get();
  EXPECT_TRUE(cat.family(ApiFamily::kOther).empty());
  for (ApiFamily f : {ApiFamily::kCrypto, ApiFamily::kNetwork, ApiFamily::kFile,
                      ApiFamily::kRegistry, ApiFamily::kProcess, ApiFamily::kMemory})
    EXPECT_GE(cat.family(f).size(), 10u) << family_name(f);
  EXPECT_EQ(cat[cat.id("CryptEncrypt")].family, ApiFamily::kCrypto);
}

TEST(ApiCatalog, TwinsAreAnsiWidePairs) {
  const ApiCatalog& cat = ApiCatalog::get();
  EXPECT_EQ(cat[*cat.twin(cat.id("RegOpenKeyExW"))].name, "RegOpenKeyExA");
  EXPECT_EQ(cat[*cat.twin(cat.id("DnsQuery_A"))].name, "DnsQuery_W");
  EXPECT_FALSE(cat.twin(cat.id("NtClose")));
  EXPECT_FALSE(cat.twin(cat.id("GetTempPathW")));  // no ANSI twin in the catalog
}

TEST(ApiCatalog, BackgroundWeightsAreCumulative) {
  const ApiCatalog& cat = ApiCatalog::get();
  ASSERT_FALSE(cat.background().empty());
  ASSERT_EQ(cat.background().size(), cat.background_cumulative().size());
  for (size_t i = 1; i < cat.background_cumulative().size(); ++i)
    EXPECT_GT(cat.background_cumulative()[i], cat.background_cumulative()[i - 1]);
}

TEST(MotifLibrary, ParsesEveryMotifAgainstTheCatalog) {
  const MotifLibrary& lib = MotifLibrary::get();
  EXPECT_GT(lib.size(), 100u);
  const Motif& m = lib("start.ldr");
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[1].lo, 4);
  EXPECT_EQ(m[1].hi, 30);
  EXPECT_EQ(ApiCatalog::get()[m[0].api].name, "LdrLoadDll");
  EXPECT_THROW(lib("no.such.motif"), Error);
}

}  // namespace
}  // namespace malscope::sim
