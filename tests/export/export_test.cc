#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "export/call_summary.h"
#include "export/csv_export.h"
#include "store/ingest.h"
#include "test_util.h"
#include "util/output.h"

namespace malscope {
namespace {

using testing_util::read_text;
using testing_util::TempDir;
using testing_util::write_text;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t s = 0;
  for (size_t e; (e = text.find('\n', s)) != std::string::npos; s = e + 1)
    out.push_back(text.substr(s, e - s));
  return out;
}

TraceStore ingest(const TempDir& dir, const std::string& csv) {
  write_text(dir.file("in.csv"), csv);
  IngestOptions opt;
  opt.log = nullptr;
  opt.progress = {};
  ingest_csv(dir.file("in.csv"), dir.file("s"), opt);
  return TraceStore::open(dir.file("s"));
}

TEST(SafeFileName, NothingEscapesTheFolder) {
  EXPECT_EQ(safe_file_name("123"), "123.csv");
  EXPECT_EQ(safe_file_name("a-b_c.d"), "a-b_c.d.csv");
  for (std::string id :
       std::vector<std::string>{"../../etc/passwd", "..", ".", "/abs", "a/b", "a\\b", ".hidden",
                                std::string(300, 'x'), std::string("nul\0x", 5)}) {
    std::string n = safe_file_name(id);
    EXPECT_EQ(n.find('/'), std::string::npos) << id;
    EXPECT_EQ(n.find('\\'), std::string::npos) << id;
    EXPECT_NE(n.front(), '.') << id;
    EXPECT_LT(n.size(), 120u) << id;
  }
  EXPECT_NE(safe_file_name("a/b"), safe_file_name("a_b"));
  EXPECT_NE(safe_file_name("a/b"), safe_file_name("a?b"));
}

TEST(Export, WritesOneFilePerIdInItsClassFolder) {
  TempDir dir;
  TraceStore s = ingest(dir,
                        "file_id,label,api,tid,return_value,index\n"
                        "../evil,1,A,1,0x5,0\n7,0,B,2,-1,0\n7,0,C,1,3,0\n");
  ExportStats st = export_csv(s, dir.file("out"), {.threads = 2, .progress = {}});
  EXPECT_EQ(st.files, 2u);
  EXPECT_EQ(st.rows, 3u);
  EXPECT_EQ(read_text(dir.file("out/0/7.csv")),
            "file_id,label,api,tid,return_value,index\n7,0,C,1,3,0\n7,0,B,2,-1,0\n");
  size_t n = 0;
  for (auto& p : std::filesystem::recursive_directory_iterator(dir.file("out"))) {
    if (!p.is_regular_file() || p.path().filename() == OutputDir::kMarker) continue;
    ++n;
    auto rel = std::filesystem::relative(p.path(), dir.file("out")).string();
    EXPECT_EQ(rel.find(".."), std::string::npos) << rel;
  }
  EXPECT_EQ(n, 2u);
  EXPECT_FALSE(std::filesystem::exists(dir.file("evil")));
}

TEST(Export, RoundTripGivesBackEveryRow) {
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  for (int f = 0; f < 40; ++f)
    for (int i = 0; i < 250; ++i)
      csv += std::to_string(f) + "," + std::to_string(f % 6) + ",Api" +
             std::to_string((f + i * 3) % 17) + "," + std::to_string(1000 + (i / 60)) + "," +
             (i % 50 ? std::to_string(i % 4 - 1) : "0xC0") + "," + std::to_string(i % 60) + "\n";
  TempDir dir;
  TraceStore s = ingest(dir, csv);
  export_csv(s, dir.file("out"), {.threads = 2, .progress = {}});
  std::vector<std::string> got;
  for (auto& p : std::filesystem::recursive_directory_iterator(dir.file("out"))) {
    if (!p.is_regular_file()) continue;
    auto l = lines_of(read_text(p.path().string()));
    got.insert(got.end(), l.begin() + 1, l.end());
  }
  std::vector<std::string> want = lines_of(csv);
  want.erase(want.begin());
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST(Summary, CountsByApiTidAndReturnValueMostFrequentFirst) {
  TempDir dir;
  TraceStore s = ingest(dir,
                        "file_id,label,api,tid,return_value,index\n"
                        "1,2,A,5,0,0\n1,2,B,5,0,1\n1,2,A,5,0,2\n1,2,A,6,0,0\n1,2,A,5,1,3\n"
                        "2,2,A,9,0,0\n");
  SummaryStats st = write_summary(s, dir.file("sum"), {.threads = 2, .progress = {}});
  EXPECT_EQ(st.files, 2u);
  EXPECT_EQ(read_text(dir.file("sum/files.csv")),
            "file_id,label,api,tid,return_value,count\n"
            "1,2,A,5,0,2\n1,2,A,5,1,1\n1,2,A,6,0,1\n1,2,B,5,0,1\n2,2,A,9,0,1\n");
  EXPECT_EQ(read_text(dir.file("sum/classes.csv")),
            "label,api,return_value,calls,files\n2,A,0,4,2\n2,A,1,1,1\n2,B,0,1,1\n");
}

}  // namespace
}  // namespace malscope
