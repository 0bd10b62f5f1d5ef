#include "features/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/ingest.h"
#include "util/error.h"

namespace malscope {
namespace {

// A store made from CSV text, removed when the test ends.
class TempStore {
 public:
  explicit TempStore(const std::string& csv) {
    static int counter = 0;
    base_ = testing::TempDir() + "/features_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++);
    std::ofstream(base_ + ".csv") << csv;
    IngestOptions o;
    o.log = nullptr;
    o.progress = false;
    ingest_csv(base_ + ".csv", base_ + ".store", o);
    store_.emplace(TraceStore::open(base_ + ".store"));
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove(base_ + ".csv");
    std::filesystem::remove(base_ + ".store");
  }
  const TraceStore& store() const { return *store_; }

 private:
  std::string base_;
  std::optional<TraceStore> store_;
};

int column(const FeatureMatrix& m, const std::string& name) {
  auto it = std::find(m.column_names.begin(), m.column_names.end(), name);
  return it == m.column_names.end() ? -1 : static_cast<int>(it - m.column_names.begin());
}

float value(const FeatureMatrix& m, size_t row, const std::string& name) {
  int c = column(m, name);
  EXPECT_GE(c, 0) << "no column " << name;
  for (uint64_t k = m.indptr[row]; k < m.indptr[row + 1]; ++k)
    if (m.indices[k] == uint32_t(c)) return m.values[k];
  return 0;
}

const char* kTwoFiles =
    "file_id,label,api,tid,return_value,index\n"
    "a,0,NtClose,1,0,0\n"
    "a,0,NtOpenKey,1,0,1\n"
    "a,0,NtClose,1,0,2\n"
    "b,1,NtClose,1,0,0\n"
    "b,1,CryptEncrypt,2,-1,0\n";

TEST(FeaturePipeline, CountsApisAndNgrams) {
  TempStore t(kTwoFiles);
  FeatureConfig cfg;
  cfg.min_df = 1;
  Sketches s = Sketches::extract(t.store(), cfg, 1);
  ASSERT_EQ(s.size(), 2u);
  FeaturePipeline p(cfg);
  std::vector<uint32_t> rows = {0, 1};
  p.fit(s, rows);
  FeatureMatrix m = p.transform(s, {}, ValueKind::kCounts);
  ASSERT_EQ(m.rows(), 2u);
  EXPECT_EQ(value(m, 0, "api_count:NtClose"), 2);
  EXPECT_EQ(value(m, 0, "ng:NtClose>NtOpenKey>NtClose"), 1);
  EXPECT_EQ(value(m, 1, "ng:NtClose"), 1);
  EXPECT_EQ(column(m, "ng:NtClose>CryptEncrypt"), -1);  // different threads
}

}  // namespace
}  // namespace malscope
