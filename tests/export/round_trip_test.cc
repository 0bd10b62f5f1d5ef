// CSV -> store -> export gives back every input row, on simulated data (both seasons' layouts,
// with text return values, repeated runs and small chunks so files span many chunks).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "export/csv_export.h"
#include "sim/simulator.h"
#include "store/ingest.h"
#include "test_util.h"

namespace malscope {
namespace {

using testing_util::read_text;
using testing_util::TempDir;

std::vector<std::string> data_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t s = text.find('\n') + 1;  // past the header
  for (size_t e; (e = text.find('\n', s)) != std::string::npos; s = e + 1)
    out.push_back(text.substr(s, e - s));
  return out;
}

void round_trip(SimFormat format, const std::string& which) {
  TempDir dir;
  SimulateOptions o;
  o.output_dir = dir.file("sim");
  o.train_files = 120;
  o.test_files = 30;
  o.mean_calls = 800;
  o.format = format;
  o.text_rate = format == SimFormat::kSeason1 ? 0.01 : 0;
  o.seed = 7;
  simulate(o, nullptr);
  std::string csv = dir.file("sim/" + which + ".csv");
  IngestOptions io;
  io.log = nullptr;
  io.progress = {};
  io.chunk_rows = 5000;
  io.block_bytes = 64 << 10;
  IngestStats st = ingest_csv(csv, dir.file("s"), io);
  TraceStore store = TraceStore::open(dir.file("s"));
  ExportStats ex = export_csv(store, dir.file("out"), {.threads = 2, .progress = {}});
  EXPECT_EQ(ex.rows, st.rows);
  std::vector<std::string> want = data_lines(read_text(csv)), got;
  std::string header;
  for (auto& p : std::filesystem::recursive_directory_iterator(dir.file("out"))) {
    if (!p.is_regular_file()) continue;
    std::string text = read_text(p.path().string());
    if (header.empty()) header = text.substr(0, text.find('\n'));
    auto l = data_lines(text);
    got.insert(got.end(), l.begin(), l.end());
  }
  std::string first = read_text(csv);
  EXPECT_EQ(header, first.substr(0, first.find('\n')));
  ASSERT_EQ(got.size(), want.size());
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_TRUE(got == want) << "rows differ after the round trip";
}

TEST(RoundTrip, SimulatedSeason1TrainGivesBackEveryRow) {
  round_trip(SimFormat::kSeason1, "train");
}
TEST(RoundTrip, SimulatedSeason2TestGivesBackEveryRow) {
  round_trip(SimFormat::kSeason2, "test");
}

}  // namespace
}  // namespace malscope
