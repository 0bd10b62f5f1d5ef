#include <gtest/gtest.h>

#include "export/csv_export.h"
#include "store/ingest.h"
#include "test_util.h"

namespace malscope {
namespace {

using testing_util::read_text;
using testing_util::TempDir;
using testing_util::write_text;

TEST(TianchiCsv, AStoreWritesBackTheCsvItWasMadeFrom) {
  TempDir dir;
  // Files grouped, each in (tid, index) order: the order a store keeps.
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  for (int f = 0; f < 30; ++f)
    for (int t = 0; t < 3; ++t)
      for (int i = 0; i < 20; ++i)
        csv += "f" + std::to_string(f) + "," + std::to_string(f % 3) + ",Api" +
               std::to_string((f + i) % 11) + "," + std::to_string(100 + 4 * t) + "," +
               (i == 7 ? std::string("NULL") : std::to_string(i * 1000 - 3)) + "," +
               std::to_string(i) + "\n";
  write_text(dir.file("in.csv"), csv);
  IngestOptions o;
  o.chunk_rows = 300;  // many chunks: parallel formatting, ordered writing
  ingest_csv(dir.file("in.csv"), dir.file("s"), o);
  TraceStore s = TraceStore::open(dir.file("s"));
  ASSERT_GT(s.num_chunks(), 4u);
  ExportStats st = export_tianchi_csv(s, dir.file("out.csv"), {.threads = 2});
  EXPECT_EQ(read_text(dir.file("out.csv")), csv);
  EXPECT_EQ(st.files, 30u);
  EXPECT_EQ(st.rows, 30u * 60);
  EXPECT_EQ(st.bytes, csv.size());
}

}  // namespace
}  // namespace malscope
