#include "io/report_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "io/gzip.h"
#include "store/ingest.h"
#include "store/label_file.h"
#include "store/trace_store.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_util::TempDir;
using testing_util::write_text;

// A small CAPE report of `calls` calls of `api` in one thread.
std::string cape_report(const std::string& sha, const std::string& api, int calls = 3) {
  std::string c;
  for (int i = 0; i < calls; ++i)
    c += std::string(i ? "," : "") + R"({"thread_id": "4", "api": ")" + api +
         R"(", "return": "0x00000000", "arguments": [{"name": "x", "value": "y"}]})";
  return R"({"target": {"file": {"sha256": ")" + sha +
         R"("}}, "behavior": {"processes": [{"process_id": 8, "calls": [)" + c + "]}]}}";
}

std::vector<std::string> ids(const TraceStore& s) {
  std::vector<std::string> out;
  for (uint32_t f = 0; f < s.num_files(); ++f) out.emplace_back(s.file_id(f));
  return out;
}

TEST(ReportInputs, FoldersListsAndFiles) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "a" / "sub");
  write_text(dir.file("a/2.json"), cape_report("s2", "B"));
  write_text(dir.file("a/sub/1.json"), cape_report("s1", "A"));
  write_text(dir.file("a/notes.txt"), "not a report");
  write_text(dir.file("a/3.json.gz"), gzip(cape_report("s3", "C")));
  write_text(dir.file("x.json"), cape_report("sx", "X"));
  write_text(dir.file("list.txt"), "# reports\n\nx.json\n" + dir.file("a/2.json") + "\n");
  std::vector<ReportFile> r =
      expand_report_inputs(std::vector<std::string>{dir.file("a"), dir.file("list.txt")});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].name, "2");  // folders in path order
  EXPECT_EQ(r[1].name, "3");
  EXPECT_TRUE(r[1].gzipped);
  EXPECT_EQ(r[2].name, "sub/1");
  EXPECT_EQ(r[3].path, dir.file("x.json"));  // list lines relative to the list's folder
  EXPECT_THROW(expand_report_inputs(std::vector<std::string>{dir.file("nope.json")}), Error);
  std::filesystem::create_directories(dir.path() / "empty");
  EXPECT_THAT(
      [&] {
        try {
          expand_report_inputs(std::vector<std::string>{dir.file("empty")});
        } catch (const Error& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      HasSubstr("holds no .json or .json.gz report"));
  write_text(dir.file("bad.list"), "missing.json\n");
  EXPECT_THROW(expand_report_inputs(std::vector<std::string>{dir.file("bad.list")}), Error);
}

TEST(ReportReader, IsChosenForReportInputsOnly) {
  TempDir dir;
  write_text(dir.file("r.json"), cape_report("s", "A"));
  write_text(dir.file("t.csv"), "file_id,api,tid,index\n1,A,4,0\n");
  SourceOptions o;
  auto r = open_trace_source(std::vector<std::string>{dir.file("r.json")}, o);
  EXPECT_TRUE(r->has_processes());
  auto c = open_trace_source(std::vector<std::string>{dir.file("t.csv")}, o);
  EXPECT_FALSE(c->has_processes());
  // A CSV with a labels file: a usage error.
  o.labels = std::make_shared<LabelMap>();
  EXPECT_THROW(open_trace_source(std::vector<std::string>{dir.file("t.csv")}, o), UsageError);
}

class LabeledReports : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir.path() / "r");
    for (int i = 0; i < 4; ++i)
      write_text(dir.file("r/" + std::to_string(i) + ".json"),
                 cape_report("SHA" + std::to_string(i), "Api" + std::to_string(i % 2)));
  }
  TempDir dir;
  std::string store() const { return dir.file("s"); }
  std::vector<std::string> input() const { return {dir.file("r")}; }
  IngestStats ingest_with(const std::string& labels, IngestOptions o = {}) {
    write_text(dir.file("labels.csv"), labels);
    LabelFile lf = read_label_file(dir.file("labels.csv"), o.class_names);
    o.labels = lf.map;
    if (o.class_names.empty()) o.class_names = lf.class_names;
    o.threads = 2;
    return ingest_inputs(input(), store(), o);
  }
  std::string error_of(const std::string& labels, IngestOptions o = {}) {
    try {
      ingest_with(labels, o);
    } catch (const Error& e) {
      EXPECT_FALSE(std::filesystem::exists(store()));
      return e.what();
    }
    return "";
  }
};

