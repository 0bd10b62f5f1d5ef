#pragma once
// What `malscope info` shows: counts read from the store's tables alone (no call data is
// decoded), so it answers in well under a second on a season-1-sized store.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/trace_store.h"

namespace malscope {

struct ClassCount {
  int32_t label = -1;  ///< -1: unlabeled
  std::string name;    ///< the store's name of the class ("" when unlabeled)
  uint32_t files = 0;
  uint64_t rows = 0;
};

/// Quantiles of a per-file count.
struct Distribution {
  double min = 0, p10 = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

struct StoreInfo {
  std::string path;
  uint64_t store_bytes = 0;
  uint32_t files = 0;
  uint64_t rows = 0;
  uint32_t chunks = 0;
  size_t distinct_apis = 0;
  size_t distinct_ret_strings = 0;
  uint64_t threads = 0;
  bool has_processes = false;        ///< sandbox reports: processes are known
  uint64_t processes = 0;            ///< processes over all files
  uint32_t files_without_calls = 0;  ///< reports with no behaviour, kept as files
  std::vector<ClassCount> classes;   ///< by label; one entry with label -1 for unlabeled stores
  Distribution calls_per_file, threads_per_file, processes_per_file;
  nlohmann::json meta;
};

/// Summarises a store from its tables.
StoreInfo describe(const TraceStore& store);
/// Decodes every column of every chunk (on `threads` threads), checking each against the
/// store's own bounds; throws Error naming the chunk and what is wrong. Returns the rows decoded.
uint64_t check_store(const TraceStore& store, int threads);
/// Distribution of values (sorted in place).
Distribution distribution(std::vector<double>& values);
/// As JSON.
nlohmann::json to_json(const StoreInfo& info);
/// As the text table `malscope info` prints.
std::string to_text(const StoreInfo& info);

}  // namespace malscope
