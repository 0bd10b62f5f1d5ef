#include "io/json_scan.h"

#include <gtest/gtest.h>

namespace malscope {
namespace {

TEST(JsonScan, SoundTextHasNoFault) {
  EXPECT_FALSE(find_json_fault(R"({"a": [1, {"b": "x\"y"}], "c": null}  )").found);
  EXPECT_FALSE(find_json_fault("[]").found);
}

TEST(JsonScan, FindsWhereTheTextBreaks) {
  JsonFault f = find_json_fault(R"({"a": [1, {"b": 2)");
  ASSERT_TRUE(f.found);
  EXPECT_EQ(f.offset, 17u);
  EXPECT_EQ(f.path, "a[1].b");
  EXPECT_EQ(f.what, "the text ends inside an object (cut short?)");

  f = find_json_fault(R"({"a": "open)");
  EXPECT_EQ(f.what, "the text ends inside a string (cut short?)");
  EXPECT_EQ(f.path, "a");

  f = find_json_fault(R"({"a": [1, 2}})");
  EXPECT_EQ(f.offset, 11u);
  EXPECT_EQ(f.what, "'}' does not close the list");

  f = find_json_fault("{\"a\": 1}\n junk");
  EXPECT_EQ(f.offset, 10u);
  EXPECT_EQ(f.path, "(the top)");

  f = find_json_fault("{\"a\": \"\xff\"}");
  EXPECT_EQ(f.offset, 7u);
  EXPECT_EQ(f.what, "a byte that is not UTF-8 in a string");
}

TEST(JsonScan, PathText) {
  JsonPathText p;
  EXPECT_EQ(p.str(), "(the top)");
  p.key("behavior");
  p.key("processes");
  p.index(3);
  p.key("calls");
  EXPECT_EQ(p.str(), "behavior.processes[3].calls");
}

}  // namespace
}  // namespace malscope
