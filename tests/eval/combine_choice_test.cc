#include "eval/combine_choice.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/bundle.h"
#include "util/error.h"
#include "util/random.h"

namespace malscope {
namespace {

// Two models' out-of-fold predictions of 3 classes for `rows` files in 5 folds: each model's
// guess is right 70% of the time, and both state it with probability `sure`.
struct Oof {
  std::vector<Predictions> p;
  std::vector<int32_t> labels;
  std::vector<uint32_t> fold;
  Oof(size_t rows, double sure, uint64_t seed) {
    Rng rng(seed);
    p.assign(2, Predictions::zeros(rows, 3));
    for (size_t i = 0; i < rows; ++i) {
      labels.push_back(int32_t(i % 3));
      fold.push_back(uint32_t(i % 5));
      for (Predictions& m : p) {
        const int guess = rng.uniform() < 0.7 ? labels.back() : int(rng.uniform() * 3);
        for (int c = 0; c < 3; ++c) m.row(i)[c] = c == guess ? sure : (1 - sure) / 2;
      }
    }
  }
};

TEST(CombineChoice, BlendIsWhatMalscopeAlwaysDid) {
  Oof o(300, 0.99, 1);
  BlendConfig cfg;
  cfg.combine = "blend";
  CombineChoice c = choose_combiner(o.p, o.labels, o.fold, cfg);
  EXPECT_EQ(c.kind, "blend");
  EXPECT_EQ(c.weights, choose_blend_weights(o.p, o.labels, cfg.step));
  Predictions want = blend(o.p, c.weights);
  apply_floor(want, cfg.floor);
  EXPECT_EQ(c.oof.prob, want.prob);
  EXPECT_TRUE(std::isnan(c.stack_logloss));
  EXPECT_EQ(c.temperature, 1);
}

TEST(CombineChoice, AutoCalibratesOverConfidentModelsOnNestedFolds) {
  Oof o(600, 0.99, 2);  // 70% right, claiming 99%: far too sure
  BlendConfig cfg;
  CombineChoice c = choose_combiner(o.p, o.labels, o.fold, cfg);
  EXPECT_NE(c.kind, "blend") << c.why();
  EXPECT_LT(std::min(c.temperature_logloss, c.stack_logloss), c.blend_logloss - 0.02) << c.why();
  EXPECT_NEAR(logloss(o.labels, c.oof), std::min(c.temperature_logloss, c.stack_logloss), 1e-9);
  if (c.kind == "temperature") {
    EXPECT_GT(c.temperature, 1.2);
  } else {
    EXPECT_FALSE(c.stack.empty());
  }
  EXPECT_NE(c.why().find("nested out-of-fold logloss"), std::string::npos);

  cfg.combine = "temperature";
  CombineChoice t = choose_combiner(o.p, o.labels, o.fold, cfg);
  EXPECT_EQ(t.kind, "temperature");
  EXPECT_GT(t.temperature, 1.2);
  EXPECT_TRUE(std::isnan(t.stack_logloss));
  // The JSON record reads back.
  CombineChoice back = combine_from_json(combine_json(t), 2, 3, "cv.json");
  EXPECT_EQ(back.kind, "temperature");
  EXPECT_EQ(back.temperature, t.temperature);

  cfg.combine = "stack";
  CombineChoice s = choose_combiner(o.p, o.labels, o.fold, cfg);
  EXPECT_EQ(s.kind, "stack");
  back = combine_from_json(combine_json(s), 2, 3, "cv.json");
  EXPECT_EQ(back.stack.coef, s.stack.coef);
  EXPECT_THROW(combine_from_json(combine_json(s), 3, 3, "cv.json"), Error);  // other models
}

TEST(CombineChoice, MalformedJsonNamesTheFile) {
  nlohmann::json j = {{"kind", "magic"}, {"temperature", 1}};
  try {
    combine_from_json(j, 2, 3, "cv.json");
    ADD_FAILURE() << "read an unknown kind";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'cv.json': combine.kind is 'magic'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(combine_from_json({{"kind", "blend"}, {"temperature", -1}}, 2, 3, "c"), Error);
  EXPECT_THROW(combine_from_json({{"kind", "stack"}, {"temperature", 1}}, 2, 3, "c"), Error);
  EXPECT_THROW(combine_from_json(nlohmann::json::array(), 2, 3, "c"), Error);
}

}  // namespace
}  // namespace malscope
