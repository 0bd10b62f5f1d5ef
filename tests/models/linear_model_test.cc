#include "models/linear_model.h"

#include <gtest/gtest.h>
#include <cstdlib>

#include "models/toy_data.h"
#include "util/error.h"
#include "util/serial.h"
#include "util/thread_pool.h"

namespace malscope {
namespace {

// Model::load of the whole of `bytes`.
void load_bytes(Model& m, std::string_view bytes) {
  ByteReader r(bytes, "linear model");
  m.load(r);
  r.expect_end();
}

TEST(LinearModel, FitsSeparableClasses) {
  for (int k : {2, 4}) {
    auto x = testing_toy::separable(200, k, 1);
    Params p;
    p.set("linear.C", "10");
    LinearModel m(p.linear(), {.seed = 0, .threads = 2});
    m.fit(x, k);
    auto test = testing_toy::separable(60, k, 2);
    Predictions pr = m.predict_proba(test);
    ASSERT_EQ(pr.classes, k);
    for (size_t r = 0; r < pr.rows(); ++r) {
      EXPECT_EQ(argmax(pr.row(r)), test.labels[r]) << "k=" << k << " row " << r;
      double sum = 0;
      for (double v : pr.row(r)) sum += v;
      EXPECT_NEAR(sum, 1, 1e-9);
    }
    EXPECT_LT(logloss(test.labels, pr), 0.3) << "k=" << k;
  }
}

TEST(LinearModel, SaveLoadGivesIdenticalPredictions) {
  auto x = testing_toy::separable(120, 3, 3);
  Params p;
  p.set("linear.solver", "lr");
  LinearModel m(p.linear(), {.seed = 0, .threads = 1});
  m.fit(x, 3);
  LinearModel back(LinearConfig{}, {.seed = 0, .threads = 2});
  load_bytes(back, to_bytes(m));
  EXPECT_EQ(m.predict_proba(x).prob, back.predict_proba(x).prob);
  EXPECT_EQ(to_bytes(back), to_bytes(m));
}

// The dual solver shuffles with rand(): a fit depends on its seed alone, not on who else drew
// from rand() before it or beside it.
TEST(LinearModel, TheDualSolverDependsOnTheSeedAloneBesideOtherFits) {
  auto x = testing_toy::separable(300, 4, 11);
  auto fit = [&](uint64_t seed) {
    LinearModel m(LinearConfig{}, {.seed = seed, .threads = 1});
    m.fit(x, 4);
    return to_bytes(m);
  };
  ASSERT_EQ(LinearConfig{}.solver, "lr_dual");
  const std::string first = fit(3);
  for (int i = 0; i < 7; ++i) (void)std::rand();  // draws between fits change nothing
  EXPECT_EQ(fit(3), first);
  EXPECT_NE(fit(4), first);  // the seed decides the order the dual visits the rows in
  std::vector<std::string> side(4);
  parallel_for(side.size(), 2, [&](size_t i, int) { side[i] = fit(i % 2 ? 3 : 4); });
  EXPECT_EQ(side[1], first);
  EXPECT_EQ(side[3], first);
  EXPECT_EQ(side[0], side[2]);
}

TEST(LinearModel, ClassMissingFromTrainingGetsNoMass) {
  auto x = testing_toy::separable(90, 3, 4);
  LinearModel m(LinearConfig{}, {.seed = 0, .threads = 1});
  m.fit(x, 5);  // classes 3 and 4 never seen
  Predictions p = m.predict_proba(x);
  EXPECT_EQ(p.classes, 5);
  EXPECT_EQ(p.row(0)[4], 0.0);
}

TEST(LinearModel, ErrorsAreNamed) {
  LinearModel m(LinearConfig{}, {.seed = 0, .threads = 1});
  try {
    load_bytes(m, "MSLIN\x01\0\0\0");
    ADD_FAILURE() << "loaded a truncated model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("linear model is corrupt"), std::string::npos) << e.what();
  }
  EXPECT_THROW(m.predict_proba(testing_toy::separable(4, 2, 0)), Error);
  auto one = testing_toy::separable(10, 1, 0);
  EXPECT_THROW(m.fit(one, 2), Error);
}

TEST(ModelFactory, CreatesByName) {
  for (const std::string& n : model_names()) EXPECT_EQ(make_model(n, Params{}, {})->name(), n);
  EXPECT_THROW(make_model("forest", Params{}, {}), UsageError);
}

}  // namespace
}  // namespace malscope
