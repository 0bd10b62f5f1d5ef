#include "models/linear_model.h"

#include <fmt/format.h>
#include <linear.h>
#include <cmath>
#include <memory>
#include <mutex>

#include "models/model.h"
#include "util/error.h"
#include "util/thread_pool.h"

// liblinear's dual solver shuffles its rows with rand(): one state for the whole process, so
// fits side by side (CV folds) would draw from each other's sequence and their results would
// hang on thread timing. This definition of rand() interposes on libc's for liblinear too; each
// thread draws from its own state, which every fit seeds (LinearSeed below).
namespace {
thread_local uint64_t t_rand_state = 1;
}  // namespace

extern "C" int rand() noexcept {
  t_rand_state = t_rand_state * 6364136223846793005ULL + 1442695040888963407ULL;  // PCG's LCG
  return int(t_rand_state >> 33);  // 31 bits: 0 .. RAND_MAX
}

namespace malscope {
namespace {

/// Seeds this thread's rand() for one liblinear fit; the state before is put back after.
class LinearSeed {
 public:
  explicit LinearSeed(uint64_t seed) : saved_(t_rand_state) { t_rand_state = seed; }
  ~LinearSeed() { t_rand_state = saved_; }
  LinearSeed(const LinearSeed&) = delete;
  LinearSeed& operator=(const LinearSeed&) = delete;

