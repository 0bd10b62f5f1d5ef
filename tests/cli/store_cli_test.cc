// End-to-end: the real CLI, its exit codes and messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::malscope;
using testing_util::run;
using testing_util::TempDir;
using testing_util::write_text;

TEST(StoreCli, IngestFromStdinThenInfo) {
  TempDir dir;
  write_text(dir.file("a.csv"), "file_id,label,api,tid,index\n1,0,A,1,0\n2,1,B,1,0\n2,1,C,2,0\n");
  auto r = run("cat " + dir.file("a.csv") + " | " + MALSCOPE_BIN + " ingest - -o " + dir.file("s"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("ingested 3 rows, 2 files"));
  r = malscope("info " + dir.file("s"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("<stdin>"));
  EXPECT_THAT(r.out, HasSubstr("files           2"));
  r = malscope("info --json " + dir.file("s"));
  EXPECT_THAT(r.out, HasSubstr("\"distinct_apis\": 3"));
}

TEST(StoreCli, BadInputExitsOneWithPositionAndLeavesNoStore) {
  TempDir dir;
  write_text(dir.file("a.csv"), "file_id,label,api,tid,index\n1,0,A,1,0\n1,0,A,one,1\n");
  auto r = malscope("ingest " + dir.file("a.csv") + " -o " + dir.file("s"));
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("a.csv:3: column 4 (tid)"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("s")));
  r = malscope("ingest --skip-bad-rows " + dir.file("a.csv") + " -o " + dir.file("s"));
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("skipping"));
  EXPECT_THAT(r.out, HasSubstr("skipped 1 bad rows"));
}

TEST(StoreCli, UsageErrorsExitTwo) {
  EXPECT_EQ(malscope("").code, 2);
  EXPECT_EQ(malscope("ingest").code, 2);
  EXPECT_EQ(malscope("no-such-command").code, 2);
  auto r = malscope("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("ingest"));
}

TEST(StoreCli, NotAStoreExitsOne) {
  TempDir dir;
  write_text(dir.file("x"), "hello");
  auto r = malscope("info " + dir.file("x"));
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("not a malscope store"));
}

}  // namespace
}  // namespace malscope
