// End-to-end `score`: its probabilities are predict's (on a store, on the CSV it came from and on
// sandbox reports scored without a store), its reasons add up to what the models say, and its
// errors name the input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/learn_data.h"
#include "models/seq_net_loader.h"
#include "test_util.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::malscope;
using testing_util::read_text;
using testing_util::RunResult;
using testing_util::TempDir;
using testing_util::write_text;

const std::string kFast = " -q --xgb.rounds 40 --xgb.early_stop 10 ";

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

// file_id -> probabilities, from a submission CSV.
std::map<std::string, std::vector<double>> submission(const std::string& text) {
  std::map<std::string, std::vector<double>> out;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, v;
    std::getline(f, id, ',');
    while (std::getline(f, v, ',')) out[id].push_back(std::stod(v));
  }
  return out;
}

std::vector<double> probs_of(const nlohmann::json& j) {
  std::vector<double> p;
  for (const auto& [name, v] : j.at("probs").items()) p.push_back(v.get<double>());
  return p;
}

class ScoreCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    write_text(d("train.csv"), testing_learn::tianchi_csv(90, 1, true, nullptr));
    write_text(d("test.csv"), testing_learn::tianchi_csv(45, 2, false, nullptr));
    ASSERT_EQ(malscope("ingest -q " + d("train.csv") + " -o " + d("train.store")).code, 0);
    ASSERT_EQ(malscope("ingest -q " + d("test.csv") + " -o " + d("test.store")).code, 0);
    RunResult r =
        malscope("train " + d("train.store") + kFast + "--weights 0.5,0.5 -o " + d("m.bundle"));
    ASSERT_EQ(r.code, 0) << r.out;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string d(const std::string& name) { return dir_->file(name); }
  static TempDir* dir_;
};
TempDir* ScoreCli::dir_ = nullptr;

TEST_F(ScoreCli, OnAStoreGivesPredictsProbabilities) {
  ASSERT_EQ(
      malscope("predict -q " + d("m.bundle") + " " + d("test.store") + " -o " + d("sub.csv")).code,
      0);
  auto want = submission(read_text(d("sub.csv")));
  RunResult r = malscope("score -q " + d("m.bundle") + " " + d("test.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  auto got = json_lines(r.out);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& v : got) {
    const std::string id = v.at("file_id");
    ASSERT_TRUE(want.count(id)) << id;
    std::vector<double> p = probs_of(v);
    ASSERT_EQ(p.size(), want[id].size());
    // The submission prints 9 decimals (the largest takes the rest); score prints every digit.
    for (size_t c = 0; c < p.size(); ++c) EXPECT_NEAR(p[c], want[id][c], 1.6e-9) << id;
    EXPECT_EQ(v.at("label").get<int>(), std::max_element(p.begin(), p.end()) - p.begin());
    ASSERT_EQ(v.at("reasons").size(), 5u) << v.dump();
    EXPECT_THAT(v["reasons"][0]["text"].get<std::string>(),
                HasSubstr("toward " + v.at("class").get<std::string>()));
  }
}

TEST_F(ScoreCli, TheCsvScoresAsItsStore) {
  RunResult a = malscope("score -q " + d("m.bundle") + " " + d("test.store") + " --reasons 3");
  RunResult b = malscope("score -q " + d("m.bundle") + " " + d("test.csv") + " --reasons 3");
  ASSERT_EQ(a.code, 0) << a.out;
  ASSERT_EQ(b.code, 0) << b.out;
  EXPECT_EQ(a.out, b.out);  // every digit, every reason
}

TEST_F(ScoreCli, CsvFormatAndNoReasons) {
  RunResult r = malscope("score -q " + d("m.bundle") + " " + d("test.store") +
                         " --format csv --reasons 0 -o " + d("v.csv"));
  ASSERT_EQ(r.code, 0) << r.out;
  std::string csv = read_text(d("v.csv"));
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "file_id,class,prob0,prob1,prob2");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 46);
  r = malscope("score -q " + d("m.bundle") + " " + d("test.store") + " --reasons 2 --format csv");
  EXPECT_THAT(r.out, HasSubstr(",reason1,reason2\n"));
  EXPECT_THAT(r.out, HasSubstr(" toward "));
}

