#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "sim/sim_csv.h"
#include "util/error.h"
#include "util/fs.h"

namespace malscope {
namespace {

using testing_sim::Csv;
using testing_sim::File;
using testing_sim::read_csv;
using testing_sim::ScratchDir;

SimulateOptions small(const std::string& dir) {
  SimulateOptions o;
  o.output_dir = dir;
  o.train_files = 150;
  o.test_files = 60;
  o.mean_calls = 600;
  o.threads = 2;
  return o;
}

TEST(Simulate, SameBytesForAnyThreadCount) {
  ScratchDir d("threads");
  SimulateOptions a = small(d / "j1"), b = small(d / "j2");
  a.threads = 1;
  b.threads = 2;
  a.repeat_rate = b.repeat_rate = 0.2;
  simulate(a, nullptr);
  simulate(b, nullptr);
  for (const char* f : {"train.csv", "test.csv", "test_labels.csv"}) {
    std::string x = read_file(d / (std::string("j1/") + f));
    EXPECT_GT(x.size(), 100u) << f;
    EXPECT_TRUE(x == read_file(d / (std::string("j2/") + f))) << f;
  }
}

TEST(Simulate, OtherSeedOtherData) {
  ScratchDir d("seed");
  SimulateOptions a = small(d / "s1"), b = small(d / "s2");
  b.seed = 2;
  simulate(a, nullptr);
  simulate(b, nullptr);
  EXPECT_NE(read_file(d / "s1/train.csv"), read_file(d / "s2/train.csv"));
}

TEST(Simulate, ColumnsFollowTheFormat) {
  ScratchDir d("format");
  SimulateOptions s1 = small(d / "s1"), s2 = small(d / "s2");
  s2.format = SimFormat::kSeason2;
  s2.classes = 8;
  SimulateSummary sum1 = simulate(s1, nullptr);
  simulate(s2, nullptr);
  using V = std::vector<std::string>;
  Csv train1 = read_csv(d / "s1/train.csv"), test1 = read_csv(d / "s1/test.csv");
  Csv train2 = read_csv(d / "s2/train.csv"), test2 = read_csv(d / "s2/test.csv");
  EXPECT_EQ(train1.header, (V{"file_id", "label", "api", "tid", "return_value", "index"}));
  EXPECT_EQ(test1.header, (V{"file_id", "api", "tid", "return_value", "index"}));
  EXPECT_EQ(train2.header, (V{"file_id", "label", "api", "tid", "index"}));
  EXPECT_EQ(test2.header, (V{"file_id", "api", "tid", "index"}));
  for (const Csv* c : {&train1, &test1, &train2, &test2}) {
    EXPECT_EQ(c->bad_lines, 0u);
    EXPECT_GT(c->rows.size(), 1000u);
  }
  EXPECT_EQ(train1.rows.size(), sum1.train.rows);
  std::set<int> labels1, labels2;
  for (const auto& r : train1.rows) labels1.insert(r.label);
  for (const auto& r : train2.rows) labels2.insert(r.label);
  EXPECT_EQ(labels1, (std::set<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(labels2, (std::set<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(read_file(d / "s1/test_labels.csv").substr(0, 14), "file_id,label\n");
}

// Files are contiguous, in file_id order 0..n-1, rows by tid then index, each thread capped.
TEST(Simulate, RowsAreOrderedAndThreadsCapped) {
  ScratchDir d("order");
  SimulateOptions o = small(d.path());
  o.train_files = 60;
  o.test_files = 5;
  o.mean_calls = 30000;
  simulate(o, nullptr);
  Csv csv = read_csv(d / "train.csv");
  std::vector<File> files = testing_sim::group(csv);
  ASSERT_EQ(files.size(), 60u);
  size_t capped = 0, odd_indices = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(files[i].id, i);
    std::set<uint32_t> tids;
    for (size_t t = 0; t < files[i].threads.size(); ++t) {
      const auto& th = files[i].threads[t];
      EXPECT_TRUE(tids.insert(th[0]->tid).second) << "tid split in file " << i;
      if (t) {
        EXPECT_GT(th[0]->tid, files[i].threads[t - 1][0]->tid);
      }
      EXPECT_GE(th[0]->tid, 100u);
      EXPECT_LT(th[0]->tid, 10000u);
      EXPECT_LE(th.size(), 5000u);
      capped += th.size() == 5000;
      for (size_t k = 0; k < th.size(); ++k) {
        EXPECT_LE(k ? th[k - 1]->index : 0, th[k]->index);
        odd_indices += th[k]->index != k;
      }
    }
  }
  EXPECT_GT(capped, 5u);  // big runs reach the cap
  EXPECT_LT(odd_indices, csv.rows.size() / 50);
}

TEST(Simulate, Season1ImbalanceGivesTheRealProportions) {
  ScratchDir d("imbalance");
  SimulateOptions o = small(d.path());
  o.train_files = 20000;
  o.test_files = 10;
  o.mean_calls = 20;
  o.imbalance = sim::Imbalance::kSeason1;
  SimulateSummary s = simulate(o, nullptr);
  std::vector<uint64_t> expected = sim::class_counts(20000, sim::class_shares(6, o.imbalance));
  EXPECT_NEAR(expected[0], 20000 * 0.9564, 2);
  EXPECT_NEAR(expected[4], 9, 1);  // 53 worms in 116,624
  EXPECT_EQ(s.train.class_files, expected);
  std::vector<uint64_t> seen(6);
  Csv csv = read_csv(d / "train.csv");
  for (const File& f : testing_sim::group(csv)) seen[f.label]++;
  EXPECT_EQ(seen, expected);
}

TEST(Simulate, RepeatRateMakesExactDuplicates) {
  ScratchDir d("repeat");
  SimulateOptions o = small(d / "r");
  o.train_files = 300;
  o.mean_calls = 300;
  o.repeat_rate = 0.3;
  SimulateSummary s = simulate(o, nullptr);
  SimulateOptions none = o;
  none.output_dir = d / "none";
  none.repeat_rate = 0;
  simulate(none, nullptr);
  auto duplicates = [](const std::string& path) {
    using Trace = std::vector<std::tuple<std::string, uint32_t, std::string, uint32_t>>;
    std::map<Trace, int> seen;
    int dup = 0;
    Csv csv = read_csv(path);  // the files point into it
    for (const File& f : testing_sim::group(csv)) {
      Trace t;
      for (const auto& th : f.threads)
        for (const auto* r : th) t.emplace_back(r->api, r->tid, r->ret, r->index);
      dup += seen[t]++ > 0;
    }
    return dup;
  };
  int dup = duplicates(d / "r/train.csv");
  EXPECT_GE(dup, static_cast<int>(s.train.exact_repeats * 8 / 10));
  EXPECT_NEAR(s.train.exact_repeats, 300 * 0.3 / 2, 20);
  EXPECT_EQ(duplicates(d / "none/train.csv"), 0);
}

TEST(Simulate, SizeHitsTheTarget) {
  ScratchDir d("size");
  SimulateOptions o = small(d.path());
  o.size_bytes = 6 << 20;
  o.mean_calls = 1000;
  o.test_files = 10;
  simulate(o, nullptr);
  double size = static_cast<double>(std::filesystem::file_size(d / "train.csv"));
  EXPECT_NEAR(size / o.size_bytes, 1.0, 0.1);
}

TEST(Simulate, ReturnValuesAreMostlyIntegersWithSomeText) {
  ScratchDir d("ret");
  SimulateOptions o = small(d.path());
  o.text_rate = 0.01;
  simulate(o, nullptr);
  Csv csv = read_csv(d / "train.csv");
  size_t text = 0, zero_one = 0, negative = 0;
  for (const auto& r : csv.rows) {
    bool number = !r.ret.empty() && (r.ret[0] == '-' || isdigit(r.ret[0])) &&
                  r.ret.find_first_not_of("-0123456789") == std::string::npos;
    text += !number;
    zero_one += r.ret == "0" || r.ret == "1";
    negative += number && r.ret[0] == '-';
  }
  double n = static_cast<double>(csv.rows.size());
  EXPECT_NEAR(text / n, 0.01, 0.004);
  EXPECT_GT(zero_one / n, 0.6);
  EXPECT_GT(negative / n, 0.005);
}

TEST(Simulate, MeanCallsFollowTheOption) {
  ScratchDir d("mean");
  SimulateOptions o = small(d.path());
  o.train_files = 3000;
  o.test_files = 10;
  o.mean_calls = 400;
  SimulateSummary s = simulate(o, nullptr);
  double mean = static_cast<double>(s.train.rows) / s.train.files;
  EXPECT_NEAR(mean, 400, 80);
  EXPECT_GT(s.train.max_calls, 10 * 400u);  // a heavy tail
}

TEST(Simulate, BadOptionsAreUsageErrors) {
  SimulateOptions o = small("unused");
  o.classes = 7;
  EXPECT_THROW(validate(o), UsageError);
  o = small("unused");
  o.repeat_rate = 1.5;
  EXPECT_THROW(validate(o), UsageError);
  o = small("");
  EXPECT_THROW(validate(o), UsageError);
  EXPECT_NO_THROW(validate(small("x")));
}

TEST(Simulate, UnwritableOutputFailsAndLeavesNoPartialFile) {
  ScratchDir d("blocked");
  write_file_atomic(d / "file", "x");
  SimulateOptions o = small(d / "file");
  EXPECT_THROW(simulate(o, nullptr), Error);
  // A directory where train.csv should go: the rename fails after all rows are written.
  std::filesystem::create_directories(d / "out/train.csv/inside");
  o.output_dir = d / "out";
  EXPECT_THROW(simulate(o, nullptr), Error);
  for (const auto& e : std::filesystem::directory_iterator(d / "out"))
    EXPECT_EQ(e.path().filename(), "train.csv") << "left behind: " << e.path();
}

}  // namespace
}  // namespace malscope
