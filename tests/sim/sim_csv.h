#pragma once
// Test helpers for simulated data: a scratch directory and a small reader of the CSVs the
// simulator writes (whole file in memory; fine for test-sized outputs).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "util/fs.h"

namespace malscope::testing_sim {

/// A directory under the test temp dir, removed with everything in it at the end.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("malscope_sim_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }
  std::string operator/(const std::string& f) const { return (path_ / f).string(); }

 private:
  std::filesystem::path path_;
};

/// One row of a simulated CSV (label -1 in test files).
struct Row {
  uint64_t file = 0;
  int label = -1;
  std::string api;
  uint32_t tid = 0;
  std::string ret;
  uint32_t index = 0;
};

/// A parsed CSV: the header fields and the rows.
struct Csv {
  std::vector<std::string> header;
  std::vector<Row> rows;
  size_t bad_lines = 0;  ///< lines whose field count differs from the header's
};

inline std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');) out.push_back(f);
  return out;
}

/// Reads a train or test CSV written by the simulator.
inline Csv read_csv(const std::string& path) {
  Csv csv;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  csv.header = split(line);
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < csv.header.size(); ++i) col[csv.header[i]] = i;
  while (std::getline(in, line)) {
    std::vector<std::string> f = split(line);
    if (f.size() != csv.header.size()) {
      ++csv.bad_lines;
      continue;
    }
    Row r;
    r.file = std::stoull(f[col["file_id"]]);
    if (col.count("label")) r.label = std::stoi(f[col["label"]]);
    r.api = f[col["api"]];
    r.tid = static_cast<uint32_t>(std::stoul(f[col["tid"]]));
    if (col.count("return_value")) r.ret = f[col["return_value"]];
    r.index = static_cast<uint32_t>(std::stoul(f[col["index"]]));
    csv.rows.push_back(std::move(r));
  }
  return csv;
}

/// One file's rows grouped into threads (in row order).
struct File {
  uint64_t id = 0;
  int label = -1;
  std::vector<std::vector<const Row*>> threads;
  size_t calls = 0;
  /// The API sequence of thread t.
  std::vector<std::string> apis(size_t t) const {
    std::vector<std::string> s;
    for (const Row* r : threads[t]) s.push_back(r->api);
    return s;
  }
};

/// Groups consecutive rows by file_id and, within a file, by tid.
inline std::vector<File> group(const Csv& csv) {
  std::vector<File> files;
  for (const Row& r : csv.rows) {
    if (files.empty() || files.back().id != r.file) files.push_back({r.file, r.label, {}, 0});
    File& f = files.back();
    if (f.threads.empty() || f.threads.back().back()->tid != r.tid) f.threads.emplace_back();
    f.threads.back().push_back(&r);
    ++f.calls;
  }
  return files;
}

}  // namespace malscope::testing_sim
