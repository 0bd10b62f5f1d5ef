// libFuzzer target: the sandbox report reader (CAPEv2 / Cuckoo report.json) on arbitrary bytes,
// gzipped or not, as ReportSource reads one: inflate (bounded), walk, and on an Error take back
// what the report added. The JSON fault scanner runs on every input too. A report may be refused
// with an Error, never crash, and the batch must stay whole for the store builder.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "io/batch_dictionaries.h"
#include "io/gzip.h"
#include "io/json_scan.h"
#include "io/report_json.h"
#include "util/byte_buffer.h"
#include "util/error.h"

namespace {

// A report read before the fuzzed one, so taking back a failed report is checked against rows
// and names that must survive it.
constexpr std::string_view kFirst =
    R"({"target": {"file": {"sha256": "ab"}}, "behavior": {"processes": [{"process_id": 1,)"
    R"( "calls": [{"thread_id": "2", "api": "NtClose", "return": "0x0"}]}]}})";

// Inflating is bounded far below the reader's 2 GB so that a small gzip bomb is refused quickly.
constexpr size_t kMaxInflated = size_t(1) << 20;

void check(const malscope::TraceBatch& b) {
  const size_t n = b.rows();
  if (b.tid.size() != n || b.index.size() != n || b.ret.size() != n || b.pid.size() != n)
    __builtin_trap();
  for (size_t i = 0; i < n; ++i) {
    if (b.api[i] >= b.apis.size()) __builtin_trap();
    if (malscope::ret_is_string(b.ret[i]) &&
        malscope::ret_string_id(b.ret[i]) >= b.ret_strings.size())
      __builtin_trap();
  }
}

// The report in a buffer of exactly its size plus simdjson's padding, so ASan sees any read past
// what the reader is promised. The padding is not blank: ReportSource leaves it uninitialised.
std::unique_ptr<char[]> padded(std::string_view json) {
  auto buf = std::make_unique<char[]>(json.size() + simdjson::SIMDJSON_PADDING);
  if (!json.empty()) std::memcpy(buf.get(), json.data(), json.size());
  std::memset(buf.get() + json.size(), '"', simdjson::SIMDJSON_PADDING);
  return buf;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  malscope::find_json_fault(in);

  malscope::TraceBatch batch;
  malscope::BatchDictionaries dict(batch);
  auto first = padded(kFirst);
  malscope::read_report("first", std::string_view(first.get(), kFirst.size()), batch, dict);
  const size_t rows = batch.rows(), apis = batch.apis.size(), texts = batch.ret_strings.size();

  malscope::ByteBuffer inflated;
  std::string_view json = in;
  try {
    if (malscope::looks_gzipped(in)) {
      malscope::gunzip("fuzz.json.gz", in, inflated, kMaxInflated, simdjson::SIMDJSON_PADDING);
      json = inflated.view();
    }
    auto buf = padded(json);
    malscope::ReportFacts facts =
        malscope::read_report("fuzz", std::string_view(buf.get(), json.size()), batch, dict);
    if (facts.calls != batch.rows() - rows || facts.capped > facts.records) __builtin_trap();
  } catch (const malscope::Error&) {
    // As ReportSource::read_one does with a bad report.
    batch.api.resize(rows);
    batch.tid.resize(rows);
    batch.index.resize(rows);
    batch.ret.resize(rows);
    batch.pid.resize(rows);
    dict.truncate(apis, texts);
    if (batch.apis.size() != apis || batch.ret_strings.size() != texts) __builtin_trap();
  }
  check(batch);
  // The names must still intern to the ids they had.
  if (dict.api("NtClose") != batch.api[0]) __builtin_trap();
  return 0;
}
