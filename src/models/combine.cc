#include "models/combine.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>

#include "util/error.h"

namespace malscope {
namespace {

// Softmax of z in place (z becomes probabilities); returns log-sum-exp of the input.
double softmax(std::span<double> z) {
  const double top = *std::max_element(z.begin(), z.end());
  double sum = 0;
  for (double& v : z) {
    v = std::exp(v - top);
    sum += v;
  }
  for (double& v : z) v /= sum;
  return top + std::log(sum);
}

double safe_log(double p) {
  return std::log(std::clamp(std::isfinite(p) ? p : 0.0, kProbEps, 1.0));
}

// The stacker's inputs: per row, the log-probability of every model and class.
struct StackInputs {
  size_t rows = 0;
  int dims = 0;
  std::vector<double> x;  // rows x dims
  StackInputs(std::span<const Predictions> preds, int classes) {
    rows = preds.empty() ? 0 : preds[0].rows();
    dims = int(preds.size()) * classes;
    x.resize(rows * size_t(dims));
    for (size_t m = 0; m < preds.size(); ++m) {
      if (preds[m].classes != classes || preds[m].rows() != rows)
        throw Error("stacker: models predicted tables of different shapes");
      for (size_t i = 0; i < rows; ++i)
        for (int k = 0; k < classes; ++k)
          x[i * dims + m * classes + k] = safe_log(preds[m].row(i)[k]);
    }
  }
  std::span<const double> row(size_t i) const { return {x.data() + i * dims, size_t(dims)}; }
};

// z = W x + b for one row; coef rows are (dims weights, bias).
void scores(const std::vector<double>& coef, int classes, std::span<const double> x,
            std::span<double> z) {
  const size_t stride = x.size() + 1;
  for (int c = 0; c < classes; ++c) {
    const double* w = coef.data() + c * stride;
    double s = w[x.size()];
    for (size_t j = 0; j < x.size(); ++j) s += w[j] * x[j];
    z[c] = s;
  }
}

// The weighted geometric mean of the models as coefficients: z_c = sum_m v_m log p_m(c).
std::vector<double> geometric_mean_coef(int classes, int models, std::span<const double> v) {
  const size_t stride = size_t(models) * classes + 1;
  std::vector<double> coef(classes * stride, 0.0);
  for (int c = 0; c < classes; ++c)
    for (int m = 0; m < models; ++m)
      coef[c * stride + m * classes + c] = v.empty() ? 1.0 / models : v[m];
  return coef;
}

// Penalised mean logloss of the stacker and its gradient.
struct StackObjective {
  const StackInputs& in;
  std::span<const int32_t> labels;
  int classes;
  double l2;
  const std::vector<double>& prior;