TEST_F(ScoreCli, BadInputNamesWhereAndExits1) {
  write_text(d("bad.json"), "{\"behavior\": {\"processes\": [{\"process_id\": 4, \"calls\": [");
  RunResult r = malscope("score -q " + d("m.bundle") + " " + d("bad.json"));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("bad.json: at byte"));
  write_text(d("bad.csv"), "file_id,api,tid,index\nf,NtClose,x,1\n");
  r = malscope("score -q " + d("m.bundle") + " " + d("bad.csv"));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr(":2: column 3 (tid)"));
  r = malscope("score -q " + d("m.bundle") + " " + d("test.store") + " " + d("test.csv"));
  EXPECT_EQ(r.code, 2) << r.out;
}

// Reports scored without a store get exactly the verdicts of ingest + score on the store (the
// store path is predict's, tested above).
TEST_F(ScoreCli, ReportsScoreAsTheirIngestedStore) {
  RunResult r = malscope("-j 2 simulate -q --format cape -o " + d("sim") +
                         " --train-files 120 --test-files 30 --mean-calls 300 --gzip");
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("-j 2 ingest -q " + d("sim/train") + " --labels " + d("sim/labels.csv") +
               " --api-names canonical -o " + d("rtrain.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("train " + d("rtrain.store") + kFast + "--weights 0.7,0.3 -o " + d("r.bundle"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("ingest -q " + d("sim/test") + " -o " + d("rtest.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  RunResult via_store = malscope("score -q " + d("r.bundle") + " " + d("rtest.store"));
  RunResult direct = malscope("-j 2 score -q " + d("r.bundle") + " " + d("sim/test"));
  ASSERT_EQ(via_store.code, 0) << via_store.out;
  ASSERT_EQ(direct.code, 0) << direct.out;
  auto a = json_lines(via_store.out), b = json_lines(direct.out);
  ASSERT_GE(a.size(), 30u);  // the simulator adds a report without behaviour or two
  ASSERT_EQ(a.size(), b.size());
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& v : a) by_id[v.at("file_id")] = v;
  for (const auto& v : b) EXPECT_EQ(by_id[v.at("file_id")], v);
  // The real CAPE reports score too (canonical names make the vocabularies meet).
  r = malscope("score -q " + d("r.bundle") + " " + std::string(MALSCOPE_SOURCE_DIR) +
               "/tests/data/cape");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(json_lines(r.out).size(), 4u);
}

// A bundle with a TextCNN member: train keeps each file's calls for it, and score (on a store, on
// its CSV) gives predict's probabilities; reasons come from the members that have them.
TEST(ScoreCliTextCnn, ABundleWithATextCnnScoresAsItPredicts) {
  std::string why;
  if (!seq_net_available(&why)) GTEST_SKIP() << why;
  TempDir dir;
  auto d = [&](const std::string& n) { return dir.file(n); };
  write_text(d("train.csv"), testing_learn::tianchi_csv(90, 1, true, nullptr));
  write_text(d("test.csv"), testing_learn::tianchi_csv(45, 2, false, nullptr));
  ASSERT_EQ(malscope("ingest -q " + d("train.csv") + " -o " + d("train.store")).code, 0);
  ASSERT_EQ(malscope("ingest -q " + d("test.csv") + " -o " + d("test.store")).code, 0);
  RunResult r =
      malscope("train " + d("train.store") + kFast +
               "--models xgb,textcnn --textcnn.epochs 2 --weights 0.5,0.5 -o " + d("m.bundle"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("predict -q " + d("m.bundle") + " " + d("test.store") + " -o " + d("sub.csv"));
  ASSERT_EQ(r.code, 0) << r.out;
  auto want = submission(read_text(d("sub.csv")));
  RunResult a = malscope("score -q " + d("m.bundle") + " " + d("test.store") + " --reasons 3");
  RunResult b = malscope("score -q " + d("m.bundle") + " " + d("test.csv") + " --reasons 3");
  ASSERT_EQ(a.code, 0) << a.out;
  ASSERT_EQ(b.code, 0) << b.out;
  EXPECT_EQ(a.out, b.out);
  auto got = json_lines(a.out);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& v : got) {
    const std::string id = v.at("file_id");
    std::vector<double> p = probs_of(v);
    ASSERT_EQ(p.size(), want[id].size()) << id;
    for (size_t c = 0; c < p.size(); ++c) EXPECT_NEAR(p[c], want[id][c], 1.6e-9) << id;
    EXPECT_EQ(v.at("reasons").size(), 3u) << v.dump();  // xgb's
  }
}

}  // namespace
}  // namespace malscope
