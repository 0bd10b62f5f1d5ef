#include "store/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "store/trace_store.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::TempDir;
using testing_util::write_text;

// A row as read back from a store: (file_id, label, api, tid, return value text, index).
using Row = std::tuple<std::string, int, std::string, uint32_t, std::string, uint32_t>;

std::vector<Row> read_back(const TraceStore& s) {
  std::vector<Row> rows;
  for (uint32_t f = 0; f < s.num_files(); ++f) {
    OwnedTrace o = s.read_file(f, kColAll);
    const FileTrace& t = o.trace;
    for (size_t i = 0; i < t.size(); ++i)
      rows.emplace_back(std::string(t.id), t.label, s.apis()[t.api[i]], t.tid[i],
                        s.format_return(t.ret[i]), t.index[i]);
  }
  return rows;
}

IngestOptions quiet() {
  IngestOptions o;
  o.log = nullptr;
  o.progress = {};
  return o;
}

// Ingests `csv`; returns the error message, or "" on success.
std::string ingest_error(const std::string& csv, IngestOptions opt = quiet()) {
  TempDir dir;
  write_text(dir.file("in.csv"), csv);
  try {
    ingest_csv(dir.file("in.csv"), dir.file("out.store"), opt);
  } catch (const Error& e) {
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.store"))) << "a failed ingest left a store";
    size_t files = 0;
    for (auto& p : std::filesystem::directory_iterator(dir.path()))
      files += p.path().filename() != "in.csv";
    EXPECT_EQ(files, 0u) << "a failed ingest left a temporary file";
    return e.what();
  }
  return "";
}

TEST(Ingest, Season1RowsComeBackInThreadOrder) {
  TempDir dir;
  write_text(dir.file("in.csv"),
             "file_id,label,api,tid,return_value,index\n"
             "1,2,NtClose,20,0,1\n"
             "1,2,LdrLoadDll,10,1,0\n"
             "1,2,NtOpenKey,20,-1073741772,0\n"
             "7,0,NtClose,5,0,0\n");
  IngestStats st = ingest_csv(dir.file("in.csv"), dir.file("s"), quiet());
  EXPECT_EQ(st.rows, 4u);
  EXPECT_EQ(st.files, 2u);
  TraceStore s = TraceStore::open(dir.file("s"));
  EXPECT_TRUE(s.labeled());
  EXPECT_TRUE(s.has_return_value());
  EXPECT_EQ(s.num_classes(), 3);
  EXPECT_EQ(s.file_threads(0), 2u);
  std::vector<Row> want = {{"1", 2, "LdrLoadDll", 10, "1", 0},
                           {"1", 2, "NtOpenKey", 20, "-1073741772", 0},
                           {"1", 2, "NtClose", 20, "0", 1},
                           {"7", 0, "NtClose", 5, "0", 0}};
  EXPECT_EQ(read_back(s), want);
}

TEST(Ingest, Season2AndTestFilesAnyColumnOrder) {
  TempDir dir;
  write_text(dir.file("a.csv"), "index,tid,api,file_id\n0,3,NtClose,x\n1,3,NtOpenKey,x\n");
  ingest_csv(dir.file("a.csv"), dir.file("s"), quiet());
  TraceStore s = TraceStore::open(dir.file("s"));
  EXPECT_FALSE(s.labeled());
  EXPECT_FALSE(s.has_return_value());
  EXPECT_EQ(s.num_classes(), 0);
  EXPECT_EQ(s.meta()["format"], "season2-test");
  EXPECT_EQ(read_back(s),
            (std::vector<Row>{{"x", -1, "NtClose", 3, "0", 0}, {"x", -1, "NtOpenKey", 3, "0", 1}}));
}

