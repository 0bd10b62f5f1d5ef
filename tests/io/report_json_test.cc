#include "io/report_json.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "util/error.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;

// A report in a padded buffer, read into a fresh batch.
struct Read {
  TraceBatch batch;
  ReportFacts facts;
  explicit Read(const std::string& json) {
    std::string padded = json + std::string(64, ' ');
    BatchDictionaries dict(batch);
    facts = read_report("r.json", std::string_view(padded.data(), json.size()), batch, dict);
  }
  std::string api(size_t row) const { return batch.apis[batch.api[row]]; }
};

std::string error_of(const std::string& json) {
  try {
    Read r(json);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const char* kCape = R"({"info": {"version": "2.4-CAPE"},
  "behavior": {"processes": [
    {"process_id": 100, "parent_id": 4, "calls": [
      {"thread_id": "8", "api": "NtOpenFile", "return": "0xc0000034", "repeated": 2},
      {"thread_id": "12", "api": "LdrLoadDll", "return": "0x00000000"},
      {"thread_id": "8", "api": "NtClose", "return": "0xffffffffffffffff", "repeated": 0}]},
    {"process_id": 200, "calls": [{"thread_id": "8", "api": "NtClose", "return": "1"}]}]},
  "detections": "SomeFamily",
  "target": {"file": {"md5": "aa", "sha256": "ABCDEF"}}})";

TEST(ReportJson, CapeShapeExpandsRepeatedAndKeepsThreadOrder) {
  Read r(kCape);
  EXPECT_EQ(r.facts.sandbox, Sandbox::kCape);
  EXPECT_EQ(r.facts.file_id, "ABCDEF");
  EXPECT_EQ(r.facts.id_from, "target.file.sha256");
  EXPECT_EQ(r.facts.processes, 2u);
  EXPECT_EQ(r.facts.records, 4u);
  EXPECT_EQ(r.facts.calls, 6u);
  ASSERT_EQ(r.batch.rows(), 6u);
  // In (tid, index) order: three NtOpenFile in thread 8 (indices 0-2), NtClose in 8 at 3, thread
  // 9 (process 200's 8), then LdrLoadDll in 12.
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(r.api(k), "NtOpenFile");
    EXPECT_EQ(r.batch.tid[k], 8u);
    EXPECT_EQ(r.batch.index[k], uint32_t(k));
    EXPECT_EQ(r.batch.ret[k], 0xc0000034LL);  // 8 hex digits: the value as given
    EXPECT_EQ(r.batch.pid[k], 100u);
  }
  EXPECT_EQ(r.api(3), "NtClose");
  EXPECT_EQ(r.batch.index[3], 3u);
  EXPECT_EQ(r.batch.ret[3], -1);  // 16 digits: two's complement
  // Process 200 reuses thread id 8: it becomes the next free id, a thread of its own.
  EXPECT_EQ(r.batch.tid[4], 9u);
  EXPECT_EQ(r.batch.index[4], 0u);
  EXPECT_EQ(r.batch.pid[4], 200u);
  EXPECT_EQ(r.batch.ret[4], 1);
  EXPECT_EQ(r.batch.tid[5], 12u);
  EXPECT_EQ(r.batch.index[5], 0u);
  EXPECT_EQ(r.facts.reused_tids, 1u);
}

TEST(ReportJson, CuckooShapeAndPidAfterCalls) {
  Read r(R"({"behavior": {"processes": [
      {"calls": [{"api": "NtClose", "tid": 1480, "return_value": 3221225524, "time": 1.5},
                 {"api": "__exception__", "tid": 1480, "return_value": -5}],
       "pid": 752, "track": true},
      {"pid": 4, "track": false, "calls": []}]},
    "target": {"file": {"md5": "m5"}}})");
  EXPECT_EQ(r.facts.sandbox, Sandbox::kCuckoo);
  EXPECT_EQ(r.facts.file_id, "m5");
  EXPECT_EQ(r.facts.id_from, "target.file.md5");
  EXPECT_EQ(r.facts.processes, 1u);  // the untraced one is not counted
  ASSERT_EQ(r.batch.rows(), 2u);
  EXPECT_EQ(r.batch.pid[0], 752u);
  EXPECT_EQ(r.batch.pid[1], 752u);
  EXPECT_EQ(r.batch.ret[0], 3221225524LL);
  EXPECT_EQ(r.api(1), "__exception__");  // pseudo-APIs are kept
  EXPECT_EQ(r.batch.ret[1], -5);
}

TEST(ReportJson, EscapedNamesAreUnescaped) {
  Read r(R"({"behavior": {"processes": [{"process_id": 1, "calls": [
      {"api": "Nt\u0043lose", "thread_id": "4", "return": "0x0"},
      {"api": "NtClose", "thread_id": "4", "return": "0x1"}]}]}})");
  ASSERT_EQ(r.batch.rows(), 2u);
  EXPECT_EQ(r.batch.apis.size(), 1u);
  EXPECT_EQ(r.api(0), "NtClose");
  EXPECT_EQ(r.batch.tid[0], 4u);
  EXPECT_EQ(r.batch.ret[1], 1);
}

TEST(ReportJson, RepeatedIsCapped) {
  Read r(R"({"behavior": {"processes": [{"process_id": 1, "calls": [
      {"thread_id": "4", "api": "Sleep", "return": "0x0", "repeated": 4000000000}]}]}})");
  EXPECT_EQ(r.batch.rows(), size_t(kRepeatCap));
  EXPECT_EQ(r.facts.capped, 1u);
}

