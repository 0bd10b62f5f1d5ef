#include "io/api_names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "util/error.h"

namespace malscope {
namespace {

TEST(ApiNames, FoldsOnlyWhatDiffersInSpellingNotMeaning) {
  EXPECT_EQ(canonical_api_name("DeleteFileA"), "DeleteFileW");
  EXPECT_EQ(canonical_api_name("DeleteFileW"), "DeleteFileW");
  EXPECT_EQ(canonical_api_name("RegOpenKeyExA"), "RegOpenKeyExW");
  EXPECT_EQ(canonical_api_name("DnsQuery_A"), "DnsQuery_W");
  EXPECT_EQ(canonical_api_name("ZwClose"), "NtClose");
  EXPECT_EQ(canonical_api_name("Process32First"), "Process32FirstW");
  EXPECT_EQ(canonical_api_name("getaddrinfo"), "GetAddrInfoW");
  // Kept: Ex variants, W-only names, names that merely end in A, case, pseudo-APIs.
  EXPECT_EQ(canonical_api_name("RegOpenKeyExW"), "RegOpenKeyExW");
  EXPECT_EQ(canonical_api_name("RegOpenKeyW"), "RegOpenKeyW");
  EXPECT_EQ(canonical_api_name("CreateProcessInternalW"), "CreateProcessInternalW");
  EXPECT_EQ(canonical_api_name("NtCreateThreadEx"), "NtCreateThreadEx");
  EXPECT_EQ(canonical_api_name("RtlDecompressBufferA"), "RtlDecompressBufferA");
  EXPECT_EQ(canonical_api_name("socket"), "socket");
  EXPECT_EQ(canonical_api_name("Zwelcome"), "Zwelcome");
  EXPECT_EQ(canonical_api_name("__exception__"), "__exception__");
  EXPECT_EQ(canonical_api_name("A"), "A");
}

TEST(ApiNames, StemTableIsSortedAndUnique) {
  auto stems = ansi_unicode_stems();
  EXPECT_GT(stems.size(), 400u);
  EXPECT_TRUE(std::is_sorted(stems.begin(), stems.end()));
  EXPECT_EQ(std::adjacent_find(stems.begin(), stems.end()), stems.end());
  for (std::string_view s : stems) EXPECT_FALSE(s.empty());
}

TEST(ApiNames, NamingNames) {
  EXPECT_EQ(parse_api_naming("canonical", "x"), ApiNaming::kCanonical);
  EXPECT_EQ(api_naming_name(parse_api_naming("as-is", "x")), "as-is");
  EXPECT_THROW(parse_api_naming("folded", "--api-names"), UsageError);
}

}  // namespace
}  // namespace malscope
