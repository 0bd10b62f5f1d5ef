#include "models/combine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "util/error.h"
#include "util/random.h"

namespace malscope {
namespace {

// Rows whose true class probabilities are softmax(s * onehot(y') ) for a random y' (which is the
// label with probability that softmax gives), reported at temperature `shown`: a model that is
// over-confident (shown < 1) or under-confident (shown > 1) by a known factor.
struct Miscalibrated {
  Predictions p;
  std::vector<int32_t> labels;
  Miscalibrated(size_t rows, int classes, double shown, uint64_t seed) {
    Rng rng(seed);
    p = Predictions::zeros(rows, classes);
    for (size_t i = 0; i < rows; ++i) {
      const int guess = int(rng.uniform() * classes);
      const double s = 1 + 3 * rng.uniform();
      std::vector<double> truth(classes);
      double sum = 0;
      for (int c = 0; c < classes; ++c) sum += truth[c] = std::exp(c == guess ? s : 0);
      double u = rng.uniform() * sum, acc = 0;
      int y = classes - 1;
      for (int c = 0; c < classes; ++c)
        if ((acc += truth[c]) >= u) {
          y = c;
          break;
        }
      labels.push_back(y);
      double z = 0;
      for (int c = 0; c < classes; ++c) z += p.row(i)[c] = std::exp((c == guess ? s : 0) / shown);
      for (int c = 0; c < classes; ++c) p.row(i)[c] /= z;
    }
  }
};

TEST(Temperature, ApplyingOneChangesNothingAndRowsStayDistributions) {
  Miscalibrated m(50, 4, 0.5, 1);
  Predictions q = m.p;
  apply_temperature(q, 1);
  EXPECT_EQ(q.prob, m.p.prob);
  apply_temperature(q, 2);
  for (size_t i = 0; i < q.rows(); ++i) {
    double sum = 0;
    for (double v : q.row(i)) sum += v;
    EXPECT_NEAR(sum, 1, 1e-12);
    // Softening lowers the top probability.
    EXPECT_LT(q.row(i)[argmax(q.row(i))], m.p.row(i)[argmax(m.p.row(i))] + 1e-12);
  }
}

TEST(Temperature, FitRecoversHowMiscalibratedTheModelIs) {
  // Shown at temperature 0.5 (too sure): scaling by 2 restores the truth.
  Miscalibrated sure(20000, 5, 0.5, 2);
  EXPECT_NEAR(fit_temperature(sure.p, sure.labels), 2.0, 0.15);
  Miscalibrated timid(20000, 5, 2.0, 3);
  EXPECT_NEAR(fit_temperature(timid.p, timid.labels), 0.5, 0.05);
  Predictions q = sure.p;
  apply_temperature(q, fit_temperature(sure.p, sure.labels));
  EXPECT_LT(logloss(sure.labels, q), logloss(sure.labels, sure.p) - 0.05);
}

TEST(Stacker, StartsAtTheGeometricMeanAndLearnsToTrustTheBetterModel) {
  // Model 0 is informative (shown calibrated), model 1 is noise.
  Miscalibrated good(4000, 3, 1.0, 4);
  Predictions noise = Predictions::zeros(good.p.rows(), 3);
  Rng rng(5);
  for (double& v : noise.prob) v = 0.1 + rng.uniform();
  for (size_t i = 0; i < noise.rows(); ++i) clip_normalize(noise.row(i));
  const std::vector<Predictions> both = {good.p, noise};
  // A huge penalty keeps the geometric mean.
  Stacker rigid = Stacker::fit(both, good.labels, 1e6);
  rigid.check("rigid");
  const Predictions pr = rigid.predict(both);
  for (size_t i = 0; i < 10; ++i) {
    std::vector<double> g(3);
    double z = 0;
    for (int c = 0; c < 3; ++c)
      z += g[c] = std::sqrt(std::max(good.p.row(i)[c], 1e-6) * std::max(noise.row(i)[c], 1e-6));
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(pr.row(i)[c], g[c] / z, 1e-3);
  }
  Stacker s = Stacker::fit(both, good.labels, 1e-3);
  const double stacked = logloss(good.labels, s.predict(both));
  EXPECT_LT(stacked, logloss(good.labels, pr) - 0.01);
  EXPECT_LT(stacked, logloss(good.labels, good.p) + 0.01);
  // Deterministic: the same inputs give the same coefficients.
  EXPECT_EQ(Stacker::fit(both, good.labels, 1e-3).coef, s.coef);
  EXPECT_THROW(s.predict(std::vector<Predictions>{good.p}), Error);
  Stacker bad = s;
  bad.coef.pop_back();
  EXPECT_THROW(bad.check("bad"), Error);
}

}  // namespace
}  // namespace malscope
