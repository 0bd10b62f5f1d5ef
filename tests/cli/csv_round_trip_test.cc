// Every CSV malscope writes reads back, through the real CLI, when file_ids and API names hold
// commas and quotes: export, summary, audit --groups-out into cv --groups, predict into evaluate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::malscope;
using testing_util::read_text;
using testing_util::TempDir;
using testing_util::write_text;

// Twelve files in two classes; ids and one API name need quoting.
std::string hostile_csv(std::string& labels) {
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  labels = "file_id,label\n";
  for (int f = 0; f < 12; ++f) {
    std::string id = f % 3 == 0   ? "\"id," + std::to_string(f) + "\""
                     : f % 3 == 1 ? "\"q\"\"" + std::to_string(f) + "\""
                                  : std::to_string(f);
    int label = f % 2;
    for (int i = 0; i < 20; ++i) {
      // Every file its own mix, so near-duplicate groups stay small.
      std::string api =
          label && i % 4 == 0 ? "\"Reg,Open\"" : "Api" + std::to_string((i * (f + 3) + f * f) % 17);
      csv += id + "," + std::to_string(label) + "," + api + ",1," + (i % 7 ? "0" : "\"x,y\"") +
             "," + std::to_string(i) + "\n";
    }
    labels += id + "," + std::to_string(label) + "\n";
  }
  return csv;
}

TEST(CsvRoundTrip, HostileIdsAndApiNamesSurviveEveryCsvOutput) {
  TempDir dir;
  std::string labels;
  write_text(dir.file("in.csv"), hostile_csv(labels));
  write_text(dir.file("labels.csv"), labels);
  auto ok = [](const testing_util::RunResult& r) {
    EXPECT_EQ(r.code, 0) << r.out;
    return r.out;
  };
  ok(malscope("ingest " + dir.file("in.csv") + " -o " + dir.file("a.store") + " -q"));
  // export as one CSV, ingest that again: the same export.
  ok(malscope("export " + dir.file("a.store") + " --format csv -o " + dir.file("a.csv") + " -q"));
  ok(malscope("ingest " + dir.file("a.csv") + " -o " + dir.file("b.store") + " -q"));
  ok(malscope("export " + dir.file("b.store") + " --format csv -o " + dir.file("b.csv") + " -q"));
  EXPECT_EQ(read_text(dir.file("a.csv")), read_text(dir.file("b.csv")));
  EXPECT_THAT(read_text(dir.file("a.csv")), HasSubstr("\"id,0\""));
  // summary's tables quote too.
  ok(malscope("summary " + dir.file("a.store") + " -o " + dir.file("sum") + " -q"));
  EXPECT_THAT(read_text(dir.file("sum/classes.csv")), HasSubstr("\"Reg,Open\",\"x,y\""));
  // audit's groups feed cv: every id found.
  ok(malscope("audit " + dir.file("a.store") + " --groups-out " + dir.file("g.csv")));
  std::string cv = ok(malscope("cv " + dir.file("a.store") + " --groups " + dir.file("g.csv") +
                               " --folds 2 --models linear"));
  EXPECT_THAT(cv, Not(HasSubstr("not in the store")));
  // predict's submission feeds evaluate with the labels file.
  ok(malscope("train " + dir.file("a.store") + " -o " + dir.file("m.msm") + " --models linear -q"));
  ok(malscope("predict " + dir.file("m.msm") + " " + dir.file("a.store") + " -o " +
              dir.file("sub.csv") + " -q"));
  std::string ev = ok(malscope("evaluate " + dir.file("sub.csv") + " " + dir.file("labels.csv")));
  EXPECT_THAT(ev, HasSubstr("files 12"));
}

}  // namespace
}  // namespace malscope
