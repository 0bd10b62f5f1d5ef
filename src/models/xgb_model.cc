#include "models/xgb_model.h"

#include <fmt/format.h>
#include <xgboost/c_api.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>

#include "models/sampling.h"
#include "util/error.h"

namespace malscope {
namespace {

constexpr std::string_view kMagic = "MSXGB";
// Version 1 held one booster; version 2 holds xgb.bags of them (version 1 still loads).
constexpr uint32_t kVersion = 2;

// OpenMP threads for a fit on `rows` rows: on small data the hand-offs between threads cost more
// than they save (MalbehavD's 1,653 files: train 2.1 s on one thread, 3.9 s on two), so one thread
// per 2,000 rows, at least one, at most `threads`. Trees do not depend on the count.
int fit_threads(size_t rows, int threads) {
  return std::clamp(int(rows / 2000), 1, std::max(threads, 1));
}

void check(int rc, const char* call) {
  if (rc != 0) throw Error(fmt::format("XGBoost {} failed: {}", call, XGBGetLastError()));
}

void quiet_xgboost() {
  static std::once_flag once;
  std::call_once(once,
                 [] { check(XGBSetGlobalConfig(R"({"verbosity":0})"), "XGBSetGlobalConfig"); });
}

/// Owns a DMatrixHandle.
struct DMatrix {
  DMatrixHandle h = nullptr;
  DMatrix() = default;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix() {
    if (h) XGDMatrixFree(h);
  }
};

/// Owns a BoosterHandle until released.
struct Booster {
  BoosterHandle h = nullptr;
  Booster() = default;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster() {
    if (h) XGBoosterFree(h);
  }
  BoosterHandle release() { return std::exchange(h, nullptr); }
};

void make_dmatrix(const FeatureMatrix& x, uint32_t cols, DMatrix& out) {
  static_assert(sizeof(size_t) == sizeof(uint64_t) && sizeof(unsigned) == sizeof(uint32_t));
  check(XGDMatrixCreateFromCSREx(reinterpret_cast<const size_t*>(x.indptr.data()), x.indices.data(),
                                 x.values.data(), x.indptr.size(), x.nnz(), cols, &out.h),
        "XGDMatrixCreateFromCSREx");
}

void set_float_info(const DMatrix& m, const char* field, const std::vector<float>& v) {
  check(XGDMatrixSetFloatInfo(m.h, field, v.data(), v.size()), "XGDMatrixSetFloatInfo");
}

void slice(const DMatrix& m, const std::vector<uint32_t>& rows, DMatrix& out) {
  std::vector<int> idx(rows.begin(), rows.end());
  check(XGDMatrixSliceDMatrixEx(m.h, idx.data(), idx.size(), &out.h, 0), "XGDMatrixSliceDMatrixEx");
}

void set_param(BoosterHandle b, const char* name, const std::string& value) {
  check(XGBoosterSetParam(b, name, value.c_str()), "XGBoosterSetParam");
}

// "[12]\tvalid-mlogloss:0.123456" -> 0.123456
double parse_eval(const char* s) {
  std::string_view v(s);
  size_t colon = v.rfind(':');
  double x = NAN;
  if (colon != std::string_view::npos)
    std::from_chars(v.data() + colon + 1, v.data() + v.size(), x);
  if (!std::isfinite(x)) throw Error(fmt::format("XGBoost evaluation gave '{}'", v));
  return x;
}

}  // namespace

XgbModel::XgbModel(const XgbConfig& cfg, const ModelContext& ctx) : cfg_(cfg), ctx_(ctx) {
  quiet_xgboost();
}

XgbModel::~XgbModel() {
  reset();
}

void XgbModel::reset() {
  for (void* b : boosters_) XGBoosterFree(b);
  boosters_.clear();
}

FitReport XgbModel::fit(const FeatureMatrix& full, int classes) {
  if (full.rows() == 0) throw Error("xgb: no training rows");
  reset();
  const int bags = cfg_.bags;
  FitReport total;
  double valid_sum = 0;
  int valid_n = 0;
  long rounds_sum = 0;
  for (int bag = 0; bag < bags; ++bag) {
    // Bag 0 keeps the model's own seed, so xgb.bags=1 is the single model it always was.
    const uint64_t seed = ctx_.seed + uint64_t(bag) * 0x9e3779b97f4a7c15ULL;
    void* booster = nullptr;
    FitReport r;
    try {
      r = fit_one(full, classes, seed, &booster);
    } catch (...) {
      reset();  // no half-fitted model (some bags, not all) is left behind
      throw;
    }
    boosters_.push_back(booster);
    rounds_sum += r.rounds;
    total.rows = r.rows;
    if (r.valid_logloss >= 0) {
      valid_sum += r.valid_logloss;
      ++valid_n;
    }
  }
  total.rounds = int(std::lround(double(rounds_sum) / bags));
  total.valid_logloss = valid_n ? valid_sum / valid_n : -1;
  return total;
}

FitReport XgbModel::fit_one(const FeatureMatrix& full, int classes, uint64_t seed, void** out) {
  Collective* col = ctx_.collective;
  // Distributed, each worker keeps its share of the cap; the weights below use the global counts.
  const int64_t cap_here = col && cfg_.class_cap > 0
                               ? (int64_t(cfg_.class_cap) + col->world() - 1) / col->world()
                               : int64_t(cfg_.class_cap);
  ClassSample cap = cap_per_class(full.labels, classes, cap_here, seed ^ 0xca9ULL);
  FeatureMatrix sampled;
  if (cap.capped) sampled = select_rows(full, cap.rows);
  const FeatureMatrix& x = cap.capped ? sampled : full;
  classes_ = classes;
  cols_ = static_cast<uint32_t>(x.cols());
  std::vector<float> cw, factor = cap.factor;
  double all_rows = double(x.rows());
  if (col) {
    std::vector<double> n(2 * classes, 0);  // per class: files, then files kept under the cap
    for (int32_t y : full.labels) n[y] += 1;
    for (int32_t y : x.labels) n[classes + y] += 1;
    col->sum(n);
    all_rows = 0;
    for (int c = 0; c < classes; ++c) {
      all_rows += n[classes + c];
      factor[c] = n[classes + c] > 0 ? float(n[c] / n[classes + c]) : 1.0f;
    }
    cw = class_weights_of_counts(std::span<const double>(n).subspan(classes), all_rows,
                                 cfg_.class_weight);
  } else {
    cw = class_weights(x.labels, classes, cfg_.class_weight);
  }
  DMatrix all;
  {
    CollectiveStep step(col, "building the training matrix");  // XGBoost agrees on num_col
    make_dmatrix(x, cols_, all);
  }
  std::vector<float> label(x.labels.begin(), x.labels.end());
  set_float_info(all, "label", label);
  std::vector<float> weight(x.rows());
  for (size_t i = 0; i < x.rows(); ++i)
    weight[i] = cw[x.labels[i]] * factor[x.labels[i]] * x.weight(i);
  set_float_info(all, "weight", weight);

  const int rounds = cfg_.rounds;
  const int patience = cfg_.early_stop;
  const double share = cfg_.valid_share;
  DMatrix train, valid;
  bool early = patience > 0 && share > 0 && all_rows >= 20;
  if (early) {
    auto [kept, held] = stratified_holdout(x.labels, share, seed ^ 0x5eedULL, x.keys);
    CollectiveStep step(col, "slicing the early-stopping holdout");
    slice(all, kept, train);
    slice(all, held, valid);
    // Score the logloss of the true class mix: no class weights, but a capped class's held-out
    // rows stand for n_c / cap files each, as in training.
    std::vector<float> held_weight;
    for (uint32_t r : held) held_weight.push_back(factor[x.labels[r]] * x.weight(r));
    set_float_info(valid, "weight", held_weight);
  }
  DMatrixHandle train_h = early ? train.h : all.h;
  Booster b;
  DMatrixHandle cache[2] = {train_h, valid.h};
  check(XGBoosterCreate(cache, early ? 2 : 1, &b.h), "XGBoosterCreate");
  const std::pair<const char*, std::string> settings[] = {
      {"objective", "multi:softprob"},
      {"num_class", std::to_string(classes)},
      {"tree_method", "hist"},
      {"eval_metric", "mlogloss"},
      // Each setting as its parameter's canonical text (numbers: the shortest round-trip decimal).
      {"eta", param_format(cfg_.eta)},
      {"max_depth", param_format(cfg_.max_depth)},
      {"grow_policy", cfg_.grow_policy},
      {"max_leaves", param_format(cfg_.max_leaves)},
      {"min_child_weight", param_format(cfg_.min_child_weight)},
      {"subsample", param_format(cfg_.subsample)},
      {"colsample_bytree", param_format(cfg_.colsample_bytree)},
      {"lambda", param_format(cfg_.lambda)},
      {"alpha", param_format(cfg_.alpha)},
      {"max_bin", param_format(cfg_.max_bin)},
      {"seed", std::to_string(seed % 2147483647)},
      {"nthread", std::to_string(fit_threads(x.rows(), ctx_.threads))},
      {"verbosity", "0"},
  };
  for (const auto& [k, v] : settings) set_param(b.h, k, v);

  FitReport report;
  report.rows = x.rows();
  int best = rounds - 1;
  for (int it = 0; it < rounds; ++it) {
    CollectiveStep step(col, col ? fmt::format("boosting round {}", it + 1) : std::string());
    check(XGBoosterUpdateOneIter(b.h, it, train_h), "XGBoosterUpdateOneIter");
    if (!early) continue;
    const char* names[1] = {"valid"};
    const char* out = nullptr;
    check(XGBoosterEvalOneIter(b.h, it, &valid.h, names, 1, &out), "XGBoosterEvalOneIter");
    std::string eval = out;
    // Every worker must stop at the same round, or the others wait forever: worker 0 decides.
    if (col) col->broadcast(eval, 0);
    double loss = parse_eval(eval.c_str());
    if (report.valid_logloss < 0 || loss < report.valid_logloss) {
      report.valid_logloss = loss;
      best = it;
    } else if (it - best >= patience) {
      break;
    }
  }
  report.rounds = best + 1;
  int done = 0;
  check(XGBoosterBoostedRounds(b.h, &done), "XGBoosterBoostedRounds");
  if (done > report.rounds) {
    Booster sliced;
    check(XGBoosterSlice(b.h, 0, report.rounds, 1, &sliced.h), "XGBoosterSlice");
    *out = sliced.release();
  } else {
    *out = b.release();
  }
  return report;
}

Predictions XgbModel::predict_proba(const FeatureMatrix& x) const {
  if (boosters_.empty()) throw Error("xgb: predict before fit or load");
  DMatrix m;
  make_dmatrix(x, cols_, m);
  Predictions p = Predictions::zeros(x.rows(), classes_);
  const float scale = 1.0f / float(boosters_.size());
  for (void* booster : boosters_) {
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    check(XGBoosterPredictFromDMatrix(booster, m.h,
                                      R"({"type":0,"training":false,"iteration_begin":0,)"
                                      R"("iteration_end":0,"strict_shape":true})",
                                      &shape, &dim, &out),
          "XGBoosterPredictFromDMatrix");
    if (dim != 2 || shape[0] != x.rows() || shape[1] != bst_ulong(classes_))
      throw Error(fmt::format("xgb: prediction has an unexpected shape for {} rows x {} classes",
                              x.rows(), classes_));
    for (size_t i = 0; i < p.prob.size(); ++i) p.prob[i] += out[i] * scale;  // exact for 1 bag
  }
  return p;
}

std::vector<float> XgbModel::contributions(const FeatureMatrix& x) const {
  if (boosters_.empty()) throw Error("xgb: contributions before fit or load");
  DMatrix m;
  make_dmatrix(x, cols_, m);
  const size_t width = size_t(cols_) + 1;
  std::vector<float> sum(x.rows() * size_t(classes_) * width, 0.0f);
  const float scale = 1.0f / float(boosters_.size());
  for (void* booster : boosters_) {
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    // type 2: exact TreeSHAP values per feature, the bias last; strict shape (rows, classes,
    // cols + 1) also for two classes.
    check(XGBoosterPredictFromDMatrix(booster, m.h,
                                      R"({"type":2,"training":false,"iteration_begin":0,)"
                                      R"("iteration_end":0,"strict_shape":true})",
                                      &shape, &dim, &out),
          "XGBoosterPredictFromDMatrix (contributions)");
    if (dim != 3 || shape[0] != x.rows() || shape[1] != bst_ulong(classes_) || shape[2] != width)
      throw Error(fmt::format(
          "xgb: contributions have an unexpected shape for {} rows x {} classes x {} columns",
          x.rows(), classes_, width));
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += out[i] * scale;
  }
  return sum;
}

void XgbModel::save(ByteWriter& w) const {
  if (boosters_.empty()) throw Error("xgb: save before fit");
  w.put_raw(kMagic);
  w.put<uint32_t>(kVersion);
  w.put<int32_t>(classes_);
  w.put<uint32_t>(cols_);
  w.put<uint32_t>(uint32_t(boosters_.size()));
  for (void* booster : boosters_) {
    bst_ulong len = 0;
    const char* buf = nullptr;
    check(XGBoosterSaveModelToBuffer(booster, R"({"format":"ubj"})", &len, &buf),
          "XGBoosterSaveModelToBuffer");
    w.put_bytes(std::string_view(buf, len));
  }
}

void XgbModel::load(ByteReader& r) {
  r.expect_raw(kMagic, "an XGBoost model saved by malscope");
  uint32_t version = r.get<uint32_t>();
  if (version != 1 && version != kVersion)
    r.fail(fmt::format("version {}, expected 1 or {}", version, kVersion));
  int classes = r.get<int32_t>();
  uint32_t cols = r.get<uint32_t>();
  if (classes < 2) r.fail(fmt::format("{} classes", classes));
  uint32_t count = version == 1 ? 1 : r.get<uint32_t>();
  if (count < 1 || count > 10000) r.fail(fmt::format("{} boosters", count));
  std::vector<std::string_view> ubj;
  for (uint32_t i = 0; i < count; ++i) ubj.push_back(r.get_bytes());
  reset();
  for (std::string_view u : ubj) {
    Booster b;
    check(XGBoosterCreate(nullptr, 0, &b.h), "XGBoosterCreate");
    check(XGBoosterLoadModelFromBuffer(b.h, u.data(), u.size()), "XGBoosterLoadModelFromBuffer");
    set_param(b.h, "nthread", std::to_string(ctx_.threads));
    boosters_.push_back(b.release());
  }
  classes_ = classes;
  cols_ = cols;
}

std::vector<FeatureGain> XgbModel::importance() const {
  // Mean total gain over the bags, per column, in column order.
  std::map<uint32_t, double> gain;
  for (void* booster : boosters_) {
    bst_ulong n = 0, dim = 0;
    const char** names = nullptr;
    const bst_ulong* shape = nullptr;
    const float* scores = nullptr;
    check(XGBoosterFeatureScore(booster, R"({"importance_type":"total_gain"})", &n, &names, &dim,
                                &shape, &scores),
          "XGBoosterFeatureScore");
    for (bst_ulong i = 0; i < n; ++i) {
      std::string_view s(names[i]);  // "f<column>" (no feature names are set)
      uint32_t col = 0;
      if (s.size() < 2 || s[0] != 'f' ||
          std::from_chars(s.data() + 1, s.data() + s.size(), col).ec != std::errc())
        continue;
      gain[col] += scores[i];
    }
  }
  std::vector<FeatureGain> out;
  for (const auto& [col, g] : gain) out.push_back({col, g / double(boosters_.size())});
  return out;
}

}  // namespace malscope
