// A model's contributions add up to what it predicts: XGBoost's TreeSHAP values plus the bias are
// each class's raw score (softmax gives predict_proba), the linear model's are its one-vs-rest
// log-odds (normalised sigmoids give predict_proba); and the feature a class lights is the one
// that pushes toward it most.
#include "models/explain.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/linear_model.h"
#include "models/toy_data.h"
#include "models/xgb_model.h"

namespace malscope {
namespace {

// Sum of row r's contributions to class k (features and bias).
double margin(const std::vector<float>& c, size_t r, int k, int classes, size_t width) {
  double s = 0;
  const float* p = c.data() + (r * size_t(classes) + size_t(k)) * width;
  for (size_t i = 0; i < width; ++i) s += p[i];
  return s;
}

// The column with the largest contribution to class k in row r.
size_t top_column(const std::vector<float>& c, size_t r, int k, int classes, size_t width) {
  const float* p = c.data() + (r * size_t(classes) + size_t(k)) * width;
  size_t best = 0;
  for (size_t i = 1; i + 1 < width; ++i)
    if (p[i] > p[best]) best = i;
  return best;
}

TEST(Explain, XgbContributionsAddUpToItsProbabilities) {
  const int K = 4;
  auto x = testing_toy::separable(300, K, 1);
  Params params;
  params.set("xgb.rounds", "40");
  params.set("xgb.early_stop", "10");
  XgbModel m(params.xgb(), {.seed = 1, .threads = 2});
  m.fit(x, K);
  auto test = testing_toy::separable(40, K, 2);
  Predictions p = m.predict_proba(test);
  std::vector<float> c = model_contributions(m, test);
  const size_t width = test.cols() + 1;
  ASSERT_EQ(c.size(), test.rows() * K * width);
  size_t lit = 0;
  for (size_t r = 0; r < test.rows(); ++r) {
    double z[K], sum = 0;
    for (int k = 0; k < K; ++k) sum += z[k] = std::exp(margin(c, r, k, K, width));
    for (int k = 0; k < K; ++k) EXPECT_NEAR(z[k] / sum, p.row(r)[k], 1e-4) << r << " " << k;
    lit += top_column(c, r, test.labels[r], K, width) == size_t(test.labels[r]);
  }
  // The trees also split on the noise columns: the class's own column leads in most rows.
  EXPECT_GE(lit, test.rows() * 9 / 10);
}

TEST(Explain, LinearContributionsAreItsLogOdds) {
  for (const int K : {2, 3}) {
    auto x = testing_toy::separable(200, K, 3);
    LinearModel m(LinearConfig{}, {.seed = 0, .threads = 1});
    m.fit(x, K);
    auto test = testing_toy::separable(30, K, 4);
    Predictions p = m.predict_proba(test);
    std::vector<float> c = model_contributions(m, test);
    const size_t width = test.cols() + 1;
    ASSERT_EQ(c.size(), test.rows() * K * width);
    for (size_t r = 0; r < test.rows(); ++r) {
      std::vector<double> q(K);
      double sum = 0;
      for (int k = 0; k < K; ++k) sum += q[k] = 1 / (1 + std::exp(-margin(c, r, k, K, width)));
      // Two classes: one weight vector, so the two log-odds are opposite and the sigmoids sum to 1.
      for (int k = 0; k < K; ++k) EXPECT_NEAR(q[k] / sum, p.row(r)[k], 1e-5) << K << " " << r;
      EXPECT_EQ(top_column(c, r, test.labels[r], K, width), size_t(test.labels[r]));
    }
  }
}

}  // namespace
}  // namespace malscope
