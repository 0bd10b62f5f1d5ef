#include "models/bundle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "cli/learn_data.h"
#include "eval/train.h"
#include "store/ingest.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using testing_util::TempDir;
using testing_util::write_text;

TEST(Bundle, RoundTripPredictsTheSame) {
  TempDir dir;
  write_text(dir.file("t.csv"), testing_learn::tianchi_csv(60, 5, true, nullptr));
  IngestOptions opt;
  opt.threads = 1;
  ingest_csv(dir.file("t.csv"), dir.file("t.store"), opt);
  TraceStore store = TraceStore::open(dir.file("t.store"));
  LearnSetup setup;
  setup.models = {"xgb", "linear"};
  setup.params.set("xgb.rounds", "20");
  setup.threads = 2;
  Sketches s = Sketches::extract(store, feature_config(setup.params), 2);
  Bundle b = train_bundle(s, setup, {0.5, 0.5}, "t.store");
  std::string bytes = save_bundle(b);
  Bundle back = load_bundle(bytes, "mem", {0, 2});
  EXPECT_EQ(back.classes, 3);
  EXPECT_EQ(back.weights, b.weights);
  EXPECT_EQ(back.predict(s).prob, b.predict(s).prob);
  EXPECT_EQ(save_bundle(back), bytes);

  std::string bad = bytes;
  bad[bad.size() - 20] ^= 1;
  EXPECT_THROW(load_bundle(bad, "mem", {}), Error);
  try {
    load_bundle(bytes.substr(0, bytes.size() - 9), "m.bin", {});
    ADD_FAILURE() << "loaded a truncated bundle";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model bundle 'm.bin' is corrupt"), std::string::npos)
        << e.what();
  }
  std::string other = bytes;
  other[8] = 9;  // version
  EXPECT_THROW(load_bundle(other, "mem", {}), Error);
}

TEST(Bundle, FloorBoundsEveryProbabilityAndSurvivesTheRoundTrip) {
  TempDir dir;
  write_text(dir.file("t.csv"), testing_learn::tianchi_csv(60, 5, true, nullptr));
  IngestOptions opt;
  opt.threads = 1;
  ingest_csv(dir.file("t.csv"), dir.file("t.store"), opt);
  TraceStore store = TraceStore::open(dir.file("t.store"));
  LearnSetup setup;
  setup.models = {"xgb"};
  setup.params.set("xgb.rounds", "30");
  Sketches s = Sketches::extract(store, feature_config(setup.params), 1);
  Bundle plain = train_bundle(s, setup, {1.0}, "t.store");
  const Predictions p0 = plain.predict(s);
  ASSERT_LT(*std::min_element(p0.prob.begin(), p0.prob.end()), 0.02);  // the floor must bite

  setup.params.set("blend.floor", "0.02");
  Bundle floored = load_bundle(save_bundle(train_bundle(s, setup, {1.0}, "t.store")), "mem", {});
  EXPECT_DOUBLE_EQ(floored.floor, 0.02);
  const Predictions p = floored.predict(s);
  for (size_t r = 0; r < p.rows(); ++r) {
    double sum = 0;
    for (double v : p.row(r)) {
      EXPECT_GE(v, 0.02 - 1e-12);
      sum += v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_EQ(argmax(p.row(r)), argmax(p0.row(r)));  // the floor keeps the order
  }
}

}  // namespace
}  // namespace malscope
