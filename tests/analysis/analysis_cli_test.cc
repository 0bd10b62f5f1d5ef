// End-to-end: profile and audit through the real CLI on a small planted store.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis_fixtures.h"

namespace malscope {
namespace {

using testing_analysis::CsvBuilder;
using testing_analysis::TestStore;
using testing_util::malscope;
using testing_util::read_text;

// 30 random files, f0 repeated as f30 and f31 (other label for f31), "1,5" as an id needing CSV
// quotes.
std::string csv() {
  std::mt19937 rng(2);
  CsvBuilder b;
  std::vector<std::vector<std::string>> calls;
  for (int i = 0; i < 30; ++i) {
    calls.push_back(testing_analysis::random_calls(rng, 40, 120));
    b.file(fmt::format("f{}", i), i % 3 == 0, {{1, calls.back()}});
  }
  b.file("f30", 1, {{5, calls[0]}});
  b.file("f31", 0, {{6, calls[0]}});
  b.file("\"1,5\"", 1, {{1, testing_analysis::random_calls(rng, 40, 50)}});
  return b.str();
}

TEST(AnalysisCli, AuditWritesGroupsAndJson) {
  TestStore ts(csv());
  std::string groups = ts.file("groups.csv");
  auto r = malscope("audit " + ts.path() + " --json --groups-out " + groups);
  ASSERT_EQ(r.code, 0) << r.out;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["files"], 33);
  EXPECT_EQ(j["duplicates"]["exact_groups"], 1);
  EXPECT_EQ(j["duplicates"]["exact_files"], 3);
  EXPECT_EQ(j["label_conflicts"]["exact_groups"], 1);
  EXPECT_EQ(j["duplicates"]["groups"], 31);
  EXPECT_TRUE(j.contains("id_order_leakage"));
  EXPECT_TRUE(j.contains("cv_impact"));

  // Contract: header file_id,group; one row per file; duplicates share a group.
  std::string g = read_text(groups);
  std::istringstream in(g);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "file_id,group");
  std::map<std::string, std::string> group_of;
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    size_t comma = line.rfind(',');
    group_of[line.substr(0, comma)] = line.substr(comma + 1);
  }
  EXPECT_EQ(rows, 33);
  EXPECT_EQ(group_of["f0"], group_of["f30"]);
  EXPECT_EQ(group_of["f0"], group_of["f31"]);
  EXPECT_NE(group_of["f0"], group_of["f1"]);
  EXPECT_TRUE(group_of.count("\"1,5\""));  // quoted, as CSV needs
}

TEST(AnalysisCli, AuditTextNamesConflicts) {
  TestStore ts(csv());
  auto r = malscope("audit " + ts.path());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("label conflicts    1 exact groups (3 files)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("file_id order leakage"), std::string::npos);
  EXPECT_NE(r.out.find("cross-validation impact"), std::string::npos);
}

TEST(AnalysisCli, ProfilePrintsTablesAndJson) {
  TestStore ts(csv());
  auto text = malscope("profile " + ts.path() + " --class-names benign,bad");
  ASSERT_EQ(text.code, 0) << text.out;
  EXPECT_NE(text.out.find("class 1 (bad)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("thread-structure traits"), std::string::npos);
  auto json = malscope("profile " + ts.path() + " --json");
  ASSERT_EQ(json.code, 0) << json.out;
  EXPECT_EQ(nlohmann::json::parse(json.out)["classes"].size(), 2u);
}

TEST(AnalysisCli, BadUsageExitsWithTwoAndBadInputWithOne) {
  TestStore ts(csv());
  auto bands = malscope("audit " + ts.path() + " --bands 7");
  EXPECT_EQ(bands.code, 2) << bands.out;
  EXPECT_NE(bands.out.find("must divide"), std::string::npos) << bands.out;
  auto names = malscope("profile " + ts.path() + " --class-names a,b,c");
  EXPECT_EQ(names.code, 2) << names.out;
  auto missing = malscope("audit " + ts.file("nope.store"));
  EXPECT_EQ(missing.code, 1) << missing.out;
  auto unknown = malscope("plot " + ts.path() + " --file nosuch -o " + ts.file("p.html"));
  EXPECT_EQ(unknown.code, 1) << unknown.out;
  EXPECT_NE(unknown.out.find("'nosuch' is not in"), std::string::npos) << unknown.out;
  EXPECT_FALSE(std::filesystem::exists(ts.file("p.html")));
}

}  // namespace
}  // namespace malscope
