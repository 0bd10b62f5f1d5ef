#include "store/label_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_util::TempDir;
using testing_util::write_text;

LabelFile read(const std::string& text, const std::vector<std::string>& names = {}) {
  static TempDir dir;
  write_text(dir.file("l.csv"), text);
  return read_label_file(dir.file("l.csv"), names);
}

std::string error_of(const std::string& text, const std::vector<std::string>& names = {}) {
  try {
    read(text, names);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(LabelFile, ColumnsByNameInAnyOrderWithQuotesBomAndCrlf) {
  LabelFile f = read(
      "\xEF\xBB\xBF"
      "date,label,sha256\r\n2021,\"worm\",AB\r\n2022,normal,cd\r\n");
  EXPECT_EQ(f.map->find("ab"), 0);
  EXPECT_EQ(f.map->labels[0], 4);
  EXPECT_EQ(f.map->labels[1], 0);
  EXPECT_EQ(f.map->find("missing"), -1);
  EXPECT_THAT(f.class_names, ElementsAre("normal", "ransomware", "miner", "DDoS trojan", "worm"));
}

TEST(LabelFile, NumbersNamesAndGivenNames) {
  LabelFile n = read("file_id,label\na,2\nb,0\n");
  EXPECT_TRUE(n.class_names.empty());
  EXPECT_EQ(n.map->labels[0], 2);
  LabelFile g = read("md5,family\na,bad\nb,good\nc,1\n", {"good", "bad"});
  EXPECT_THAT(g.map->labels, ElementsAre(1, 0, 1));
  EXPECT_THAT(g.class_names, ElementsAre("good", "bad"));
  LabelFile other = read("sha256,label\na,Zeus\nb,Emotet\na,Zeus\n");
  EXPECT_THAT(other.class_names, ElementsAre("Emotet", "Zeus"));
  EXPECT_EQ(other.map->ids.size(), 2u);  // a repeated line with the same label is one entry
}

TEST(LabelFile, ErrorsNameTheLine) {
  EXPECT_THAT(error_of("id,class\na,1\n"), HasSubstr("l.csv:1: expected a header with an id"));
  EXPECT_THAT(error_of("sha256,label\na,1\nb,worm\n"),
              HasSubstr("l.csv:3: label 'worm' is not a class number"));
  EXPECT_THAT(error_of("sha256,label\na,worm\nb,1\n"),
              HasSubstr("l.csv:3: label '1' is a number where line 2 has a name"));
  EXPECT_THAT(error_of("sha256,label\na,1\na,2\n"),
              HasSubstr("l.csv:3: 'a' has label '2' here but another on line 2"));
  EXPECT_THAT(error_of("sha256,label\na,\n"), HasSubstr("l.csv:2: expected a sha256 and a label"));
  EXPECT_THAT(error_of("sha256,label\na,evil\n", {"good", "bad"}),
              HasSubstr("neither a name in --class-names nor a number"));
  EXPECT_THAT(error_of("sha256,label\na,5\n", {"good", "bad"}),
              HasSubstr("label 5 but --class-names names 2 classes"));
  EXPECT_THAT(error_of(""), HasSubstr("is empty"));
}

}  // namespace
}  // namespace malscope
