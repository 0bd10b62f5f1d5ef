// End to end on sandbox reports, through the real binary: simulate reports, ingest them with
// labels, every command on the store, predict the real CAPE reports of tests/data/cape.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::malscope;
using testing_util::read_text;
using testing_util::RunResult;
using testing_util::TempDir;
using testing_util::write_text;

const std::string kRealCape = std::string(MALSCOPE_SOURCE_DIR) + "/tests/data/cape";

size_t lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

class ReportCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    RunResult r = malscope("-j 2 simulate -q --format cape -o " + d("sim") +
                           " --train-files 150 --test-files 40 --mean-calls 300");
    ASSERT_EQ(r.code, 0) << r.out;
    r = malscope("-j 2 ingest -q " + d("sim/train") + " --labels " + d("sim/labels.csv") + " -o " +
                 d("train.store"));
    ASSERT_EQ(r.code, 0) << r.out;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string d(const std::string& name) { return dir_->file(name); }
  static TempDir* dir_;
};
TempDir* ReportCli::dir_ = nullptr;

TEST_F(ReportCli, InfoShowsProcessesClassesAndReportsWithoutCalls) {
  RunResult r = malscope("info " + d("train.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("(cape, "));
  EXPECT_THAT(r.out, HasSubstr("151 reports"));
  EXPECT_THAT(r.out, HasSubstr("processes/file"));
  EXPECT_THAT(r.out, HasSubstr("no calls        1 files"));
  EXPECT_THAT(r.out, HasSubstr("infectious virus"));
}

TEST_F(ReportCli, ExportAsTianchiCsv) {
  RunResult r = malscope("export " + d("train.store") + " --format csv -o " + d("t.csv"));
  ASSERT_EQ(r.code, 0) << r.out;
  std::string csv = read_text(d("t.csv"));
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "file_id,label,api,tid,return_value,index");
  RunResult info = malscope("info " + d("train.store"));
  auto rows_at = info.out.find("\nrows ");
  ASSERT_NE(rows_at, std::string::npos);
  EXPECT_EQ(lines(csv) - 1, std::stoull(info.out.substr(rows_at + 6)));
  // The CSV ingests back into the same calls.
  r = malscope("ingest -q " + d("t.csv") + " -o " + d("back.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  RunResult a = malscope("export " + d("back.store") + " --format csv -o -");
  EXPECT_EQ(a.out, csv);
}

TEST_F(ReportCli, EveryCommandRunsOnAReportStore) {
  const std::string s = d("train.store");
  std::string first = read_text(d("sim/labels.csv"));
  first = first.substr(first.find('\n') + 1, 64);
  for (const std::string& args :
       {"summary " + s + " -o " + d("summary"), "profile " + s, "audit " + s,
        "plot " + s + " --file " + first + " -o " + d("plot.html"),
        "cv -q --folds 3 " + s + " --json-out " + d("cv.json"),
        "report " + s + " -o " + d("report.html") + " --cv " + d("cv.json")}) {
    RunResult r = malscope("-j 2 " + args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.out;
  }
  const std::string html = read_text(d("plot.html"));  // large: not printed on failure
  EXPECT_NE(html.find("\"pids\":["), std::string::npos);
  EXPECT_NE(html.find(" processes, "), std::string::npos);
}

TEST_F(ReportCli, TrainPredictEvaluateAndTheRealReports) {
  RunResult r = malscope("-j 2 train -q " + d("train.store") + " -o " + d("m.bundle"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("-j 2 ingest -q " + d("sim/test") + " -o " + d("test.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("-j 2 predict -q " + d("m.bundle") + " " + d("test.store") + " -o " + d("s.csv"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("evaluate " + d("s.csv") + " " + d("sim/test_labels.csv"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("files 41"));
  r = malscope("ingest -q " + kRealCape + " -o " + d("real.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("predict -q " + d("m.bundle") + " " + d("real.store") + " -o " + d("real.csv"));
  ASSERT_EQ(r.code, 0) << r.out;
  std::string sub = read_text(d("real.csv"));
  EXPECT_EQ(lines(sub), 5u);
  EXPECT_THAT(sub, HasSubstr("1b9b7b9f76fa21b50566f0b23e296cb246a8f23187ae94ae476e261b288042ad,"));
}

TEST_F(ReportCli, PredictAppliesTheModelsApiNaming) {
  RunResult r = malscope("-j 2 ingest -q --api-names canonical " + d("sim/train") + " --labels " +
                         d("sim/labels.csv") + " -o " + d("canon.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("-j 2 train -q --models linear " + d("canon.store") + " -o " + d("canon.bundle"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("ingest -q " + kRealCape + " -o " + d("asis.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("predict " + d("canon.bundle") + " " + d("asis.store") + " -o " + d("c.csv"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("API names folded to canonical, as the model was trained"));
  r = malscope("-j 2 train -q --models linear " + d("train.store") + " -o " + d("asis.bundle"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("predict -q " + d("asis.bundle") + " " + d("canon.store") + " -o " + d("x.csv"));
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("was ingested with --api-names canonical"));
}

TEST(ReportCliErrors, BadReportsExitOneAndLeaveNoStore) {
  TempDir dir;
  write_text(dir.file("empty.json"), "");
  write_text(dir.file("cut.json"), R"({"behavior": {"processes": [{"calls": [)");
  write_text(dir.file("ok.json"),
             R"({"behavior": {"processes": [{"process_id": 4, "calls": [{"thread_id": "8",)"
             R"( "api": "NtClose", "return": "0x00000000"}]}]}})");
  RunResult r = malscope("ingest " + dir.file("cut.json") + " -o " + dir.file("s.store"));
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("cut.json: at byte 39 (the end) (JSON path "
                               "behavior.processes[0].calls[0]): the text ends inside a list"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("s.store")));
  r = malscope("ingest --skip-bad " + dir.path().string() + " -o " + dir.file("s.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("skipping " + dir.file("cut.json")));
  EXPECT_THAT(r.out, HasSubstr("skipping " + dir.file("empty.json") + ": empty file"));
  EXPECT_THAT(r.out, HasSubstr("skipped 2 bad records"));
  RunResult info = malscope("info " + dir.file("s.store"));
  EXPECT_THAT(info.out, HasSubstr("bad reports     2 skipped at ingest"));
  // Labels belong to reports: with a CSV they are a usage error.
  write_text(dir.file("t.csv"), "file_id,api,tid,index\n1,A,4,0\n");
  write_text(dir.file("l.csv"), "file_id,label\n1,0\n");
  r = malscope("ingest " + dir.file("t.csv") + " --labels " + dir.file("l.csv") + " -o " +
               dir.file("c.store"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_THAT(r.out, HasSubstr("--labels is for sandbox reports"));
}

}  // namespace
}  // namespace malscope
