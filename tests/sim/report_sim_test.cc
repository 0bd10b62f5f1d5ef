// The simulator's report formats: the same calls as the CSV of the same seed, read back through
// the report reader; deterministic bytes; reports with no behaviour kept.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "sim/report_split.h"
#include "sim/sim_csv.h"
#include "sim/simulator.h"
#include "store/ingest.h"
#include "store/store_info.h"
#include "store/trace_store.h"
#include "util/fs.h"

namespace malscope {
namespace {

SimulateOptions small(const std::string& dir, SimFormat format) {
  SimulateOptions o;
  o.output_dir = dir;
  o.train_files = 60;
  o.test_files = 10;
  o.mean_calls = 300;
  o.format = format;
  o.text_rate = 0;  // "0x1F" as a report's return reads back as the number 31
  o.threads = 2;
  return o;
}

std::string ingest_dir(const std::string& in, const std::string& out) {
  IngestOptions o;
  o.threads = 2;
  ingest_inputs(std::vector<std::string>{in}, out, o);
  return out;
}

// Every file's calls, by file_id: (api name, tid, index, return value) in store order.
using Calls = std::vector<std::tuple<std::string, uint32_t, uint32_t, int64_t>>;
std::map<std::string, Calls> calls_of(const TraceStore& s) {
  std::map<std::string, Calls> out;
  for (uint32_t f = 0; f < s.num_files(); ++f) {
    OwnedTrace t = s.read_file(f, kColAll);
    Calls& c = out[std::string(s.file_id(f))];
    for (size_t i = 0; i < t.trace.size(); ++i)
      c.emplace_back(s.apis()[t.trace.api[i]], t.trace.tid[i], t.trace.index[i], t.trace.ret[i]);
  }
  return out;
}

// Whether a CSV trace's index is each thread's position (2% of runs have one index repeated or
// skipped, a Tianchi trait a report cannot show: its index is the position).
bool index_is_position(const Calls& c) {
  for (size_t i = 0; i < c.size(); ++i) {
    bool first = i == 0 || std::get<1>(c[i - 1]) != std::get<1>(c[i]);
    if (std::get<2>(c[i]) != (first ? 0 : std::get<2>(c[i - 1]) + 1)) return false;
  }
  return true;
}

void expect_same_calls_as_csv(SimFormat format, const char* name) {
  testing_sim::ScratchDir d(name);
  simulate(small(d / "csv", SimFormat::kSeason1), nullptr);
  simulate(small(d / "rep", format), nullptr);
  TraceStore csv = TraceStore::open(ingest_dir(d / "csv/train.csv", d / "csv.store"));
  TraceStore rep = TraceStore::open(ingest_dir(d / "rep/train", d / "rep.store"));
  auto a = calls_of(csv), b = calls_of(rep);
  EXPECT_EQ(rep.num_files(), csv.num_files() + 1);  // one report with no behaviour
  size_t same_index = 0;
  for (uint32_t f = 0; f < csv.num_files(); ++f) {
    const Calls& x = a[std::string(csv.file_id(f))];
    const Calls& y = b[sim::report_sha256(1, false, f)];
    ASSERT_EQ(x.size(), y.size()) << "file " << f;
    for (size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(std::get<0>(x[i]), std::get<0>(y[i])) << "file " << f << " row " << i;
      ASSERT_EQ(std::get<1>(x[i]), std::get<1>(y[i]));
      ASSERT_EQ(std::get<3>(x[i]), std::get<3>(y[i]));
    }
    if (index_is_position(x)) {
      EXPECT_EQ(x, y) << "file " << f;
      ++same_index;
    }
  }
  EXPECT_GT(same_index, csv.num_files() * 9 / 10);
  StoreInfo info = describe(rep);
  EXPECT_EQ(info.files_without_calls, 1u);
  EXPECT_GT(info.processes, rep.num_files() - 1);  // some runs have child processes
}

TEST(ReportSim, CapeReportsHoldTheCsvsCalls) {
  expect_same_calls_as_csv(SimFormat::kCape, "rt_cape");
}

TEST(ReportSim, CuckooReportsHoldTheCsvsCalls) {
  expect_same_calls_as_csv(SimFormat::kCuckoo, "rt_cuckoo");
}

TEST(ReportSim, SameBytesForAnyThreadCountAndGzipReadsTheSame) {
  testing_sim::ScratchDir d("rep_det");
  SimulateOptions o = small(d / "a", SimFormat::kCape);
  o.threads = 1;
  simulate(o, nullptr);
  o = small(d / "b", SimFormat::kCape);
  o.threads = 2;
  simulate(o, nullptr);
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(d / "a/train")) {
    std::string other = (std::filesystem::path(d / "b/train") / e.path().filename()).string();
    ASSERT_EQ(read_file(e.path().string()), read_file(other)) << e.path();
    ++n;
  }
  EXPECT_EQ(n, 61u);
  EXPECT_EQ(read_file(d / "a/labels.csv"), read_file(d / "b/labels.csv"));
  EXPECT_EQ(read_file(d / "a/test_labels.csv"), read_file(d / "b/test_labels.csv"));
  o = small(d / "gz", SimFormat::kCape);
  o.gzip = true;
  simulate(o, nullptr);
  auto plain = calls_of(TraceStore::open(ingest_dir(d / "a/train", d / "a.store")));
  auto gz = calls_of(TraceStore::open(ingest_dir(d / "gz/train", d / "gz.store")));
  EXPECT_EQ(plain, gz);
}

TEST(ReportSim, LabelsNameTheClassesAsTheStoreDoes) {
  testing_sim::ScratchDir d("rep_labels");
  simulate(small(d.path(), SimFormat::kCuckoo), nullptr);
  std::ifstream in(d / "labels.csv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "sha256,label");
  std::map<std::string, int> names;
  while (std::getline(in, line)) {
    ASSERT_EQ(line[64], ',') << line;
    names[line.substr(65)]++;
  }
  EXPECT_EQ(names.size(), 6u);
  EXPECT_TRUE(names.count("DDoS trojan") && names.count("infectious virus")) << line;
  std::ifstream t(d / "test_labels.csv");
  std::getline(t, line);
  EXPECT_EQ(line, "file_id,label");
}

}  // namespace
}  // namespace malscope