TEST(ReportJson, ReturnValuesAsGivenOrAsText) {
  Read r(R"({"behavior": {"processes": [{"process_id": 1, "calls": [
      {"thread_id": 4, "api": "A", "return": "NULL"},
      {"thread_id": 4, "api": "A", "return": "-12"},
      {"thread_id": 4, "api": "A", "return": "007"},
      {"thread_id": 4, "api": "A", "return": 18446744073709551615},
      {"thread_id": 4, "api": "A"}]}]}})");
  ASSERT_EQ(r.batch.rows(), 5u);
  ASSERT_TRUE(ret_is_string(r.batch.ret[0]));
  EXPECT_EQ(r.batch.ret_strings[ret_string_id(r.batch.ret[0])], "NULL");
  EXPECT_EQ(r.batch.ret[1], -12);
  ASSERT_TRUE(ret_is_string(r.batch.ret[2]));  // not a canonical integer: kept as text
  EXPECT_EQ(r.batch.ret_strings[ret_string_id(r.batch.ret[2])], "007");
  EXPECT_EQ(r.batch.ret[3], -1);
  EXPECT_EQ(r.batch.ret[4], 0);
  EXPECT_EQ(r.facts.no_return, 1u);
}

TEST(ReportJson, NoBehaviourIsAReportWithoutCalls) {
  for (const char* json : {R"({"behavior": {}})", R"({"behavior": {"processes": []}})",
                           R"({"info": {}, "static": {}})"}) {
    Read r(json);
    EXPECT_EQ(r.batch.rows(), 0u) << json;
    EXPECT_EQ(r.facts.processes, 0u) << json;
    EXPECT_EQ(r.facts.sandbox, Sandbox::kNone) << json;
  }
}

TEST(ReportJson, WrongTypesNameTheOffsetAndPath) {
  std::string e = error_of(
      R"({"behavior": {"processes": [{"process_id": 1, "calls": [{"thread_id": "4", "api": "A"},
          {"thread_id": "4", "api": "B", "return": 1.5}]}]}})");
  EXPECT_THAT(e, HasSubstr("r.json: at byte "));
  EXPECT_THAT(e, HasSubstr("behavior.processes[0].calls[1].return"));
  EXPECT_THAT(e, HasSubstr("expected an integer return value, got 1.5"));
  EXPECT_THAT(error_of(R"({"behavior": {"processes": {"a": 1}}})"),
              HasSubstr("(JSON path behavior.processes): expected a list of processes"));
  EXPECT_THAT(error_of(R"({"behavior": {"processes": [{"calls": 3}]}})"),
              HasSubstr("behavior.processes[0].calls): expected a list of calls"));
  EXPECT_THAT(error_of(R"({"behavior": {"processes": [{"calls": [{"thread_id": "x1"}]}]}})"),
              HasSubstr("calls[0].thread_id): expected a thread id (a string of digits)"));
  EXPECT_THAT(error_of(R"({"behavior": {"processes": [{"calls": [{"tid": 4}]}]}})"),
              HasSubstr("calls[0]): a call without \"api\""));
  EXPECT_THAT(error_of(R"({"behavior": {"processes": [{"pid": "7", "calls": []}]}})"),
              HasSubstr("processes[0].pid): expected a process id"));
  EXPECT_THAT(error_of(R"([1, 2])"), HasSubstr("expected a JSON object (a report) at the top"));
}

TEST(ReportJson, BrokenTextSaysWhereItBreaks) {
  EXPECT_THAT(error_of(""), HasSubstr("r.json: empty file (0 bytes)"));
  EXPECT_THAT(error_of("  \n"), HasSubstr("only white space"));
  const std::string cut = R"({"behavior": {"processes": [{"calls": [{"api": "NtClose")";
  EXPECT_THAT(error_of(cut),
              HasSubstr(fmt::format("at byte {} (the end) (JSON path "
                                    "behavior.processes[0].calls[0].api): the text ends inside "
                                    "an object (cut short?)",
                                    cut.size())));
  EXPECT_THAT(error_of(R"({"behavior": {"processes": ["ab)"),
              HasSubstr("ends inside a string (cut short?)"));
  EXPECT_THAT(error_of(R"({"a": 1} {"b": 2})"),
              HasSubstr("at byte 9 (JSON path (the top)): content after"));
  EXPECT_THAT(error_of("{\"a\": 1}}\n ion\"\n}"), HasSubstr("at byte 8"));
}

TEST(ReportJson, ParseIntText) {
  int64_t v = 0;
  EXPECT_TRUE(parse_int_text("0x1F", v));
  EXPECT_EQ(v, 31);
  EXPECT_TRUE(parse_int_text("0xffffffffc0000034", v));
  EXPECT_EQ(v, -1073741772);
  EXPECT_TRUE(parse_int_text("-9223372036854775808", v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(parse_int_text("0x", v));
  EXPECT_FALSE(parse_int_text("0x1ffffffffffffffff", v));
  EXPECT_FALSE(parse_int_text("9223372036854775808", v));
  EXPECT_FALSE(parse_int_text("-0", v));
  EXPECT_FALSE(parse_int_text("1e3", v));
}

}  // namespace
}  // namespace malscope
