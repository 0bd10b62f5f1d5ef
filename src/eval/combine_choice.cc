#include "eval/combine_choice.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/bundle.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace malscope {
namespace {

// The rows `rows` of each model's predictions.
std::vector<Predictions> take(std::span<const Predictions> preds,
                              const std::vector<uint32_t>& rows) {
  std::vector<Predictions> out;
  for (const Predictions& p : preds) {
    Predictions q = Predictions::zeros(rows.size(), p.classes);
    for (size_t i = 0; i < rows.size(); ++i)
      std::copy_n(p.row(rows[i]).begin(), p.classes, q.row(i).begin());
    out.push_back(std::move(q));
  }
  return out;
}

void put_rows(const Predictions& from, const std::vector<uint32_t>& rows, Predictions& to) {
  for (size_t i = 0; i < rows.size(); ++i)
    std::copy_n(from.row(i).begin(), from.classes, to.row(rows[i]).begin());
}

double floored_logloss(std::span<const int32_t> labels, Predictions& p, double floor) {
  apply_floor(p, floor);
  return logloss(labels, p);
}

}  // namespace

std::string CombineChoice::why() const {
  auto fig = [](double x) { return std::isnan(x) ? std::string("-") : fmt::format("{:.5f}", x); };
  std::string how = kind == "temperature" ? fmt::format("temperature {:.3f}", temperature)
                    : kind == "stack"     ? std::string("stack (logistic regression)")
                                          : std::string("blend");
  return fmt::format("combine: {} (nested out-of-fold logloss: blend {}, temperature {}, stack {})",
                     how, fig(blend_logloss), fig(temperature_logloss), fig(stack_logloss));
}

CombineChoice choose_combiner(std::span<const Predictions> oof, std::span<const int32_t> labels,
                              std::span<const uint32_t> fold, const BlendConfig& p, int threads) {
  if (oof.empty()) throw Error("no models to combine");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CombineChoice c;
  c.weights = choose_blend_weights(oof, labels, p.step);
  if (p.combine == "blend") {  // what malscope always did: no nested CV needed
    c.oof = blend(oof, c.weights);
    c.blend_logloss = floored_logloss(labels, c.oof, p.floor);
    c.temperature_logloss = c.stack_logloss = nan;
    return c;
  }
  const bool try_temp = p.combine == "auto" || p.combine == "temperature";
  const bool try_stack = p.combine == "auto" || p.combine == "stack";
  const size_t n = labels.size();
  const int classes = oof[0].classes;
  const uint32_t folds = fold.empty() ? 0 : *std::max_element(fold.begin(), fold.end()) + 1;
  // The stack's penalty is chosen too: with K classes it has K (M K + 1) weights, and what suits
  // 2 classes (MalbehavD: 0.01) overfits 8 classes of 600 files by far.
  const double l2s[] = {p.stack_l2, 10 * p.stack_l2, 100 * p.stack_l2};
  Predictions nb = Predictions::zeros(n, classes), nt = nb;
  std::vector<Predictions> ns(std::size(l2s), nb);
  // Each fold writes its own rows of nb, nt and ns: the folds run side by side.
  parallel_for(folds, threads, [&](size_t f, int) {
    std::vector<uint32_t> in, out;
    for (uint32_t i = 0; i < n; ++i) (fold[i] == f ? out : in).push_back(i);
    if (out.empty()) return;
    std::vector<int32_t> y_in;
    for (uint32_t i : in) y_in.push_back(labels[i]);
    const auto p_in = take(oof, in), p_out = take(oof, out);
    if (in.empty()) throw Error("combine: a fold holds every row");
    const auto w = choose_blend_weights(p_in, y_in, p.step);
    Predictions b_out = blend(p_out, w);
    put_rows(b_out, out, nb);
    if (try_temp) {
      apply_temperature(b_out, fit_temperature(blend(p_in, w), y_in));
      put_rows(b_out, out, nt);
    }
    for (size_t k = 0; try_stack && k < std::size(l2s); ++k)
      put_rows(Stacker::fit(p_in, y_in, l2s[k], w).predict(p_out), out, ns[k]);
  });
  c.blend_logloss = floored_logloss(labels, nb, p.floor);
  c.temperature_logloss = try_temp ? floored_logloss(labels, nt, p.floor) : nan;
  c.stack_logloss = nan;
  size_t best_l2 = 0;
  for (size_t k = 0; try_stack && k < std::size(l2s); ++k) {
    const double loss = floored_logloss(labels, ns[k], p.floor);
    if (k == 0 || loss < c.stack_logloss) {
      c.stack_logloss = loss;
      best_l2 = k;
    }
  }
  // The simpler combination wins ties; the stack must gain more than noise in the last digits.
  c.kind = "blend";
  double best = c.blend_logloss;
  c.oof = std::move(nb);
  if (try_temp && (p.combine == "temperature" || c.temperature_logloss < best)) {
    c.kind = "temperature";
    best = c.temperature_logloss;
    c.oof = std::move(nt);
  }
  if (try_stack && (p.combine == "stack" || c.stack_logloss < best - 1e-4)) {
    c.kind = "stack";
    c.oof = std::move(ns[best_l2]);
  }
  if (c.kind == "temperature") c.temperature = fit_temperature(blend(oof, c.weights), labels);
  if (c.kind == "stack") c.stack = Stacker::fit(oof, labels, l2s[best_l2], c.weights);
  return c;
}

nlohmann::json combine_json(const CombineChoice& c) {
  auto fig = [](double x) { return std::isnan(x) ? nlohmann::json() : nlohmann::json(x); };
  nlohmann::json j = {{"kind", c.kind},
                      {"temperature", c.temperature},
                      {"nested_logloss",
                       {{"blend", fig(c.blend_logloss)},
                        {"temperature", fig(c.temperature_logloss)},
                        {"stack", fig(c.stack_logloss)}}}};
  if (!c.stack.empty()) j["stack"] = {{"models", c.stack.models}, {"coef", c.stack.coef}};
  return j;
}

CombineChoice combine_from_json(const nlohmann::json& j, int models, int classes,
                                const std::string& source) {
  auto bad = [&](const std::string& why) {
    return Error(fmt::format("CV results '{}': combine{}", source, why));
  };
  if (!j.is_object()) throw bad(" must be an object");
  CombineChoice c;
  try {
    c.kind = j.at("kind").get<std::string>();
    c.temperature = j.at("temperature").get<double>();
    if (j.contains("stack")) {
      c.stack.models = j["stack"].at("models").get<int>();
      c.stack.coef = j["stack"].at("coef").get<std::vector<double>>();
      c.stack.classes = classes;
    }
  } catch (const nlohmann::json::exception& e) {
    throw bad(fmt::format(": {}", e.what()));
  }
  if (c.kind != "blend" && c.kind != "temperature" && c.kind != "stack")
    throw bad(fmt::format(".kind is '{}', not blend, temperature or stack", c.kind));
  if (!(c.temperature > 0 && c.temperature < 1e3))
    throw bad(fmt::format(".temperature {} is not positive", c.temperature));
  if ((c.kind == "stack") != !c.stack.empty()) throw bad(".stack does not match its kind");
  if (!c.stack.empty()) {
    if (c.stack.models != models) throw bad(".stack.models does not match the models");
    c.stack.check(fmt::format("CV results '{}': combine.stack", source).c_str());
  }
  return c;
}

}  // namespace malscope
