#pragma once
// Test helpers for the analysis stage: Tianchi CSV built in code, ingested into a store under a
// temporary folder, and random traces with planted duplicates.
#include <fmt/format.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "store/ingest.h"
#include "store/trace_store.h"
#include "test_util.h"

namespace malscope::testing_analysis {

/// A thread: its tid and its API names in call order.
struct Thread {
  uint32_t tid;
  std::vector<std::string> calls;
};

/// Season-1 CSV text, one file at a time.
class CsvBuilder {
 public:
  CsvBuilder() : csv_("file_id,label,api,tid,return_value,index\n") {}
  void file(const std::string& id, int label, const std::vector<Thread>& threads) {
    for (const Thread& t : threads)
      for (size_t i = 0; i < t.calls.size(); ++i)
        csv_ += fmt::format("{},{},{},{},0,{}\n", id, label, t.calls[i], t.tid, i);
  }
  const std::string& str() const { return csv_; }

 private:
  std::string csv_;
};

/// A store ingested from CSV text, removed with its folder.
class TestStore {
 public:
  explicit TestStore(const std::string& csv) {
    testing_util::write_text(dir_.file("in.csv"), csv);
    IngestOptions o;
    o.log = nullptr;
    o.progress = {};
    o.chunk_rows = 1u << 12;  // several chunks, so scans run in parallel
    ingest_csv(dir_.file("in.csv"), path(), o);
    store_.emplace(TraceStore::open(path()));
  }
  const TraceStore& store() const { return *store_; }
  std::string path() const { return dir_.file("t.store"); }
  std::string file(const std::string& name) const { return dir_.file(name); }

 private:
  testing_util::TempDir dir_;
  std::optional<TraceStore> store_;
};

/// Random API names "Api0".."Api{n-1}", `len` calls.
inline std::vector<std::string> random_calls(std::mt19937& rng, int apis, size_t len) {
  std::uniform_int_distribution<int> pick(0, apis - 1);
  std::vector<std::string> out(len);
  for (auto& c : out) c = fmt::format("Api{}", pick(rng));
  return out;
}

/// `calls` with a share of them replaced by random APIs (a near duplicate).
inline std::vector<std::string> mutate(std::vector<std::string> calls, std::mt19937& rng,
                                       double share, int apis) {
  std::uniform_real_distribution<double> u(0, 1);
  std::uniform_int_distribution<int> pick(0, apis - 1);
  for (auto& c : calls)
    if (u(rng) < share) c = fmt::format("Api{}", pick(rng));
  return calls;
}

/// 60 files of 3 classes (ids 0..59, label id % 3) with 1-3 threads of real API names; class 2
/// calls a different mix.
inline std::string three_class_csv() {
  std::mt19937 rng(4);
  CsvBuilder b;
  const char* apis[] = {"NtClose",      "NtCreateFile",    "RegOpenKeyExW",
                        "CryptEncrypt", "socket",          "NtAllocateVirtualMemory",
                        "LdrLoadDll",   "GetSystemMetrics"};
  for (int i = 0; i < 60; ++i) {
    std::vector<Thread> threads;
    for (uint32_t t = 0; t < 1 + uint32_t(i % 3); ++t) {
      std::vector<std::string> calls;
      for (int c = 0; c < 40 + i; ++c) calls.push_back(apis[(rng() % 6) + (i % 3 == 2 ? 2 : 0)]);
      threads.push_back({100 + t, calls});
    }
    b.file(std::to_string(i), i % 3, threads);
  }
  return b.str();
}

}  // namespace malscope::testing_analysis
