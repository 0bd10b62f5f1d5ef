// Distributed training and CV end to end on loopback: `malscope shard`, `malscope launch` (the
// tracker and the workers), and `train --distributed` workers started by hand, one of them killed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "cli/learn_data.h"
#include "test_util.h"

namespace malscope {
namespace {

using testing_util::malscope;
using testing_util::read_text;
using testing_util::run;
using testing_util::TempDir;

// Few rounds, no early stopping, no row subsample or class cap: what one process and the workers
// must then agree on exactly.
const std::string kFlags =
    " --models xgb,linear --weights 0.5,0.5 --xgb.rounds 12 --xgb.early_stop 0 --xgb.subsample 1 "
    "--xgb.class_cap 0 --linear.class_cap 0 --features.min_df 2";

std::vector<std::vector<double>> read_probs(const std::string& csv) {
  std::istringstream in(read_text(csv));
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> r;
    std::stringstream ls(line);
    std::string x;
    std::getline(ls, x, ',');  // file_id
    while (std::getline(ls, x, ',')) r.push_back(std::stod(x));
    rows.push_back(r);
  }
  return rows;
}

class DistributedCli : public ::testing::Test {
 protected:
  void SetUp() override {
    testing_util::write_text(dir.file("a.csv"), testing_learn::tianchi_csv(120, 11, true, nullptr));
    ASSERT_EQ(malscope("ingest -q " + dir.file("a.csv") + " -o " + dir.file("a.store")).code, 0);
  }
  TempDir dir;
};

void expect_same_predictions(const std::string& a, const std::string& b) {
  auto pa = read_probs(a), pb = read_probs(b);
  ASSERT_EQ(pa.size(), pb.size());
  ASSERT_FALSE(pa.empty());
  double worst = 0;
  for (size_t i = 0; i < pa.size(); ++i) {
    ASSERT_EQ(pa[i].size(), pb[i].size());
    for (size_t k = 0; k < pa[i].size(); ++k)
      worst = std::max(worst, std::abs(pa[i][k] - pb[i][k]));
  }
  EXPECT_LE(worst, 1e-6);
}

TEST_F(DistributedCli, TwoAndThreeWorkersPredictAsOneProcess) {
  auto r = malscope("train -q " + dir.file("a.store") + kFlags + " -o " + dir.file("one.bin"));
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_EQ(malscope("predict -q " + dir.file("one.bin") + " " + dir.file("a.store") + " -o " +
                     dir.file("one.csv"))
                .code,
            0);
  for (int n : {2, 3}) {
    const std::string shards = dir.file("s" + std::to_string(n));
    r = malscope("shard -q " + dir.file("a.store") + " -n " + std::to_string(n) + " -o " + shards);
    ASSERT_EQ(r.code, 0) << r.out;
    const std::string bin = dir.file("d" + std::to_string(n) + ".bin");
    r = run("timeout 120 " + std::string(MALSCOPE_BIN) + " launch -q " + shards +
            " --timeout 30 -o " + bin + kFlags);
    ASSERT_EQ(r.code, 0) << r.out;
    const std::string csv = dir.file("d" + std::to_string(n) + ".csv");
    r = malscope("predict -q " + bin + " " + dir.file("a.store") + " -o " + csv);
    ASSERT_EQ(r.code, 0) << r.out;
    expect_same_predictions(dir.file("one.csv"), csv);
  }
}

// The folds of the source store, every model's out-of-fold predictions and the blend's as one
// process makes them (the tests' data has few distinct values per column: equal sketches).
TEST_F(DistributedCli, CvOverTwoAndThreeWorkersIsTheOneProcessCv) {
  const std::string flags = kFlags.substr(0, kFlags.find(" --weights")) +
                            kFlags.substr(kFlags.find(" --xgb.rounds"));
  auto r = malscope("cv -q " + dir.file("a.store") + flags + " --oof-out " + dir.file("one.oof"));
  ASSERT_EQ(r.code, 0) << r.out;
  for (int n : {2, 3}) {
    const std::string shards = dir.file("s" + std::to_string(n));
    ASSERT_EQ(malscope("shard -q " + dir.file("a.store") + " -n " + std::to_string(n) + " -o " +
                       shards)
                  .code,
              0);
    const std::string oof = dir.file("d" + std::to_string(n) + ".oof");
    const std::string json = dir.file("d" + std::to_string(n) + ".json");
    r = run("timeout 120 " + std::string(MALSCOPE_BIN) + " launch -q " + shards +
            " --command cv --timeout 30 --oof-out " + oof + " --json-out " + json + flags);
    ASSERT_EQ(r.code, 0) << r.out;
    expect_same_predictions(dir.file("one.oof"), oof);  // label, fold and every probability
    EXPECT_NE(read_text(json).find("\"logloss\""), std::string::npos);
  }
  r = run(std::string(MALSCOPE_BIN) + " launch " + dir.file("s2") + " --command cv -o x.bin");
  EXPECT_EQ(r.code, 2) << r.out;
}

// The workers adapt the defaults to the whole source store, as one process does: its files and
// its files per class, summed over the shards.
TEST_F(DistributedCli, WorkersExplainTheDefaultsOfTheSourceStore) {
  const std::string flags = " --models xgb --xgb.rounds 3 --xgb.early_stop 0";
  auto one = malscope("train " + dir.file("a.store") + flags + " -o " + dir.file("one.bin"));
  ASSERT_EQ(one.code, 0) << one.out;
  ASSERT_EQ(malscope("shard -q " + dir.file("a.store") + " -n 2 -o " + dir.file("s")).code, 0);
  auto r = run("timeout 120 " + std::string(MALSCOPE_BIN) + " launch " + dir.file("s") +
               " --timeout 30 -o " + dir.file("d.bin") + flags);
  ASSERT_EQ(r.code, 0) << r.out;
  auto clause = [](const std::string& log, const std::string& param) {
    const size_t at = log.find(param + " kept at");
    return at == std::string::npos ? std::string() : log.substr(at, log.find(')', at) - at);
  };
  for (const char* param : {"xgb.valid_share", "xgb.class_cap"}) {
    EXPECT_FALSE(clause(one.out, param).empty()) << one.out;
    EXPECT_EQ(clause(r.out, param), clause(one.out, param)) << r.out;
  }
  EXPECT_NE(one.out.find("(120 files <= 20000"), std::string::npos) << one.out;
  EXPECT_NE(r.out.find("(120 files <= 20000"), std::string::npos) << r.out;
}

TEST_F(DistributedCli, ShardsOfDifferentStoresStopEveryWorker) {
  testing_util::write_text(dir.file("b.csv"), testing_learn::tianchi_csv(60, 12, true, nullptr));
  ASSERT_EQ(malscope("ingest -q " + dir.file("b.csv") + " -o " + dir.file("b.store")).code, 0);
  ASSERT_EQ(malscope("shard -q " + dir.file("a.store") + " -n 2 -o " + dir.file("sa")).code, 0);
  ASSERT_EQ(malscope("shard -q " + dir.file("b.store") + " -n 2 -o " + dir.file("sb")).code, 0);
  auto r = run("timeout 120 " + std::string(MALSCOPE_BIN) + " launch -q " +
               dir.file("sa/shard-000.store") + " " + dir.file("sb/shard-001.store") +
               " --timeout 20 -o " + dir.file("m.bin") + kFlags);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("shards of different stores"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.bin")));
}

TEST_F(DistributedCli, AKilledWorkerStopsTheOtherWithinTheTimeout) {
  ASSERT_EQ(malscope("shard -q " + dir.file("a.store") + " -n 2 -o " + dir.file("s")).code, 0);
  // The tracker and two workers by hand; worker 1 is killed, worker 0 must give up by itself.
  std::string long_flags = kFlags;  // rounds enough to outlast the kill
  long_flags.replace(long_flags.find("--xgb.rounds 12"), 15, "--xgb.rounds 100000");
  const std::string bin = MALSCOPE_BIN, d = dir.path().string();
  const std::string script =
      "cd " + d +
      " && (/usr/bin/python3 -m xgboost.tracker --num-workers 2 --host-ip 127.0.0.1 "
      "> tracker.out 2>/dev/null & echo $! > tracker.pid) && "
      "for i in $(seq 1 100); do grep -q DMLC_TRACKER_PORT tracker.out && break; sleep 0.1; done; "
      "PORT=$(sed -n 's/^DMLC_TRACKER_PORT=//p' tracker.out); "
      "W=\"train -q --distributed --tracker 127.0.0.1:$PORT --world 2 --timeout 4 " +
      long_flags + " -o m.bin\"; " + "OMP_WAIT_POLICY=PASSIVE " + bin +
      " $W --rank 0 s/shard-000.store > w0.out 2>&1 & W0=$!; " + "OMP_WAIT_POLICY=PASSIVE " + bin +
      " $W --rank 1 s/shard-001.store > w1.out 2>&1 & W1=$!; "
      "sleep 2; kill -9 $W1; wait $W0; echo \"worker0=$?\"; kill $(cat tracker.pid) 2>/dev/null; "
      "cat w0.out";
  auto t0 = std::chrono::steady_clock::now();
  auto r = run("timeout 60 sh -c '" + [&] {
    std::string s;
    for (char ch : script) s += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return s;
  }() + "'");
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(r.out.find("worker0=1"), std::string::npos) << r.out;
  // A closed link fails the exchange (XGBoost's or malscope's), a silent one the watchdog.
  EXPECT_TRUE(r.out.find("failed") != std::string::npos ||
              r.out.find("waited more than 4s") != std::string::npos)
      << r.out;
  EXPECT_LT(took, 40) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.bin")));
}

// Nothing listens on the tracker's address: the worker gives up after its timeout, writing nothing.
TEST_F(DistributedCli, ATrackerThatIsGoneStopsTheWorkerWithinTheTimeout) {
  ASSERT_EQ(malscope("shard -q " + dir.file("a.store") + " -n 2 -o " + dir.file("s")).code, 0);
  // A loopback port that was free a moment ago (bound by the kernel's choice, then closed).
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const int port = ntohs(a.sin_port);
  ::close(fd);
  for (const char* cmd : {"train", "cv"}) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = run("timeout 60 " + std::string(MALSCOPE_BIN) + " " + cmd + " --distributed " +
                 dir.file("s/shard-000.store") + " --tracker 127.0.0.1:" + std::to_string(port) +
                 " --rank 0 --world 2 --timeout 3 --models xgb " +
                 (std::string(cmd) == "train" ? "-o " : "--json-out ") + dir.file("out"));
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.code, 1) << cmd << ": " << r.out;
    EXPECT_NE(r.out.find("waited more than 3s in joining the tracker"), std::string::npos)
        << cmd << ": " << r.out;
    EXPECT_LT(took, 30) << cmd;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out"))) << cmd;
  }
}

TEST_F(DistributedCli, MissingTrackerSettingsAreAUsageError) {
  auto r = malscope("train " + dir.file("a.store") + " --distributed --models xgb -o " +
                    dir.file("m.bin"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("tracker"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace malscope