TEST_F(LabeledReports, LabelsByNameKeepTheirNames) {
  ingest_with("sha256,label\nsha0,worm\nsha1,ransomware\nsha2,worm\nsha3,normal\n");
  TraceStore s = TraceStore::open(store());
  EXPECT_TRUE(s.labeled());
  EXPECT_THAT(ids(s), ElementsAre("SHA0", "SHA1", "SHA2", "SHA3"));
  // Tianchi names keep their Tianchi numbers; matched without regard to case.
  EXPECT_EQ(s.label(0), 4);
  EXPECT_EQ(s.label(1), 1);
  EXPECT_EQ(s.label(3), 0);
  EXPECT_THAT(s.class_names(), ElementsAre("normal", "ransomware", "miner", "DDoS trojan", "worm"));
}

TEST_F(LabeledReports, LabelsByNumberAndOtherNames) {
  ingest_with("file_id,label\nSHA0,1\nSHA1,0\nSHA2,1\nSHA3,1\n");
  TraceStore s = TraceStore::open(store());
  EXPECT_EQ(s.label(0), 1);
  EXPECT_THAT(s.class_names(), ElementsAre("normal", "malware"));
  ingest_with("sha256,classification_family\nSHA0,Qakbot\nSHA1,Emotet\nSHA2,Zeus\nSHA3,Emotet\n");
  TraceStore t = TraceStore::open(store());
  EXPECT_THAT(t.class_names(), ElementsAre("Emotet", "Qakbot", "Zeus"));  // alphabetical
  EXPECT_EQ(t.label(0), 1);
  EXPECT_EQ(t.label(2), 2);
}

TEST_F(LabeledReports, AReportWithoutALabelIsBadUnlessSkipped) {
  const std::string labels = "sha256,label\nSHA0,1\nSHA1,0\nSHA3,1\nELSEWHERE,0\n";
  EXPECT_THAT(error_of(labels), HasSubstr("2.json: no label for file_id 'SHA2' in "));
  IngestOptions o;
  o.skip_bad_rows = true;
  std::vector<std::string> logged;
  o.log = [&](const std::string& l) { logged.push_back(l); };
  IngestStats st = ingest_with(labels, o);
  EXPECT_EQ(st.files, 3u);
  EXPECT_EQ(st.bad_rows, 1u);
  EXPECT_THAT(logged.back(), HasSubstr("warning: 1 of 4 labels in "));
  EXPECT_THAT(logged.back(), HasSubstr("match no report read (e.g. ELSEWHERE)"));
}

TEST_F(LabeledReports, ASampleAnalysedTwice) {
  write_text(dir.file("r/4.json"), cape_report("SHA0", "Again"));
  EXPECT_THAT(error_of("sha256,label\nSHA0,1\nSHA1,0\nSHA2,0\nSHA3,1\n"),
              HasSubstr("4.json: file_id 'SHA0' was already read from "));
}

TEST(ReportReader, CanonicalNamesAtIngest) {
  TempDir dir;
  write_text(dir.file("a.json"), cape_report("a", "DeleteFileA"));
  write_text(dir.file("b.json"), cape_report("b", "DeleteFileW"));
  IngestOptions o;
  o.api_names = ApiNaming::kCanonical;
  ingest_inputs(std::vector<std::string>{dir.file("a.json"), dir.file("b.json")}, dir.file("s"), o);
  TraceStore s = TraceStore::open(dir.file("s"));
  EXPECT_THAT(s.apis(), ElementsAre("DeleteFileW"));
  EXPECT_EQ(s.api_naming(), ApiNaming::kCanonical);
  EXPECT_EQ(s.meta()["api_names"], "canonical");
}

TEST(ReportReader, MemoryStaysAtTheReportsBeingParsed) {
  TempDir dir;
  const int n = 300;
  std::filesystem::create_directories(dir.path() / "r");
  for (int i = 0; i < n; ++i)
    write_text(dir.file("r/" + std::to_string(1000 + i) + ".json"),
               cape_report("s" + std::to_string(i), "A" + std::to_string(i % 7), 200));
  SourceOptions so;
  so.block_bytes = 64 << 10;  // a few reports a unit
  auto source = open_report_source(std::vector<std::string>{dir.file("r")}, so);
  const uint64_t one = source->reports()[0].bytes;
  IngestOptions o;
  o.threads = 2;
  o.units_in_flight = 2;
  IngestStats st = ingest(*source, dir.file("s"), o);
  EXPECT_EQ(st.files, uint32_t(n));
  EXPECT_EQ(st.rows, uint64_t(n) * 200);
  // One report per worker at a time, whatever the folder's size.
  EXPECT_LE(source->peak_reports_in_memory(), 2u);
  EXPECT_GE(source->peak_reports_in_memory(), 1u);
  EXPECT_LE(source->peak_bytes_in_memory(), 2 * one + 64);
}

}  // namespace
}  // namespace malscope
