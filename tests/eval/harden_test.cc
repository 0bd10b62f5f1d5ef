// Hardened training: attacked copies of the malware files, labels kept, donors only from the
// copy's own fold's class-0 files; a copy trains only in folds where its file and its donors
// train, and is never held out; the result is deterministic and the store unchanged.
#include "eval/harden.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "eval/attack.h"
#include "eval/folds.h"
#include "eval/train.h"
#include "learn_fixture.h"
#include "sim/simulator.h"
#include "store/ingest.h"
#include "test_util.h"

namespace malscope {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Harden, CopiesKeepLabelsAndTakeDonorsFromTheirOwnFold) {
  testing_eval::LearnFixture fx;
  const TraceStore& store = fx.store.store();
  const std::string before = file_bytes(store.path());
  HardenOptions opt{2, 3, fx.setup.seed, {}};
  Hardened h = harden(store, feature_config(fx.setup.params), opt, 2);
  EXPECT_EQ(file_bytes(store.path()), before);
  ASSERT_EQ(h.files, 90u);
  // Every file, class 0 too: were only malware padded, padding itself would read as malware.
  ASSERT_EQ(h.augmented.size(), 90u * 2);
  ASSERT_EQ(h.sketches.size(), 90u + 180u);
  std::vector<int32_t> labels(fx.sketches.labels().begin(), fx.sketches.labels().end());
  std::vector<uint32_t> fold = assign_folds(labels, 3, fx.setup.seed);
  std::set<InjectionKind> kinds;
  for (size_t i = 0; i < h.augmented.size(); ++i) {
    const AugmentedRow& a = h.augmented[i];
    EXPECT_EQ(a.row, 90u + i);
    EXPECT_EQ(h.sketches.label(a.row), labels[a.parent]);
    EXPECT_EQ(h.sketches.file_id(a.row), fx.sketches.file_id(a.parent));
    for (uint32_t d : a.donors) {
      EXPECT_EQ(labels[d], 0);
      EXPECT_EQ(fold[d], fold[a.parent]) << "donor " << d << " of copy " << i;
      EXPECT_NE(d, a.parent);
    }
    kinds.insert(h.jobs[i].injection.kind);
  }
  EXPECT_EQ(kinds.size(), 3u);  // every attack kind is trained on
  Hardened again = harden(store, feature_config(fx.setup.params), opt, 1);
  ASSERT_EQ(again.jobs.size(), h.jobs.size());
  for (size_t i = 0; i < h.jobs.size(); ++i) {
    EXPECT_EQ(again.jobs[i].donors, h.jobs[i].donors);
    EXPECT_EQ(again.jobs[i].injection, h.jobs[i].injection);
    EXPECT_TRUE(std::equal(again.sketches.scalars(90 + i).begin(),
                           again.sketches.scalars(90 + i).end(),
                           h.sketches.scalars(90 + i).begin()));
  }
}

TEST(Harden, CopiesTrainOnlyWhereTheirFileAndDonorsTrain) {
  testing_eval::LearnFixture fx;
  HardenOptions opt{1, 3, fx.setup.seed, {}};
  Hardened h = harden(fx.store.store(), feature_config(fx.setup.params), opt, 2);
  CvOptions cv;
  cv.folds = 3;
  cv.augmented = h.augmented;
  // A copy whose donor sits in another fold than its file: it may train in no fold where
  // either is held out.
  std::vector<int32_t> labels(fx.sketches.labels().begin(), fx.sketches.labels().end());
  std::vector<uint32_t> fold = assign_folds(labels, 3, fx.setup.seed);
  AugmentedRow odd = h.augmented[0];
  for (uint32_t d = 0; d < 90; ++d)
    if (labels[d] == 0 && fold[d] != fold[odd.parent]) {
      odd.donors = {d};
      break;
    }
  cv.augmented[0] = odd;
  CvPlan plan = plan_cv(h.sketches, fx.setup, cv, 1);
  EXPECT_EQ(plan.rows.size(), 90u);  // copies are never cross-validated themselves
  size_t copies = 0;
  for (const FoldTask& t : plan.tasks) {
    std::set<uint32_t> train(t.train_rows.begin(), t.train_rows.end());
    for (uint32_t r : t.valid_rows) EXPECT_LT(r, 90u);
    for (uint32_t r : t.train_rows) {
      if (r < 90) continue;
      ++copies;
      const AugmentedRow& a = cv.augmented[r - 90];
      EXPECT_TRUE(train.count(a.parent));
      for (uint32_t d : a.donors) EXPECT_TRUE(train.count(d)) << "fold " << t.fold;
    }
  }
  // Each good copy trains in the two folds its file trains in; the odd one in one.
  EXPECT_EQ(copies, (h.augmented.size() - 1) * 2 + 1);
}

