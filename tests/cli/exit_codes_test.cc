// End-to-end: exit 1 for every data or file problem, 2 for a command line that cannot be run
// (issue 14: a missing bundle and "1 files cannot fill 5 folds" exited 2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::malscope;
using testing_util::TempDir;
using testing_util::write_text;

TEST(ExitCodes, MissingInputFilesAndTooFewFilesExitOne) {
  TempDir dir;
  write_text(dir.file("a.csv"), "file_id,label,api,tid,index\n1,0,A,1,0\n");
  const std::string s = dir.file("s.store");
  ASSERT_EQ(malscope("-q ingest " + dir.file("a.csv") + " -o " + s).code, 0);
  const std::string nope = dir.file("nope");
  struct Case {
    std::string args, says;
  };
  const Case cases[] = {
      {"predict " + nope + ".bundle " + s + " -o " + dir.file("p.csv"), "nope.bundle"},
      {"info " + nope + ".store", "nope.store"},
      {"cv " + s, "1 files cannot fill 5 folds"},
      {"cv " + s + " --folds 2 --groups " + nope + ".csv", "nope.csv"},
      {"cv " + s + " --config " + nope + ".json", "nope.json"},
      {"ingest " + dir.file("a.csv") + " --labels " + nope + ".csv -o " + dir.file("t.store"),
       "nope.csv"},
      {"train " + s + " --cv " + nope + ".json -o " + dir.file("m.bundle"), "nope.json"},
      {"audit " + s + " --against " + nope + ".store", "nope.store"},
      {"report " + s + " --cv " + dir.path().string() + " -o " + dir.file("r.html"), "is a folder"},
  };
  for (const Case& c : cases) {
    auto r = malscope(c.args);
    EXPECT_EQ(r.code, 1) << c.args << "\n" << r.out;
    EXPECT_THAT(r.out, HasSubstr(c.says)) << c.args;
  }
  // Still usage errors: what no input file could make right.
  auto r = malscope("cv " + s + " --folds 1");
  EXPECT_EQ(r.code, 2) << r.out;
  r = malscope("predict");
  EXPECT_EQ(r.code, 2) << r.out;
}

}  // namespace
}  // namespace malscope