 private:
  uint64_t saved_;
};

constexpr std::string_view kMagic = "MSLIN";
constexpr uint32_t kVersion = 1;
constexpr double kBias = 1.0;

void quiet_liblinear() {
  static std::once_flag once;
  std::call_once(once, [] { set_print_string_function([](const char*) {}); });
}

std::vector<float> max_abs_scale(const FeatureMatrix& x, bool enabled) {
  std::vector<float> s(x.cols(), 1.0f);
  if (!enabled) return s;
  std::vector<float> m(x.cols(), 0.0f);
  for (size_t i = 0; i < x.nnz(); ++i)
    m[x.indices[i]] = std::max(m[x.indices[i]], std::abs(x.values[i]));
  for (size_t c = 0; c < s.size(); ++c) s[c] = m[c] > 0 ? 1.0f / m[c] : 1.0f;
  return s;
}

struct ModelDeleter {
  void operator()(model* m) const { free_and_destroy_model(&m); }
};

}  // namespace

LinearModel::LinearModel(const LinearConfig& cfg, const ModelContext& ctx) : cfg_(cfg), ctx_(ctx) {
  quiet_liblinear();
}

FitReport LinearModel::fit(const FeatureMatrix& x, int classes) {
  if (x.rows() == 0) throw Error("linear: no training rows");
  classes_ = classes;
  cols_ = static_cast<uint32_t>(x.cols());
  scale_ = max_abs_scale(x, cfg_.scale);
  // liblinear wants 1-based indices, a bias node (index cols+1) and a {-1, 0} end per row.
  std::vector<feature_node> nodes;
  nodes.reserve(x.nnz() + 2 * x.rows());
  std::vector<size_t> start;
  std::vector<double> y;
  ClassSample cap = cap_per_class(x.labels, classes, cfg_.class_cap, ctx_.seed ^ 0xca9ULL);
  std::vector<uint8_t> kept(cap.capped ? x.rows() : 0, 0);
  for (uint32_t r : cap.rows) kept[r] = 1;
  for (size_t r = 0; r < x.rows(); ++r) {
    if (cap.capped && !kept[r]) continue;
    start.push_back(nodes.size());
    for (uint64_t i = x.indptr[r]; i < x.indptr[r + 1]; ++i)
      if (x.values[i] != 0)
        nodes.push_back({int(x.indices[i]) + 1, double(x.values[i]) * scale_[x.indices[i]]});
    nodes.push_back({int(cols_) + 1, kBias});
    nodes.push_back({-1, 0});
    y.push_back(x.labels[r]);
  }
  std::vector<feature_node*> rows(start.size());
  for (size_t r = 0; r < start.size(); ++r) rows[r] = nodes.data() + start[r];
  problem prob{};
  prob.l = int(start.size());
  prob.n = int(cols_) + 1;
  prob.y = y.data();
  prob.x = rows.data();
  prob.bias = kBias;

  auto cw = class_weights(x.labels, classes, cfg_.class_weight);
  std::vector<int> weight_label(classes);
  std::vector<double> weight(classes);
  for (int c = 0; c < classes; ++c) {
    weight_label[c] = c;
    weight[c] = cw[c] * cap.factor[c];
  }
  parameter param{};
  solver_ = cfg_.solver == "lr_dual" ? L2R_LR_DUAL : L2R_LR;
  param.solver_type = solver_;
  param.C = cfg_.C;
  param.eps = cfg_.eps;
  param.nr_weight = classes;
  param.weight_label = weight_label.data();
  param.weight = weight.data();
  if (const char* err = check_parameter(&prob, &param))
    throw Error(fmt::format("liblinear: {}", err));
  std::unique_ptr<model, ModelDeleter> m;
  {
    const LinearSeed seeded(ctx_.seed ^ 0x11b1ea5ULL);
    m.reset(::train(&prob, &param));
  }
  if (!m) throw Error("liblinear: train returned no model");
  if (m->nr_class < 2) throw Error("linear: the training rows hold only one class");
  label_.assign(m->label, m->label + m->nr_class);
  const size_t nr_w = m->nr_class == 2 ? 1 : size_t(m->nr_class);
  w_.assign(m->w, m->w + (size_t(cols_) + 1) * nr_w);
  FitReport report;
  report.rows = y.size();
  return report;
}

Predictions LinearModel::predict_proba(const FeatureMatrix& x) const {
  if (label_.empty()) throw Error("linear: predict before fit or load");
  Predictions p = Predictions::zeros(x.rows(), classes_);
  const size_t nr = label_.size(), nr_w = nr == 2 ? 1 : nr;
  parallel_for(x.rows(), ctx_.threads, [&](size_t r, int) {
    std::vector<double> dec(nr_w);
    for (size_t j = 0; j < nr_w; ++j) dec[j] = w_[size_t(cols_) * nr_w + j] * kBias;
    for (uint64_t i = x.indptr[r]; i < x.indptr[r + 1]; ++i) {
      uint32_t c = x.indices[i];
      if (c >= cols_) continue;
      double v = double(x.values[i]) * scale_[c];
      for (size_t j = 0; j < nr_w; ++j) dec[j] += w_[size_t(c) * nr_w + j] * v;
    }
    auto row = p.row(r);
    if (nr == 2) {
      double p0 = 1 / (1 + std::exp(-dec[0]));
      row[label_[0]] = p0;
      row[label_[1]] = 1 - p0;
      return;
    }
    double sum = 0;
    for (size_t j = 0; j < nr; ++j) sum += row[label_[j]] = 1 / (1 + std::exp(-dec[j]));
    for (size_t j = 0; j < nr; ++j) row[label_[j]] /= sum;
  });
  return p;
}

std::vector<float> LinearModel::contributions(const FeatureMatrix& x) const {
  if (label_.empty()) throw Error("linear: contributions before fit or load");
  const size_t nr = label_.size(), nr_w = nr == 2 ? 1 : nr, width = size_t(cols_) + 1;
  std::vector<float> out(x.rows() * size_t(classes_) * width, 0.0f);
  // Two classes: liblinear keeps one weight vector, + toward label_[0], - toward label_[1].
  auto add = [&](size_t r, size_t col, size_t j, double v) {
    float* row = out.data() + r * size_t(classes_) * width;
    if (nr == 2) {
      row[size_t(label_[0]) * width + col] += float(v);
      row[size_t(label_[1]) * width + col] -= float(v);
    } else {
      row[size_t(label_[j]) * width + col] += float(v);
    }
  };
  for (size_t r = 0; r < x.rows(); ++r) {
    for (size_t j = 0; j < nr_w; ++j) add(r, cols_, j, w_[size_t(cols_) * nr_w + j] * kBias);
    for (uint64_t i = x.indptr[r]; i < x.indptr[r + 1]; ++i) {
      uint32_t c = x.indices[i];
      if (c >= cols_) continue;
      double v = double(x.values[i]) * scale_[c];
      for (size_t j = 0; j < nr_w; ++j) add(r, c, j, w_[size_t(c) * nr_w + j] * v);
    }
  }
  return out;
}

void LinearModel::save(ByteWriter& w) const {
  if (label_.empty()) throw Error("linear: save before fit");
  w.put_raw(kMagic);
  w.put<uint32_t>(kVersion);
  w.put<int32_t>(classes_);
  w.put<uint32_t>(cols_);
  w.put<int32_t>(solver_);
  w.put_vector(label_);
  w.put_vector(scale_);
  w.put_vector(w_);
}

void LinearModel::load(ByteReader& r) {
  r.expect_raw(kMagic, "a linear model saved by malscope");
  if (uint32_t v = r.get<uint32_t>(); v != kVersion)
    r.fail(fmt::format("version {}, expected {}", v, kVersion));
  int classes = r.get<int32_t>();
  uint32_t cols = r.get<uint32_t>();
  int solver = r.get<int32_t>();
  auto label = r.get_vector<int32_t>();
  auto scale = r.get_vector<float>();
  auto w = r.get_vector<double>();
  const size_t nr_w = label.size() == 2 ? 1 : label.size();
  if (classes < 2 || label.size() < 2 || scale.size() != cols || w.size() != (cols + 1) * nr_w)
    r.fail("its sizes do not agree");
  for (int32_t l : label)
    if (l < 0 || l >= classes) r.fail(fmt::format("class {} outside 0..{}", l, classes - 1));
  classes_ = classes;
  cols_ = cols;
  solver_ = solver;
  label_ = std::move(label);
  scale_ = std::move(scale);
  w_ = std::move(w);
}

}  // namespace malscope
