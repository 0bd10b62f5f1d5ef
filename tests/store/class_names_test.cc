#include "store/class_names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/ingest.h"
#include "store/store_info.h"
#include "store/trace_store.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::TempDir;
using testing_util::write_text;

std::string csv_with_labels(int classes) {
  std::string csv = "file_id,label,api,tid,index\n";
  for (int c = 0; c < classes; ++c) csv += std::to_string(c) + "," + std::to_string(c) + ",A,1,0\n";
  return csv;
}

TEST(ClassNames, Defaults) {
  EXPECT_EQ(default_class_names(2), (std::vector<std::string>{"normal", "malware"}));
  std::vector<std::string> six = default_class_names(6);
  EXPECT_EQ(six[3], "DDoS trojan");
  EXPECT_EQ(six[5], "infectious virus");
  EXPECT_EQ(default_class_names(8)[7], "trojan");
  EXPECT_EQ(default_class_names(9)[8], "class 8");
  EXPECT_EQ(default_class_names(3)[1], "class 1");  // not a Tianchi season
}

TEST(ClassNames, ParseChecksTheList) {
  EXPECT_EQ(parse_class_name_list("benign, malware", 2),
            (std::vector<std::string>{"benign", "malware"}));
  EXPECT_THROW(parse_class_name_list("a,,b", 0), UsageError);
  EXPECT_THROW(parse_class_name_list("a,a", 0), UsageError);
  EXPECT_THROW(parse_class_name_list("a", 2), UsageError);
}

TEST(ClassNames, TheStoreKeepsThemAndInfoShowsThem) {
  TempDir dir;
  write_text(dir.file("a.csv"), csv_with_labels(6));
  ingest_csv(dir.file("a.csv"), dir.file("tianchi"));
  TraceStore t = TraceStore::open(dir.file("tianchi"));
  EXPECT_EQ(t.class_names(), default_class_names(6));
  EXPECT_THAT(to_text(describe(t)), HasSubstr("ransomware"));

  IngestOptions opt;
  opt.class_names = {"benign", "dropper", "miner", "bot", "worm", "virus", "spare"};
  ingest_csv(dir.file("a.csv"), dir.file("named"), opt);
  TraceStore n = TraceStore::open(dir.file("named"));
  EXPECT_EQ(n.class_names(), opt.class_names);
  EXPECT_EQ(to_json(describe(n))["classes"][1]["name"], "dropper");

  opt.class_names = {"benign", "malware"};
  try {
    ingest_csv(dir.file("a.csv"), dir.file("short"), opt);
    FAIL() << "two names for six classes were taken";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("2 class names given for 6 classes"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("short")));
}

}  // namespace
}  // namespace malscope