TEST(Ingest, AcceptsBomCrlfAndMissingFinalNewline) {
  TempDir dir;
  write_text(dir.file("a.csv"),
             "\xEF\xBB\xBF"
             "file_id,label,api,tid,index\r\n1,0,A,1,0\r\n\r\n1,0,B,1,1");
  ingest_csv(dir.file("a.csv"), dir.file("s"), quiet());
  TraceStore s = TraceStore::open(dir.file("s"));
  EXPECT_EQ(read_back(s), (std::vector<Row>{{"1", 0, "A", 1, "0", 0}, {"1", 0, "B", 1, "0", 1}}));
}

TEST(Ingest, ReturnValuesAreKeptAsGiven) {
  TempDir dir;
  std::vector<std::string> rets = {"0",
                                   "-5",
                                   "007",
                                   "-0",
                                   "0x1F",
                                   "NULL",
                                   "99999999999999999999",
                                   "9223372036854775807",
                                   "-9223372036854775808",
                                   "",
                                   "+3"};
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  for (size_t i = 0; i < rets.size(); ++i)
    csv += "f,1,A,1," + rets[i] + "," + std::to_string(i) + "\n";
  write_text(dir.file("a.csv"), csv);
  ingest_csv(dir.file("a.csv"), dir.file("s"), quiet());
  TraceStore s = TraceStore::open(dir.file("s"));
  auto rows = read_back(s);
  ASSERT_EQ(rows.size(), rets.size());
  for (size_t i = 0; i < rets.size(); ++i) EXPECT_EQ(std::get<4>(rows[i]), rets[i]);
}

TEST(Ingest, NumbersOfEveryLengthAndBadDigitsAnywhere) {
  TempDir dir;
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  std::vector<std::string> rets;
  std::string digits;
  for (int n = 1; n <= 20; ++n) {
    digits += static_cast<char>('1' + n % 9);
    rets.push_back(digits);  // canonical up to 19 digits, text beyond
    rets.push_back("-" + digits);
    std::string bad = digits;
    bad[n / 2] = n % 2 ? ':' : '/';  // the bytes just above and below the digits
    rets.push_back(bad);
  }
  for (size_t i = 0; i < rets.size(); ++i)
    csv += "f,1,A," + std::to_string(i * 7919) + "," + rets[i] + "," + std::to_string(i * 104729) +
           "\n";
  write_text(dir.file("a.csv"), csv);
  ingest_csv(dir.file("a.csv"), dir.file("s"), quiet());
  TraceStore s = TraceStore::open(dir.file("s"));
  OwnedTrace o = s.read_file(0, kColAll);
  ASSERT_EQ(o.trace.size(), rets.size());
  for (size_t i = 0; i < rets.size(); ++i) {
    EXPECT_EQ(s.format_return(o.trace.ret[i]), rets[i]);
    EXPECT_EQ(o.trace.tid[i], i * 7919);
    EXPECT_EQ(o.trace.index[i], i * 104729);
    size_t n_digits = rets[i].size() - (rets[i][0] == '-');
    bool numeric = rets[i].find_first_of(":/") == std::string::npos && n_digits <= 19;
    EXPECT_EQ(ret_is_string(o.trace.ret[i]), !numeric) << rets[i];
  }
}

TEST(Ingest, QuotedFields) {
  TempDir dir;
  write_text(dir.file("a.csv"), "file_id,label,api,tid,index\n\"a,b\",0,\"Nt\"\"X\"\"\",1,0\n");
  ingest_csv(dir.file("a.csv"), dir.file("s"), quiet());
  auto rows = read_back(TraceStore::open(dir.file("s")));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<0>(rows[0]), "a,b");
  EXPECT_EQ(std::get<2>(rows[0]), "Nt\"X\"");
}

TEST(Ingest, RepeatedAndSkippedIndexKeepRowOrder) {
  TempDir dir;
  write_text(
      dir.file("a.csv"),
      "file_id,label,api,tid,index\n1,0,C,1,5\n1,0,A,1,2\n1,0,B,1,2\n1,0,D,1,9\n1,0,E,1,2\n");
  ingest_csv(dir.file("a.csv"), dir.file("s"), quiet());
  auto rows = read_back(TraceStore::open(dir.file("s")));
  std::vector<std::string> apis;
  for (auto& r : rows) apis.push_back(std::get<2>(r));
  EXPECT_EQ(apis, (std::vector<std::string>{"A", "B", "E", "C", "D"}));
}

