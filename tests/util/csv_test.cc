#include "util/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::TempDir;
using testing_util::write_text;

std::vector<std::vector<std::string>> read_all(const std::string& path) {
  CsvLines csv(path);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string_view> f;
  while (csv.next(f)) out.emplace_back(f.begin(), f.end());
  return out;
}

TEST(Csv, FieldsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("B,C"), "\"B,C\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(Csv, WhatIsWrittenReadsBack) {
  const std::vector<std::vector<std::string>> rows = {{"file_id", "api"},      {"B,C", "x"},
                                                      {"q\"uote", "Reg,Open"}, {"multi\nline", ""},
                                                      {"cr\r\nlf", "end"},     {"", "last"}};
  std::string text;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) text += ',';
      csv_append(text, r[i]);
    }
    text += &r == &rows[2] ? "\r\n" : "\n";  // one CRLF line end among LFs
  }
  TempDir dir;
  write_text(dir.file("t.csv"), text);
  EXPECT_EQ(read_all(dir.file("t.csv")), rows);
}

TEST(Csv, LineNumbersCountQuotedLineEnds) {
  TempDir dir;
  write_text(dir.file("t.csv"), "a,b\n\"x\ny\",1\n\nbad,\"open\n");
  CsvLines csv(dir.file("t.csv"));
  std::vector<std::string_view> f;
  ASSERT_TRUE(csv.next(f));
  ASSERT_TRUE(csv.next(f));
  EXPECT_EQ(csv.line(), 2u);
  EXPECT_EQ(f[0], "x\ny");
  try {
    csv.next(f);
    FAIL() << "an unterminated quote was read";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("t.csv:5: unterminated quoted field"));
  }
}

TEST(Csv, TextAfterAClosingQuoteIsAnError) {
  TempDir dir;
  write_text(dir.file("t.csv"), "\"a\"b,c\n");
  CsvLines csv(dir.file("t.csv"));
  std::vector<std::string_view> f;
  EXPECT_THROW(csv.next(f), Error);
}

TEST(Csv, ByteOrderMarkAndCrlf) {
  TempDir dir;
  write_text(dir.file("t.csv"),
             "\xEF\xBB\xBF"
             "file_id,label\r\n1,0\r\n");
  EXPECT_EQ(read_all(dir.file("t.csv")),
            (std::vector<std::vector<std::string>>{{"file_id", "label"}, {"1", "0"}}));
}

}  // namespace
}  // namespace malscope
