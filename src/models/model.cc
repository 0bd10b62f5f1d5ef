#include "models/model.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "models/linear_model.h"
#include "models/textcnn_model.h"
#include "models/xgb_model.h"
#include "util/error.h"
#include "util/random.h"

namespace malscope {

std::vector<float> class_weights(std::span<const int32_t> labels, int classes, double power) {
  std::vector<double> n(classes, 0);
  for (int32_t y : labels) n[y] += 1;
  return class_weights_of_counts(n, double(labels.size()), power);
}

std::vector<float> class_weights_of_counts(std::span<const double> n, double total, double power) {
  const int classes = static_cast<int>(n.size());
  std::vector<float> w(classes, 1.0f);
  if (power <= 0) return w;
  for (int c = 0; c < classes; ++c)
    if (n[c] > 0) w[c] = float(std::pow(total / (classes * n[c]), power));
  return w;
}

ClassSample cap_per_class(std::span<const int32_t> labels, int classes, int64_t cap,
                          uint64_t seed) {
  ClassSample out;
  out.factor.assign(classes, 1.0f);
  std::vector<std::vector<uint32_t>> by_class(classes);
  for (uint32_t i = 0; i < labels.size(); ++i) by_class[labels[i]].push_back(i);
  for (const auto& rows : by_class) out.capped |= cap > 0 && int64_t(rows.size()) > cap;
  if (!out.capped) return out;
  Rng rng(seed);
  for (int c = 0; c < classes; ++c) {
    auto& rows = by_class[c];
    if (int64_t(rows.size()) > cap) {
      out.factor[c] = float(double(rows.size()) / double(cap));
      shuffle(rows, rng);
      rows.resize(size_t(cap));
    }
    out.rows.insert(out.rows.end(), rows.begin(), rows.end());
  }
  std::sort(out.rows.begin(), out.rows.end());
  return out;
}

FeatureMatrix select_rows(const FeatureMatrix& x, std::span<const uint32_t> rows) {
  FeatureMatrix out;
  out.names = x.names;
  uint64_t nnz = 0;
  for (uint32_t r : rows) nnz += x.indptr[r + 1] - x.indptr[r];
  out.indices.reserve(nnz);
  out.values.reserve(nnz);
  out.indptr.reserve(rows.size() + 1);
  for (uint32_t r : rows) {
    out.indices.insert(out.indices.end(), x.indices.begin() + x.indptr[r],
                       x.indices.begin() + x.indptr[r + 1]);
    out.values.insert(out.values.end(), x.values.begin() + x.indptr[r],
                      x.values.begin() + x.indptr[r + 1]);
    out.indptr.push_back(out.indices.size());
    if (!x.files.empty()) out.files.push_back(x.files[r]);
    out.labels.push_back(x.labels[r]);
    if (!x.weights.empty()) out.weights.push_back(x.weights[r]);
    if (!x.keys.empty()) out.keys.push_back(x.keys[r]);
  }
  return out;
}

const std::vector<std::string>& model_names() {
  static const std::vector<std::string> names = {"xgb", "linear", "textcnn"};
  return names;
}

std::unique_ptr<Model> make_model(std::string_view name, const Params& params,
                                  const ModelContext& ctx) {
  if (name == "xgb") return std::make_unique<XgbModel>(params.xgb(), ctx);
  if (name == "linear") return std::make_unique<LinearModel>(params.linear(), ctx);
  if (name == "textcnn") return std::make_unique<TextCnnModel>(params.textcnn(), ctx);
  throw UsageError(
      fmt::format("unknown model '{}', expected one of {}", name, fmt::join(model_names(), ", ")));
}

std::unique_ptr<Model> load_model(std::string_view name, ByteReader& r, const ModelContext& ctx) {
  if (std::find(model_names().begin(), model_names().end(), name) == model_names().end())
    r.fail(fmt::format("it names an unknown model '{}'", name));
  // The default settings only steer fit(); the saved model holds all predict_proba reads.
  auto m = make_model(name, Params{}, ctx);
  m->load(r);
  return m;
}

}  // namespace malscope
