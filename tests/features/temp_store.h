#pragma once
// Test helper: a trace store ingested from CSV text under testing::TempDir(), removed on exit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "features/feature_matrix.h"
#include "store/ingest.h"
#include "store/trace_store.h"

namespace malscope::testing_features {

class TempStore {
 public:
  /// Ingests `csv`; chunk_rows small to get several chunks (parallel decoding) from little data.
  explicit TempStore(const std::string& csv, uint32_t chunk_rows = 1u << 20) {
    static int counter = 0;
    base_ = ::testing::TempDir() + "/features_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++);
    std::ofstream(base_ + ".csv") << csv;
    IngestOptions o;
    o.log = nullptr;
    o.progress = {};
    o.chunk_rows = chunk_rows;
    ingest_csv(base_ + ".csv", base_ + ".store", o);
    store_.emplace(TraceStore::open(base_ + ".store"));
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove(base_ + ".csv");
    std::filesystem::remove(base_ + ".store");
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;
  const TraceStore& store() const { return *store_; }

 private:
  std::string base_;
  std::optional<TraceStore> store_;
};

/// Column of `name`, or -1.
inline int column(const FeatureMatrix& m, const std::string& name) {
  auto it = std::find(m.column_names().begin(), m.column_names().end(), name);
  return it == m.column_names().end() ? -1 : static_cast<int>(it - m.column_names().begin());
}

/// Value at (row, column `name`); 0 when not stored. Fails the test if the column is missing.
inline float value(const FeatureMatrix& m, size_t row, const std::string& name) {
  int c = column(m, name);
  EXPECT_GE(c, 0) << "no column " << name;
  for (uint64_t k = m.indptr[row]; k < m.indptr[row + 1]; ++k)
    if (m.indices[k] == uint32_t(c)) return m.values[k];
  return 0;
}

/// Number of columns whose name starts with `prefix`.
inline size_t count_prefix(const FeatureMatrix& m, const std::string& prefix) {
  return std::count_if(m.column_names().begin(), m.column_names().end(),
                       [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
}

/// Whether two matrices are identical, byte for byte.
inline bool same_matrix(const FeatureMatrix& a, const FeatureMatrix& b) {
  return a.indptr == b.indptr && a.indices == b.indices && a.column_names() == b.column_names() &&
         a.files == b.files && a.labels == b.labels && a.values.size() == b.values.size() &&
         std::equal(a.values.begin(), a.values.end(), b.values.begin(),
                    [](float x, float y) { return std::memcmp(&x, &y, sizeof x) == 0; });
}

}  // namespace malscope::testing_features
