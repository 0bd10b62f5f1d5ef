// libFuzzer target: the scoring service's request handling on arbitrary bytes, as a client
// would send them on one connection: cpp-httplib's request parsing (request line, headers,
// Content-Length and chunked bodies, Content-Encoding) and malscope's routes behind it (report
// JSON, CSV, NDJSON batches, gzip, ?reasons=, the limits). A request may be answered 4xx (or
// 503); any 5xx other than 503, or an answer that is not HTTP, is a bug. The model is a small
// bundle trained at start-up on an in-memory CSV, so the target needs no files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "eval/cv.h"
#include "eval/train.h"
#include "serve/http_server.h"
#include "serve/scorer.h"
#include "serve/traces.h"

namespace {

// Three classes of a few files each, with APIs the seeds' reports use too.
std::string training_csv() {
  const char* apis[3][4] = {{"NtClose", "LdrLoadDll", "NtOpenFile", "RegOpenKeyExW"},
                            {"CryptEncrypt", "NtWriteFile", "NtClose", "FindNextFileW"},
                            {"connect", "send", "NtCreateThreadEx", "NtClose"}};
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  for (int f = 0; f < 24; ++f) {
    const int label = f % 3;
    for (int i = 0; i < 12 + f; ++i)
      csv += "f" + std::to_string(f) + "," + std::to_string(label) + "," +
             apis[label][(i * (f + 1)) % 4] + "," + std::to_string(1 + i % 2) + ",0," +
             std::to_string(i / 2) + "\n";
  }
  return csv;
}

malscope::ScoreServer* make_server() {
  using namespace malscope;
  bool has_ret = true;
  TraceBatch batch = read_csv_text(training_csv(), "fuzz training CSV", has_ret);
  LearnSetup setup;
  setup.models = {"xgb", "linear"};
  setup.params.set("xgb.rounds", "8");
  setup.seed = 1;
  Sketches s = sketch_batch(batch, TraceReading{}, feature_config(setup.params));
  Bundle b = train_bundle(s, setup, {0.5, 0.5}, "fuzz");
  ServerOptions opt;
  opt.max_body = size_t(1) << 20;  // small, so that gzip bombs are refused quickly
  opt.workers = 1;
  return new ScoreServer(std::make_shared<const Scorer>(std::move(b)), "", opt);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static malscope::ScoreServer* server = make_server();  // lives for the process
  const std::string out =
      server->answer_raw(std::string_view(reinterpret_cast<const char*>(data), size));
  if (out.empty()) return 0;  // no request line could be read: nothing is answered
  if (out.rfind("HTTP/1.1 ", 0) != 0 || out.size() < 12) __builtin_trap();
  const int status = std::atoi(out.c_str() + 9);
  if (status < 100 || status > 599) __builtin_trap();
  if (status >= 500 && status != 503) __builtin_trap();
  return 0;
}
