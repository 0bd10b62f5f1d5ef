// Store format version 2: the process column and per-file process counts, files without calls,
// version-1 stores still read, API names shown canonical on open.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "store/store_builder.h"
#include "store/trace_store.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_util::TempDir;

struct Row {
  std::string api;
  uint32_t tid, index;
  int64_t ret;
  uint32_t pid;
};

// Appends one file of `rows` (interleaved threads, as a report lists them) to a batch.
void add_file(TraceBatch& b, const std::string& id, uint32_t processes,
              const std::vector<Row>& rows) {
  BatchFile f;
  f.file_id = id;
  f.row_begin = static_cast<uint32_t>(b.rows());
  for (const Row& r : rows) {
    auto it = std::find(b.apis.begin(), b.apis.end(), r.api);
    if (it == b.apis.end()) it = b.apis.insert(b.apis.end(), r.api);
    b.api.push_back(static_cast<uint16_t>(it - b.apis.begin()));
    b.tid.push_back(r.tid);
    b.index.push_back(r.index);
    b.ret.push_back(r.ret);
    b.pid.push_back(r.pid);
  }
  f.row_end = static_cast<uint32_t>(b.rows());
  f.processes = processes;
  f.origin = id + ".json";
  b.files.push_back(f);
}

std::string build(const TempDir& dir, std::vector<TraceBatch> batches, BuildOptions o = {}) {
  ThreadPool pool(2);
  o.with_pid = true;
  o.one_record_per_file = true;
  o.chunk_rows = 4;  // several chunks from little data
  StoreBuilder b(dir.file("s"), "reports", pool, o);
  for (TraceBatch& t : batches) b.add(t);
  b.finish({{"has_processes", true}, {"has_return_value", true}});
  return dir.file("s");
}

TEST(StoreProcesses, PidColumnAndProcessCountsRoundTrip) {
  TempDir dir;
  TraceBatch b;
  add_file(b, "f0", 2,
           {{"A", 8, 0, 1, 100}, {"B", 12, 0, 2, 200}, {"C", 8, 1, 3, 100}, {"D", 12, 1, 4, 200}});
  add_file(b, "empty", 0, {});
  add_file(b, "f2", 1, {{"A", 4, 0, 0, 7}});
  TraceStore s = TraceStore::open(build(dir, {std::move(b)}));
  EXPECT_EQ(s.format_version(), 2u);
  EXPECT_TRUE(s.has_processes());
  ASSERT_EQ(s.num_files(), 3u);
  EXPECT_EQ(s.file_processes(0), 2u);
  EXPECT_EQ(s.file_processes(1), 0u);
  EXPECT_EQ(s.file_rows(1), 0u);  // a report with no behaviour is a file without calls
  EXPECT_EQ(s.file_threads(1), 0u);
  OwnedTrace t = s.read_file(0, kColAll);
  // Sorted by (tid, index); each row keeps its process.
  EXPECT_THAT(std::vector<uint32_t>(t.trace.tid.begin(), t.trace.tid.end()),
              ElementsAre(8, 8, 12, 12));
  EXPECT_THAT(std::vector<uint32_t>(t.trace.pid.begin(), t.trace.pid.end()),
              ElementsAre(100, 100, 200, 200));
  EXPECT_THAT(std::vector<int64_t>(t.trace.ret.begin(), t.trace.ret.end()),
              ElementsAre(1, 3, 2, 4));
  // Not asked for: not decoded.
  EXPECT_TRUE(s.read_file(2, kColApi).trace.pid.empty());
  OwnedTrace f2 = s.read_file(2, kColPid);
  EXPECT_THAT(std::vector<uint32_t>(f2.trace.pid.begin(), f2.trace.pid.end()), ElementsAre(7));
}

TEST(StoreProcesses, VersionOneStoresStillOpen) {
  // Written by malscope before version 2 (a.csv: two files, a text return value).
  TraceStore s = TraceStore::open(std::string(MALSCOPE_SOURCE_DIR) + "/tests/data/store_v1.store");
  EXPECT_EQ(s.format_version(), 1u);
  EXPECT_FALSE(s.has_processes());
  ASSERT_EQ(s.num_files(), 2u);
  EXPECT_EQ(s.num_rows(), 5u);
  EXPECT_EQ(s.file_id(0), "a");
  EXPECT_EQ(s.file_threads(0), 2u);
  EXPECT_EQ(s.file_processes(0), 0u);
  EXPECT_THAT(s.class_names(), ElementsAre("normal", "malware"));
  OwnedTrace b = s.read_file(1, kColAll);
  EXPECT_TRUE(b.trace.pid.empty());
  EXPECT_EQ(s.format_return(b.trace.ret[0]), "NULL");
  EXPECT_EQ(s.apis()[b.trace.api[0]], "GetSystemMetrics");
  EXPECT_EQ(s.api_naming(), ApiNaming::kAsIs);
}

TEST(StoreProcesses, CanonicalViewOfAnAsIsStore) {
  TempDir dir;
  TraceBatch b;
  add_file(b, "f0", 1,
           {{"DeleteFileA", 4, 0, 0, 1},
            {"DeleteFileW", 4, 1, 0, 1},
            {"ZwClose", 4, 2, 0, 1},
            {"NtClose", 4, 3, 0, 1}});
  const std::string path = build(dir, {std::move(b)});
  TraceStore as_is = TraceStore::open(path);
  EXPECT_EQ(as_is.apis().size(), 4u);
  TraceStore c = TraceStore::open(path, ApiNaming::kCanonical);
  EXPECT_EQ(c.api_naming(), ApiNaming::kCanonical);
  EXPECT_THAT(c.apis(), ElementsAre("DeleteFileW", "NtClose"));
  OwnedTrace t = c.read_file(0, kColApi);
  EXPECT_THAT(std::vector<uint16_t>(t.trace.api.begin(), t.trace.api.end()),
              ElementsAre(0, 0, 1, 1));
}

TEST(StoreProcesses, ACanonicalStoreCannotBeShownAsIs) {
  TempDir dir;
  TraceBatch b;
  add_file(b, "f0", 1, {{"DeleteFileA", 4, 0, 0, 1}});
  BuildOptions o;
  o.api_names = ApiNaming::kCanonical;
  const std::string path = build(dir, {std::move(b)}, o);
  EXPECT_THAT(TraceStore::open(path).apis(), ElementsAre("DeleteFileW"));
  try {
    TraceStore::open(path, ApiNaming::kAsIs);
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("was ingested with --api-names canonical"));
  }
}

}  // namespace
}  // namespace malscope
