// The attack: figures per attack and amount beside the clean ones, the same bytes for a seed and
// any thread count, JSON that reads back, and a store that is only read.
#include "eval/attack.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "eval/train.h"
#include "learn_fixture.h"
#include "models/predictions.h"

namespace malscope {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct AttackFixture {
  testing_eval::LearnFixture fx;
  Bundle bundle = train_bundle(fx.sketches, fx.setup, {0.5, 0.5}, "t.store");
};

TEST(Attack, FiguresPerAttackBesideTheCleanOnes) {
  AttackFixture a;
  const TraceStore& store = a.fx.store.store();
  const std::string before = file_bytes(store.path());
  AttackOptions opt;
  opt.threads = 2;
  AttackResult r = run_attack(a.bundle, store, nullptr, opt);
  EXPECT_EQ(file_bytes(store.path()), before);
  EXPECT_EQ(r.files, 90u);
  EXPECT_EQ(r.malware_files, 60u);
  EXPECT_EQ(r.donor_files, 30u);
  EXPECT_EQ(r.benign_files, 30u);  // attacked too, for the false alarms
  EXPECT_EQ(r.noop_apis, (std::vector<std::string>{"NtDelayExecution"}));
  ASSERT_EQ(r.rows.size(), default_attacks().size());

  // The clean figures are those of predicting the store.
  Predictions p = a.bundle.predict(a.fx.sketches);
  size_t detected = 0, malware = 0;
  for (uint32_t f = 0; f < store.num_files(); ++f)
    if (store.label(f) > 0) ++malware, detected += argmax(p.row(f)) != 0;
  EXPECT_DOUBLE_EQ(r.clean.detection, double(detected) / double(malware));
  EXPECT_NEAR(r.clean_logloss_all, logloss(a.fx.sketches.labels(), p), 1e-12);

  for (const AttackRow& row : r.rows) {
    EXPECT_GE(row.figures.detection, 0);
    EXPECT_LE(row.figures.detection, 1);
    EXPECT_GE(row.false_alarms, 0);
    EXPECT_LE(row.false_alarms, 1);
    EXPECT_GT(row.mean_calls, r.clean_mean_calls) << injection_amount_text(row.injection);
  }
  // More injected calls make longer files.
  EXPECT_LT(r.rows[0].mean_calls, r.rows[1].mean_calls);
  EXPECT_LT(r.rows[1].mean_calls, r.rows[2].mean_calls);
  EXPECT_LT(r.rows[6].mean_calls, r.rows[8].mean_calls);
  EXPECT_NE(r.text().find("threads      4 threads"), std::string::npos) << r.text();
}

TEST(Attack, DeterministicForASeedWhateverTheThreads) {
  AttackFixture a;
  const TraceStore& store = a.fx.store.store();
  AttackOptions opt;
  opt.threads = 1;
  const nlohmann::json one = run_attack(a.bundle, store, nullptr, opt).to_json();
  opt.threads = 3;
  EXPECT_EQ(run_attack(a.bundle, store, nullptr, opt).to_json(), one);
  opt.seed = 99;
  EXPECT_NE(run_attack(a.bundle, store, nullptr, opt).to_json()["attacks"], one["attacks"]);
}

TEST(Attack, JsonReadsBackAndBadJsonNamesTheField) {
  AttackFixture a;
  AttackOptions opt;
  opt.threads = 2;
  opt.attacks = {{InjectionKind::kThreads, 1}, {InjectionKind::kPadding, .5}};
  AttackResult r = run_attack(a.bundle, a.fx.store.store(), nullptr, opt);
  r.model = "m.bundle";
  nlohmann::json j = r.to_json();
  EXPECT_EQ(AttackResult::from_json(j, "a.json").to_json(), j);
  j["attacks"][1]["attack"] = "sideways";
  try {
    AttackResult::from_json(j, "a.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("attacks[1].attack is 'sideways'"), std::string::npos)
        << e.what();
  }
  j.erase("clean");
  EXPECT_THROW(AttackResult::from_json(j, "a.json"), Error);
}

TEST(Attack, DonorsFromAnotherStore) {
  AttackFixture a;
  // Donors: a second store of the same kind (its every file lends calls, whatever its label).
  testing_features::TempStore other{testing_learn::tianchi_csv(12, 5, true, nullptr)};
  AttackOptions opt;
  opt.threads = 2;
  opt.attacks = {{InjectionKind::kThreads, 1}};
  AttackResult r = run_attack(a.bundle, a.fx.store.store(), &other.store(), opt);
  EXPECT_EQ(r.donor_files, 12u);
  EXPECT_EQ(r.donors, other.store().path());
}

}  // namespace
}  // namespace malscope
