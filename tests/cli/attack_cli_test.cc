// End-to-end: train (plain and --harden) -> attack -> report --attack through the real CLI;
// cv --harden; the bundle records hardening; the exit codes of what does not fit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/learn_data.h"
#include "test_util.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::malscope;
using testing_util::read_text;
using testing_util::TempDir;
using testing_util::write_text;

const std::string kFast = " -q --xgb.rounds 40 --xgb.early_stop 10 --weights 1,1 ";

class AttackCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string labels;
    write_text(dir.file("train.csv"), testing_learn::tianchi_csv(90, 1, true, nullptr));
    write_text(dir.file("test.csv"), testing_learn::tianchi_csv(45, 2, true, nullptr));
    write_text(dir.file("unlabeled.csv"), testing_learn::tianchi_csv(9, 3, false, nullptr));
    for (const char* s : {"train", "test", "unlabeled"})
      ASSERT_EQ(malscope(std::string("ingest -q ") + dir.file(std::string(s) + ".csv") + " -o " +
                         dir.file(std::string(s) + ".store"))
                    .code,
                0);
  }
  TempDir dir;
};

TEST_F(AttackCli, TrainHardenAttackReport) {
  auto r = malscope("train " + dir.file("train.store") + kFast + "-o " + dir.file("plain.bundle"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("train " + dir.file("train.store") + kFast + "--harden --harden-copies 2 -o " +
               dir.file("hard.bundle"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(read_text(dir.file("hard.bundle")), HasSubstr("\"harden\":{"));
  EXPECT_THAT(read_text(dir.file("hard.bundle")), HasSubstr("\"augmented_files\":180"));
  EXPECT_THAT(read_text(dir.file("plain.bundle")), ::testing::Not(HasSubstr("\"harden\"")));

  r = malscope("attack " + dir.file("hard.bundle") + " " + dir.file("test.store"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("30 malware and 15 class-0 files of 45 attacked"));
  EXPECT_THAT(r.out, HasSubstr("interleave"));
  EXPECT_THAT(r.out, HasSubstr("100%"));
  r = malscope("attack " + dir.file("hard.bundle") + " " + dir.file("test.store") + " --json -o " +
               dir.file("attack.json"));
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["attacks"].size(), 9u);
  EXPECT_EQ(j["malware_files"], 30);
  EXPECT_EQ(read_text(dir.file("attack.json")), r.out);
  // The same seed, the same figures.
  EXPECT_EQ(
      malscope("attack -j 1 " + dir.file("hard.bundle") + " " + dir.file("test.store") + " --json")
          .out,
      r.out);

  r = malscope("report -q " + dir.file("test.store") + " --attack " + dir.file("attack.json") +
               " -o " + dir.file("r.html"));
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string html = read_text(dir.file("r.html"));
  EXPECT_THAT(html, HasSubstr("Evasion: injected benign behaviour"));
  EXPECT_THAT(html, HasSubstr("Attack: interleave"));

  write_text(dir.file("bad.json"), "{\"model\": 3}");
  r = malscope("report -q " + dir.file("test.store") + " --attack " + dir.file("bad.json") +
               " -o " + dir.file("r2.html"));
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.out, HasSubstr("bad.json"));
}

TEST_F(AttackCli, CvHardenRunsAndRefusals) {
  auto r = malscope("cv " + dir.file("train.store") +
                    " -q --xgb.rounds 40 --xgb.early_stop 10 --folds 3 --harden --json");
  ASSERT_EQ(r.code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dataset"]["files"], 90);  // the copies are trained on, never scored

  r = malscope("train " + dir.file("train.store") + kFast + "-o " + dir.file("m.bundle"));
  ASSERT_EQ(r.code, 0) << r.out;
  r = malscope("attack " + dir.file("m.bundle") + " " + dir.file("unlabeled.store"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_THAT(r.out, HasSubstr("no labels"));
  r = malscope("attack " + dir.file("m.bundle") + " " + dir.file("nothing.store"));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("cannot open"));
  r = malscope("attack " + dir.file("train.store") + " " + dir.file("test.store"));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("model bundle"));
  r = malscope("train " + dir.file("train.store") + kFast + "--harden --harden-copies 0 -o " +
               dir.file("x.bundle"));
  EXPECT_EQ(r.code, 2) << r.out;
}

}  // namespace
}  // namespace malscope