TEST(Ingest, FileComingBackIsMergedIntoOneFile) {
  // Tiny blocks and chunks so the returning rows arrive after the first rows were written.
  std::string csv = "file_id,label,api,tid,index\n";
  for (int i = 0; i < 3000; ++i)
    csv += "a,1,A" + std::to_string(i % 7) + ",1," + std::to_string(2 * i) + "\n";
  for (int i = 0; i < 3000; ++i) csv += "b,0,B,2," + std::to_string(i) + "\n";
  for (int i = 0; i < 3000; ++i) csv += "a,1,Z,1," + std::to_string(2 * i + 1) + "\n";
  TempDir dir;
  write_text(dir.file("a.csv"), csv);
  IngestOptions opt = quiet();
  opt.block_bytes = 4096;
  opt.chunk_rows = 1024;
  IngestStats st = ingest_csv(dir.file("a.csv"), dir.file("s"), opt);
  EXPECT_EQ(st.reappearing_files, 1u);
  TraceStore s = TraceStore::open(dir.file("s"));
  ASSERT_EQ(s.num_files(), 2u);
  EXPECT_EQ(s.num_rows(), 9000u);
  EXPECT_EQ(s.file_rows(0), 6000u);
  OwnedTrace a = s.read_file(0, kColAll);
  for (uint32_t i = 0; i < 6000; ++i) {
    ASSERT_EQ(a.trace.index[i], i);
    ASSERT_EQ(s.apis()[a.trace.api[i]], i % 2 ? "Z" : "A" + std::to_string((i / 2) % 7));
  }
}

// A regular file is mapped span by span, stdin is read into buffers: both cut the same lines,
// including a line longer than a block, CRLF ends and a last line without a line end.
TEST(Ingest, MappedFileAndStdinReadTheSameRows) {
  std::string csv = "file_id,label,api,tid,return_value,index\r\n";
  for (int i = 0; i < 2000; ++i) {
    std::string api = i == 777 ? std::string(5000, 'L') : "Api" + std::to_string(i % 13);
    csv += std::to_string(i / 100) + "," + std::to_string(i / 100 % 3) + "," + api + "," +
           std::to_string(i % 5) + "," + std::to_string(i % 11 - 5) + "," + std::to_string(i) +
           (i % 3 ? "\n" : "\r\n");
  }
  csv += "99,1,Last,1,0,0";  // no line end
  TempDir dir;
  write_text(dir.file("a.csv"), csv);
  IngestOptions opt = quiet();
  opt.block_bytes = 300;  // spans of 8 blocks: many spans, and the 5000-byte line spans several
  opt.chunk_rows = 256;
  IngestStats mapped = ingest_csv(dir.file("a.csv"), dir.file("m.store"), opt);

  int saved = ::dup(0);
  ASSERT_GE(saved, 0);
  int fd = ::open(dir.file("a.csv").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ::dup2(fd, 0);
  ::close(fd);
  IngestStats piped;
  try {
    piped = ingest_csv("-", dir.file("p.store"), opt);
  } catch (...) {
    ::dup2(saved, 0);
    throw;
  }
  ::dup2(saved, 0);
  ::close(saved);

  EXPECT_EQ(mapped.rows, 2001u);
  EXPECT_EQ(piped.rows, 2001u);
  EXPECT_EQ(mapped.bytes, csv.size());
  EXPECT_EQ(piped.bytes, csv.size());
  std::vector<Row> a = read_back(TraceStore::open(dir.file("m.store")));
  std::vector<Row> b = read_back(TraceStore::open(dir.file("p.store")));
  ASSERT_EQ(a.size(), 2001u);
  EXPECT_EQ(a, b);
  auto has_api = [&](const std::string& api) {
    return std::count_if(a.begin(), a.end(), [&](const Row& r) { return std::get<2>(r) == api; });
  };
  EXPECT_EQ(has_api(std::string(5000, 'L')), 1);  // not printed on failure: 5000 bytes
  EXPECT_EQ(has_api("Last"), 1);
}

TEST(Ingest, SameBytesWhateverTheThreadCount) {
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  for (int f = 0; f < 200; ++f)
    for (int i = 0; i < 300; ++i)
      csv += std::to_string(f) + "," + std::to_string(f % 3) + ",Api" +
             std::to_string((f * 7 + i * 13) % 50) + "," + std::to_string(100 + i % 4) + "," +
             (i % 97 ? std::to_string(i % 5) : "s" + std::to_string(f)) + "," + std::to_string(i) +
             "\n";
  TempDir dir;
  write_text(dir.file("a.csv"), csv);
  IngestOptions opt = quiet();
  opt.block_bytes = 8192;
  opt.chunk_rows = 5000;
  opt.threads = 1;
  ingest_csv(dir.file("a.csv"), dir.file("s1"), opt);
  opt.threads = 4;
  ingest_csv(dir.file("a.csv"), dir.file("s4"), opt);
  EXPECT_EQ(testing_util::read_text(dir.file("s1")), testing_util::read_text(dir.file("s4")));
}

// --- Every kind of bad input names the input, the line, the column and what was expected. ---

TEST(IngestErrors, EmptyInput) {
  EXPECT_THAT(ingest_error(""), HasSubstr("is empty; expected a CSV header"));
}

TEST(IngestErrors, HeaderOnly) {
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n"),
              HasSubstr("has a header but no data rows"));
}

