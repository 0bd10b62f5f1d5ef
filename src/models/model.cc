#include "models/model.h"

#include <fmt/format.h>
#include <cmath>

#include "models/linear_model.h"
#include "models/xgb_model.h"
#include "util/error.h"

namespace malscope {

std::vector<float> class_weights(std::span<const int32_t> labels, int classes, double power) {
  std::vector<double> n(classes, 0);
  for (int32_t y : labels) n[y] += 1;
  std::vector<float> w(classes, 1.0f);
  if (power <= 0) return w;
  for (int c = 0; c < classes; ++c)
    if (n[c] > 0) w[c] = float(std::pow(double(labels.size()) / (classes * n[c]), power));
  return w;
}

const std::vector<std::string>& model_names() {
  static const std::vector<std::string> names = {"xgb", "linear"};
  return names;
}

std::unique_ptr<Model> make_model(std::string_view name, const Params& params,
                                  const ModelContext& ctx) {
  if (name == "xgb") return std::make_unique<XgbModel>(params, ctx);
  if (name == "linear") return std::make_unique<LinearModel>(params, ctx);
  throw UsageError(
      fmt::format("unknown model '{}', expected one of {}", name, fmt::join(model_names(), ", ")));
}

}  // namespace malscope
