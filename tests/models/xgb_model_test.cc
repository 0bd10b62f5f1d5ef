#include "models/xgb_model.h"

#include <gtest/gtest.h>

#include "models/toy_data.h"
#include "util/error.h"
#include "util/serial.h"

namespace malscope {
namespace {

// Model::load of the whole of `bytes`.
void load_bytes(Model& m, std::string_view bytes) {
  ByteReader r(bytes, "XGBoost model");
  m.load(r);
  r.expect_end();
}

Params fast() {
  Params p;
  p.set("xgb.rounds", "60");
  p.set("xgb.early_stop", "10");
  return p;
}

TEST(XgbModel, FitsSeparableClasses) {
  auto x = testing_toy::separable(300, 4, 1);
  XgbModel m(fast().xgb(), {.seed = 1, .threads = 2});
  FitReport rep = m.fit(x, 4);
  EXPECT_GT(rep.rounds, 0);
  EXPECT_GE(rep.valid_logloss, 0);
  auto test = testing_toy::separable(100, 4, 2);
  Predictions p = m.predict_proba(test);
  ASSERT_EQ(p.rows(), 100u);
  ASSERT_EQ(p.classes, 4);
  EXPECT_LT(logloss(test.labels, p), 0.1);
  for (size_t r = 0; r < p.rows(); ++r) EXPECT_EQ(argmax(p.row(r)), test.labels[r]);
  auto imp = m.importance();
  ASSERT_FALSE(imp.empty());
  for (const FeatureGain& g : imp) EXPECT_LT(g.column, 6u);
}

TEST(XgbModel, EarlyStoppingScoresTheTrueClassMixUnderTheCap) {
  // Class 0 (1,200 rows, capped to 60: each kept row stands for 20) is trivially separable;
  // classes 1 and 2 (60 rows each) share one noise column, so they cost about ln 2 each. On the
  // true mix the validation logloss is about 120/1320 * ln 2 = 0.06; scoring the capped sample
  // unweighted would say about 120/180 * ln 2 = 0.46.
  FeatureMatrix x;
  x.set_column_names({"zero", "noise"});
  Rng rng(3);
  for (int r = 0; r < 1320; ++r) {
    int32_t y = r < 1200 ? 0 : 1 + r % 2;
    if (y == 0) {
      x.indices.push_back(0);
      x.values.push_back(1);
    }
    x.indices.push_back(1);
    x.values.push_back(float(rng.uniform()));
    x.indptr.push_back(x.indices.size());
    x.labels.push_back(y);
  }
  Params p = fast();
  p.set("xgb.class_cap", "60");
  p.set("xgb.valid_share", "0.25");
  XgbModel m(p.xgb(), {.seed = 1, .threads = 1});
  FitReport rep = m.fit(x, 3);
  EXPECT_GT(rep.valid_logloss, 0.01);
  EXPECT_LT(rep.valid_logloss, 0.2);
  EXPECT_EQ(rep.rows, 60u + 120u);  // class 0 capped at 60; classes 1 and 2 keep their 60 each
}

TEST(XgbModel, SaveLoadGivesIdenticalPredictions) {
  auto x = testing_toy::separable(200, 3, 3);
  XgbModel m(fast().xgb(), {.seed = 5, .threads = 1});
  m.fit(x, 3);
  std::string bytes = to_bytes(m);
  XgbModel back(fast().xgb(), {.seed = 0, .threads = 2});
  load_bytes(back, bytes);
  EXPECT_EQ(m.predict_proba(x).prob, back.predict_proba(x).prob);
  EXPECT_EQ(to_bytes(back), bytes);
}

TEST(XgbModel, SameSeedSameBytes) {
  auto x = testing_toy::separable(200, 3, 4);
  Params p = fast();
  p.set("xgb.subsample", "0.5");
  XgbModel a(p.xgb(), {.seed = 9, .threads = 2}), b(p.xgb(), {.seed = 9, .threads = 2});
  a.fit(x, 3);
  b.fit(x, 3);
  EXPECT_EQ(to_bytes(a), to_bytes(b));
}

TEST(XgbModel, BagsAverageBoostersOfTheirOwnSeeds) {
  // xgb.bags=3 is the mean of three single boosters: bag 0 at the model's seed, bag b at
  // seed + b * 0x9e3779b97f4a7c15 (each with its own row sample and early-stopping holdout).
  auto x = testing_toy::separable(240, 3, 6);
  auto test = testing_toy::separable(60, 3, 7);
  Params p = fast();
  p.set("xgb.subsample", "0.5");
  p.set("xgb.colsample_bytree", "0.5");
  Params bagged = p;
  bagged.set("xgb.bags", "3");
  XgbModel m(bagged.xgb(), {.seed = 11, .threads = 1});
  m.fit(x, 3);
  Predictions got = m.predict_proba(test);
  std::vector<float> want(got.prob.size(), 0.0f);
  std::vector<Predictions> single;
  for (uint64_t b = 0; b < 3; ++b) {
    XgbModel one(p.xgb(), {.seed = 11 + b * 0x9e3779b97f4a7c15ULL, .threads = 1});
    one.fit(x, 3);
    single.push_back(one.predict_proba(test));
    for (size_t i = 0; i < want.size(); ++i) want[i] += single.back().prob[i] * (1.0f / 3);
  }
  EXPECT_NE(single[0].prob, single[1].prob);  // the bags really differ
  ASSERT_EQ(got.prob.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(got.prob[i], want[i]) << i;

  std::string bytes = to_bytes(m);
  XgbModel back(fast().xgb(), {.seed = 0, .threads = 2});
  load_bytes(back, bytes);
  EXPECT_EQ(back.predict_proba(test).prob, got.prob);
  EXPECT_EQ(to_bytes(back), bytes);
  EXPECT_FALSE(back.importance().empty());
}

TEST(XgbModel, LoadsVersionOneBlobs) {
  // Version 1 (one booster, no count) is version 2 without the booster count.
  auto x = testing_toy::separable(120, 3, 8);
  XgbModel m(fast().xgb(), {.seed = 2, .threads = 1});
  m.fit(x, 3);
  std::string v2 = to_bytes(m);
  ASSERT_EQ(v2.substr(0, 5), "MSXGB");
  std::string v1 = v2.substr(0, 5) + std::string("\x01\0\0\0", 4) + v2.substr(9, 8) + v2.substr(21);
  XgbModel old(fast().xgb(), {.seed = 0, .threads = 1});
  load_bytes(old, v1);
  EXPECT_EQ(old.predict_proba(x).prob, m.predict_proba(x).prob);
  EXPECT_EQ(to_bytes(old), v2);  // saved again as version 2
}

TEST(XgbModel, ErrorsAreNamed) {
  XgbModel m(fast().xgb(), {.seed = 0, .threads = 1});
  try {
    load_bytes(m, "MSXGB\x01\0\0\0\x03\0\0\0\x05\0\0\0\x04\0\0\0\0\0\0\0junk");
    ADD_FAILURE() << "loaded junk";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("XGBoost"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_bytes(m, "not a model"), Error);
  EXPECT_THROW(m.predict_proba(testing_toy::separable(5, 2, 0)), Error);
}

TEST(ClassWeights, Balanced) {
  std::vector<int32_t> y = {0, 0, 0, 1};
  auto w = class_weights(y, 3, 1.0);
  EXPECT_FLOAT_EQ(w[0], 4.0f / 9);
  EXPECT_FLOAT_EQ(w[1], 4.0f / 3);
  EXPECT_FLOAT_EQ(w[2], 1.0f);
  EXPECT_FLOAT_EQ(class_weights(y, 3, 0.0)[0], 1.0f);
}

}  // namespace
}  // namespace malscope