TEST(Harden, CopiesCarryTheirWeightIntoXgbButNotIntoTheLinearModel) {
  testing_eval::LearnFixture fx;
  const FeatureConfig cfg = feature_config(fx.setup.params);
  HardenOptions full{1, 3, fx.setup.seed, {}};
  HardenOptions light = full;
  light.weight = 0.25f;
  Hardened a = harden(fx.store.store(), cfg, full, 2);
  Hardened b = harden(fx.store.store(), cfg, light, 2);
  EXPECT_FALSE(a.sketches.weighted());
  ASSERT_TRUE(b.sketches.weighted());
  for (uint32_t r = 0; r < b.sketches.size(); ++r)
    ASSERT_EQ(b.sketches.weight(r), r < 90 ? 1.0f : 0.25f) << "row " << r;
  EXPECT_EQ(harden_info(b, light)["copy_weight"], 0.25);
  // The weights reach the matrices, through a row selection too.
  FeaturePipeline pipe(cfg);
  std::vector<uint32_t> rows = {3, 95, 120};
  pipe.fit(b.sketches, rows);
  FeatureMatrix x = pipe.transform(b.sketches, rows, ValueKind::kCounts);
  EXPECT_EQ(x.weights, (std::vector<float>{1.0f, 0.25f, 0.25f}));
  std::vector<uint32_t> pick = {2, 0};
  EXPECT_EQ(select_rows(x, pick).weights, (std::vector<float>{0.25f, 1.0f}));
  // xgb fits the lighter copies differently; liblinear takes no row weights.
  for (const std::string model : {"xgb", "linear"}) {
    LearnSetup setup = fx.setup;
    setup.models = {model};
    Predictions pa = train_bundle(a.sketches, setup, {1.0}, "s").predict(fx.sketches);
    Predictions pb = train_bundle(b.sketches, setup, {1.0}, "s").predict(fx.sketches);
    double most = 0;
    for (size_t i = 0; i < pa.prob.size(); ++i)
      most = std::max(most, std::abs(pa.prob[i] - pb.prob[i]));
    if (model == "xgb")
      EXPECT_GT(most, 1e-3) << "the copies' weight did not change the xgb fit";
    else
      EXPECT_EQ(most, 0.0);
  }
  // Weights the sketches cannot hold are refused.
  Sketches s = fx.sketches;
  EXPECT_THROW(s.set_weights(std::vector<float>(3, 1.0f)), Error);
  std::vector<float> bad(s.size(), 1.0f);
  bad[7] = std::nanf("");
  EXPECT_THROW(s.set_weights(bad), Error);
  bad[7] = 0;
  EXPECT_THROW(s.set_weights(bad), Error);
}

// A labelled simulated store (the simulator's train split) under `dir`.
std::string simulated_store(const testing_util::TempDir& dir, const std::string& name,
                            uint64_t files, uint64_t seed) {
  SimulateOptions o;
  o.output_dir = dir.file(name);
  o.train_files = files;
  o.test_files = 10;
  o.mean_calls = 800;
  o.seed = seed;
  o.threads = 2;
  simulate(o, nullptr);
  IngestOptions io;
  io.log = nullptr;
  io.progress = {};
  ingest_csv(dir.file(name + "/train.csv"), dir.file(name + ".store"), io);
  return dir.file(name + ".store");
}

TEST(Harden, HardenedModelResistsInjectionBetterThanPlainOnSimulatedData) {
  testing_util::TempDir dir;
  TraceStore train = TraceStore::open(simulated_store(dir, "train", 600, 1));
  TraceStore test = TraceStore::open(simulated_store(dir, "test", 300, 2));
  LearnSetup setup = testing_eval::fast_setup();
  Sketches s = Sketches::extract(train, feature_config(setup.params), 2);
  Bundle plain = train_bundle(s, setup, {0.5, 0.5}, "train.store");
  HardenOptions opt{1, 5, setup.seed, {}};
  Hardened h = harden(train, feature_config(setup.params), opt, 2);
  Bundle hard = train_bundle(h.sketches, setup, {0.5, 0.5}, "train.store");
  // Attacked with other files, donors and seeds than the training copies were made of.
  AttackOptions a;
  a.threads = 2;
  a.seed = 12345;
  AttackResult rp = run_attack(plain, test, nullptr, a);
  AttackResult rh = run_attack(hard, test, nullptr, a);
  const std::string both = rp.text() + "\n" + rh.text();
  // One extra benign thread: the plain model loses several points, the hardened one far fewer.
  const double lost_plain = rp.clean.detection - rp.rows[0].figures.detection;
  const double lost_hard = rh.clean.detection - rh.rows[0].figures.detection;
  EXPECT_GT(lost_plain, 0.05) << both;
  EXPECT_LT(lost_hard, lost_plain / 2) << both;
  double lp = 0, lh = 0;
  for (size_t i = 0; i < rp.rows.size(); ++i) {
    lp += rp.rows[i].figures.logloss;
    lh += rh.rows[i].figures.logloss;
  }
  EXPECT_LT(lh, lp) << both;
}

}  // namespace
}  // namespace malscope