TEST(IngestErrors, MissingColumn) {
  EXPECT_THAT(ingest_error("file_id,label,api,index\n1,0,A,0\n"),
              AllOf(HasSubstr("in.csv:1:"), HasSubstr("no column 'tid'")));
}

TEST(IngestErrors, DuplicateColumn) {
  EXPECT_THAT(ingest_error("file_id,api,api,tid,index\n"), HasSubstr("column 'api' appears twice"));
}

TEST(IngestErrors, WrongFieldCount) {
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n1,0,A,1,0\n1,0,A,1\n"),
              AllOf(HasSubstr("in.csv:3:"), HasSubstr("expected 5 fields"), HasSubstr("found 4")));
}

TEST(IngestErrors, BadThreadId) {
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n1,0,A,x7,0\n"),
              AllOf(HasSubstr("in.csv:2:"), HasSubstr("column 4 (tid)"), HasSubstr("got 'x7'")));
}

TEST(IngestErrors, NegativeIndex) {
  EXPECT_THAT(
      ingest_error("file_id,label,api,tid,index\n1,0,A,1,-1\n"),
      AllOf(HasSubstr("in.csv:2:"), HasSubstr("column 5 (index)"), HasSubstr("call index")));
}

TEST(IngestErrors, BadLabel) {
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n1,abc,A,1,0\n"),
              AllOf(HasSubstr("column 2 (label)"), HasSubstr("class number")));
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n1,1000,A,1,0\n"),
              HasSubstr("from 0 to 999"));
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n1,,A,1,0\n"), HasSubstr("got ''"));
}

TEST(IngestErrors, EmptyApiAndFileId) {
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n1,0,,1,0\n"),
              HasSubstr("expected an API name"));
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n,0,A,1,0\n"),
              HasSubstr("expected a file id"));
}

TEST(IngestErrors, LabelChangesWithinAFile) {
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n1,0,A,1,0\n1,3,A,1,1\n"),
              AllOf(HasSubstr("in.csv:3:"), HasSubstr("label 3"), HasSubstr("label 0")));
}

TEST(IngestErrors, LabelChangesAcrossBlocksAndWhenAFileComesBack) {
  std::string csv = "file_id,label,api,tid,index\n";
  for (int i = 0; i < 500; ++i) csv += "1,0,A,1," + std::to_string(i) + "\n";
  csv += "2,0,A,1,0\n1,4,A,1,9\n";  // line 503
  IngestOptions opt = quiet();
  opt.block_bytes = 1024;
  EXPECT_THAT(ingest_error(csv, opt), AllOf(HasSubstr("in.csv:503:"), HasSubstr("on line 2")));
}