  double operator()(const std::vector<double>& coef, std::vector<double>& grad) const {
    const size_t stride = size_t(in.dims) + 1;
    std::fill(grad.begin(), grad.end(), 0.0);
    std::vector<double> z(classes);
    double loss = 0;
    for (size_t i = 0; i < in.rows; ++i) {
      auto x = in.row(i);
      scores(coef, classes, x, z);
      const double y_score = z[labels[i]];
      loss += softmax(z) - y_score;
      z[labels[i]] -= 1;  // d loss / d z_c
      for (int c = 0; c < classes; ++c) {
        double* g = grad.data() + c * stride;
        for (size_t j = 0; j < x.size(); ++j) g[j] += z[c] * x[j];
        g[x.size()] += z[c];
      }
    }
    const double n = double(in.rows);
    loss /= n;
    for (double& g : grad) g /= n;
    for (int c = 0; c < classes; ++c)
      for (size_t j = 0; j + 1 < stride; ++j) {
        const size_t k = c * stride + j;
        const double d = coef[k] - prior[k];
        loss += 0.5 * l2 * d * d;
        grad[k] += l2 * d;
      }
    return loss;
  }
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

// Limited-memory BFGS with a backtracking (Armijo) line search, from `x`.
template <class F>
void minimize_lbfgs(const F& f, std::vector<double>& x, int max_iter) {
  constexpr size_t kHistory = 8;
  const size_t n = x.size();
  std::vector<double> g(n), g_new(n), x_new(n), d(n);
  double fx = f(x, g);
  std::deque<std::vector<double>> s_hist, y_hist;
  for (int it = 0; it < max_iter; ++it) {
    // Two-loop recursion: d = -H g.
    d = g;
    std::vector<double> alpha(s_hist.size());
    for (size_t k = s_hist.size(); k-- > 0;) {
      alpha[k] = dot(s_hist[k], d) / dot(y_hist[k], s_hist[k]);
      for (size_t j = 0; j < n; ++j) d[j] -= alpha[k] * y_hist[k][j];
    }
    if (!s_hist.empty()) {
      const double gamma = dot(s_hist.back(), y_hist.back()) / dot(y_hist.back(), y_hist.back());
      for (double& v : d) v *= gamma;
    } else {
      const double norm = std::sqrt(dot(g, g));
      if (norm == 0) return;
      for (double& v : d) v /= std::max(1.0, norm);
    }
    for (size_t k = 0; k < s_hist.size(); ++k) {
      const double beta = dot(y_hist[k], d) / dot(y_hist[k], s_hist[k]);
      for (size_t j = 0; j < n; ++j) d[j] += s_hist[k][j] * (alpha[k] - beta);
    }
    for (double& v : d) v = -v;
    double slope = dot(g, d);
    if (slope >= 0) {  // not a descent direction: restart from steepest descent
      s_hist.clear();
      y_hist.clear();
      d = g;
      for (double& v : d) v = -v;
      slope = dot(g, d);
    }
    double step = 1, f_new = 0;
    bool moved = false;
    for (int ls = 0; ls < 40; ++ls, step *= 0.5) {
      for (size_t j = 0; j < n; ++j) x_new[j] = x[j] + step * d[j];
      f_new = f(x_new, g_new);
      if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * slope) {
        moved = true;
        break;
      }
    }
    if (!moved) return;
    std::vector<double> s(n), y(n);
    for (size_t j = 0; j < n; ++j) {
      s[j] = x_new[j] - x[j];
      y[j] = g_new[j] - g[j];
    }
    const bool done = fx - f_new < 1e-10 * std::max(1.0, std::abs(fx));
    x.swap(x_new);
    g.swap(g_new);
    fx = f_new;
    if (done) return;
    if (dot(s, y) > 1e-12) {
      s_hist.push_back(std::move(s));
      y_hist.push_back(std::move(y));
      if (s_hist.size() > kHistory) {
        s_hist.pop_front();
        y_hist.pop_front();
      }
    }
  }
}

}  // namespace

void apply_temperature(Predictions& p, double t) {
  if (t == 1) return;
  for (size_t r = 0; r < p.rows(); ++r) {
    auto row = p.row(r);
    for (double& v : row) v = safe_log(v) / t;
    softmax(row);
  }
}

double fit_temperature(const Predictions& p, std::span<const int32_t> labels) {
  // Over b = 1/t: the logloss of softmax(b log p) is convex in b.
  auto loss = [&](double b) {
    Predictions q = p;
    apply_temperature(q, 1 / b);
    return logloss(labels, q);
  };
  double lo = 0.05, hi = 20;
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
  double fa = loss(a), fb = loss(b);
  for (int it = 0; it < 60 && hi - lo > 1e-4; ++it) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = loss(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = loss(b);
    }
  }
  const double best = (lo + hi) / 2;
  // Keep 1 when scaling gains nothing measurable (a perfectly calibrated blend keeps its bytes).
  return loss(best) < loss(1) - 1e-9 ? 1 / best : 1;
}

void Stacker::check(const char* what) const {
  if (classes < 2 || models < 1 || coef.size() != size_t(classes) * (size_t(models) * classes + 1))
    throw Error(fmt::format("{}: a stacker of {} coefficients for {} models of {} classes", what,
                            coef.size(), models, classes));
}

Predictions Stacker::predict(std::span<const Predictions> preds) const {
  if (int(preds.size()) != models)
    throw Error(fmt::format("stacker of {} models given {}", models, preds.size()));
  StackInputs in(preds, classes);
  Predictions out = Predictions::zeros(in.rows, classes);
  for (size_t i = 0; i < in.rows; ++i) {
    scores(coef, classes, in.row(i), out.row(i));
    softmax(out.row(i));
  }
  return out;
}

Stacker Stacker::fit(std::span<const Predictions> oof, std::span<const int32_t> labels, double l2,
                     std::span<const double> prior_weights) {
  if (oof.empty()) throw Error("stacker: no models");
  Stacker s;
  s.classes = oof[0].classes;
  s.models = int(oof.size());
  StackInputs in(oof, s.classes);
  if (labels.size() != in.rows) throw Error("stacker: labels do not match the predictions");
  for (int32_t y : labels)
    if (y < 0 || y >= s.classes) throw Error(fmt::format("stacker: label {} out of range", y));
  if (!prior_weights.empty() && prior_weights.size() != oof.size())
    throw Error("stacker: prior weights do not match the models");
  const std::vector<double> prior = geometric_mean_coef(s.classes, s.models, prior_weights);
  s.coef = prior;
  StackObjective f{in, labels, s.classes, l2, prior};
  minimize_lbfgs(f, s.coef, 200);
  return s;
}

}  // namespace malscope