// Issue 14: a label conflict 450,000 lines into one block was reported on line 450,502. With
// earlier files and blocks before it, unquoted and quoted (the two parser paths).
TEST(IngestErrors, LabelConflictDeepInABlockNamesItsLine) {
  for (bool quoted : {false, true}) {
    SCOPED_TRACE(quoted ? "quoted" : "unquoted");
    std::string csv = "file_id,label,api,tid,index\n";
    for (int i = 0; i < 500; ++i) csv += "0,1,A,1," + std::to_string(i) + "\n";
    const std::string id = quoted ? "\"1\"" : "1";
    for (int i = 0; i < 449500; ++i) csv += id + ",0,A,1," + std::to_string(i) + "\n";
    csv += id + ",3,A,1,449500\n";  // line 450,002
    for (size_t block : {size_t(8) << 20, size_t(1) << 20}) {
      IngestOptions opt = quiet();
      opt.block_bytes = block;
      // The line it points back to is one of file 1's (the first of it in the block).
      const std::string e = ingest_error(csv, opt);
      EXPECT_THAT(e, AllOf(HasSubstr("in.csv:450002:"), HasSubstr("label 3 here but label 0")))
          << "blocks of " << block << " bytes";
      std::smatch m;
      ASSERT_TRUE(std::regex_search(e, m, std::regex("label 0 on line ([0-9]+)"))) << e;
      const long back = std::stol(m[1]);
      EXPECT_TRUE(back >= 502 && back <= 450001) << e;
    }
  }
}

TEST(IngestErrors, LineNumbersCountAcrossBlocks) {
  std::string csv = "file_id,label,api,tid,index\n";
  for (int i = 0; i < 1000; ++i) csv += "1,0,A,1," + std::to_string(i) + "\n";
  csv += "1,0,A,1,oops\n";  // line 1002
  IngestOptions opt = quiet();
  opt.block_bytes = 700;
  EXPECT_THAT(ingest_error(csv, opt), HasSubstr("in.csv:1002:"));
}

TEST(IngestErrors, UnterminatedQuote) {
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n\"1,0,A,1,0\n"),
              HasSubstr("unterminated quoted field"));
}

TEST(IngestErrors, MissingInputFile) {
  TempDir dir;
  EXPECT_THROW(ingest_csv(dir.file("nope.csv"), dir.file("s"), quiet()), Error);
}

TEST(IngestSkip, SkipsCountsAndRecordsBadRows) {
  TempDir dir;
  write_text(dir.file("a.csv"),
             "file_id,label,api,tid,index\n1,0,A,1,0\n1,0,A,x,1\n1,0,B,1,2\nbad\n2,1,C,1,0\n");
  IngestOptions opt = quiet();
  opt.skip_bad_rows = true;
  IngestStats st = ingest_csv(dir.file("a.csv"), dir.file("s"), opt);
  EXPECT_EQ(st.bad_rows, 2u);
  EXPECT_EQ(st.rows, 3u);
  ASSERT_EQ(st.bad_examples.size(), 2u);
  EXPECT_THAT(st.bad_examples[0], HasSubstr("a.csv:3:"));
  EXPECT_THAT(st.bad_examples[1], HasSubstr("a.csv:5:"));
  TraceStore s = TraceStore::open(dir.file("s"));
  EXPECT_EQ(s.meta()["bad_rows_skipped"], 2);
  EXPECT_EQ(s.num_files(), 2u);
}

TEST(IngestSkip, AllRowsBadIsAnError) {
  IngestOptions opt = quiet();
  opt.skip_bad_rows = true;
  EXPECT_THAT(ingest_error("file_id,label,api,tid,index\n1,0,A,x,0\n", opt),
              HasSubstr("all 1 data rows were bad"));
}

}  // namespace
}  // namespace malscope
