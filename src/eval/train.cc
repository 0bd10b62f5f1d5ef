#include "eval/train.h"

#include <fmt/format.h>
#include <chrono>
#include <cmath>
#include <numeric>

#include "models/sampling.h"
#include "util/error.h"
#include "util/stopwatch.h"

namespace malscope {

std::string fit_shape_text(const Model& m, const FeatureMatrix& x, const FitReport& rep,
                           const Params& params) {
  const bool seq = m.value_kind() == ValueKind::kSequence;
  std::string s = seq ? fmt::format("x up to {} calls", params.features().sequence_len)
                      : fmt::format("x {} columns", x.cols());
  if (rep.rounds) s += fmt::format(" ({} {})", rep.rounds, seq ? "epochs" : "rounds");
  return s;
}

Bundle train_bundle(const Sketches& s, const LearnSetup& setup, std::vector<double> weights,
                    const std::string& store, const LogFn& log, std::span<const uint32_t> rows) {
  if (setup.models.empty()) throw UsageError("no models to train");
  if (weights.size() != setup.models.size())
    throw Error(fmt::format("{} blend weights for {} models", weights.size(), setup.models.size()));
  Bundle b;
  b.classes = std::max(2, label_classes(s.labels()));
  b.model_names = setup.models;
  BundleMember member{FeaturePipeline(feature_config(setup.params)), {}};
  FeaturePipeline& pipe = member.pipeline;
  pipe.set_threads(setup.threads);
  std::vector<uint32_t> all(rows.begin(), rows.end());
  if (all.empty()) {
    all.resize(s.size());
    std::iota(all.begin(), all.end(), 0u);
  }
  pipe.fit(s, all);
  nlohmann::json rounds = nlohmann::json::object();
  std::optional<ValueKind> kind;
  FeatureMatrix x;
  for (const std::string& name : setup.models) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = make_model(name, setup.params, {setup.seed, setup.threads});
    if (kind != m->value_kind()) {
      x = FeatureMatrix{};
      x = pipe.transform(s, all, m->value_kind());
      kind = m->value_kind();
    }
    FitReport rep = m->fit(x, b.classes);
    rounds[name] = rep.rounds;
    if (log)
      log(fmt::format("trained {} on {} files {} in {:.1f}s", name,
                      rep.rows && rep.rows < x.rows()
                          ? fmt::format("{} of {} (class cap)", rep.rows, x.rows())
                          : std::to_string(x.rows()),
                      fit_shape_text(*m, x, rep, setup.params), seconds_since(t0)));
    member.models.push_back(std::move(m));
  }
  const size_t columns = pipe.column_names().size();
  b.members.push_back(std::move(member));
  b.weights = std::move(weights);
  b.floor = setup.params.get_double("blend.floor");
  b.info = {{"params", setup.params.to_json()},
            {"models", setup.models},
            {"weights", b.weights},
            {"seed", setup.seed},
            {"store", store},
            {"files", all.size()},
            {"classes", b.classes},
            {"rounds", rounds},
            {"columns", columns}};
  return b;
}

std::vector<double> normalized_weights(std::vector<double> w, size_t models) {
  if (w.size() != models)
    throw UsageError(fmt::format("--weights gives {} weights for {} models", w.size(), models));
  double sum = 0;
  for (double x : w) {
    if (!std::isfinite(x))
      throw UsageError(fmt::format("--weights must be finite numbers, not {}", x));
    if (x < 0) throw UsageError("--weights must not be negative");
    sum += x;
  }
  if (sum <= 0) throw UsageError("--weights sum to 0");
  for (double& x : w) x /= sum;
  return w;
}

std::vector<double> blend_weights(const CvSummary& cv, const LearnSetup& setup,
                                  const std::string& path) {
  if (cv.weights.empty())
    throw Error(
        fmt::format("'{}' has no \"blend\" weights (write it with `malscope cv "
                    "--json-out`)",
                    path));
  nlohmann::json b = nlohmann::json::object();  // the file's blend, for messages
  for (size_t m = 0; m < cv.models.size(); ++m) b[cv.models[m]] = cv.weights.at(m);
  std::vector<double> w;
  for (const std::string& m : setup.models) {
    if (!b.contains(m))
      throw Error(
          fmt::format("'{}' has no blend weight for model '{}' (it blends {})", path, m, b.dump()));
    w.push_back(b[m].get<double>());
  }
  if (b.size() != setup.models.size())
    throw Error(fmt::format("'{}' blends other models ({}) than --models", path, b.dump()));
  double sum = std::accumulate(w.begin(), w.end(), 0.0);
  if (std::abs(sum - 1) > 1e-6)
    throw Error(fmt::format("'{}': blend weights sum to {}", path, sum));
  return w;
}

WeightChoice choose_weights(const Sketches& s, const LearnSetup& setup, const WeightSource& from,
                            const LogFn& log) {
  const size_t models = setup.models.size();
  WeightChoice c;
  c.bag = from.bag.value_or(false);
  if (log && !from.bag)
    log(fmt::format(
        "fitting once on all {} files (--bag averages the {} fold models instead: nested CV "
        "scored one fit better on small data, docs/learning.md)",
        from.cv.rows.empty() ? s.size() : from.cv.rows.size(), from.cv.folds));
  if (c.bag) {
    if (!from.cv_path.empty()) throw UsageError("bagging runs its own CV: it takes no CV file");
    CvOptions opt = from.cv;
    opt.keep_members = true;
    c.cv = cross_validate(s, setup, opt, log);
    if (!from.weights.empty()) {
      c.cv->weights = normalized_weights(from.weights, models);
      c.cv->combine = CombineChoice{};  // fitted for other weights: the given blend as it is
      c.cv->combine.weights = c.cv->weights;
    }
    c.weights = c.cv->weights;
    c.combine = c.cv->combine;
    return c;
  }
  if (!from.cv_path.empty()) {
    CvSummary cv = CvSummary::load(from.cv_path);
    c.weights = blend_weights(cv, setup, from.cv_path);
    if (!cv.combine.is_null())
      c.combine = combine_from_json(cv.combine, int(models), cv.metrics.classes, from.cv_path);
  } else if (!from.weights.empty()) {
    c.weights = from.weights;
  } else if (models == 1) {
    c.weights = {1.0};
  } else {
    c.cv = cross_validate(s, setup, from.cv, log);
    c.weights = c.cv->weights;
    c.combine = c.cv->combine;
    if (log)
      log(fmt::format("blend weights from {}-fold CV: {} (logloss {:.5f})", from.cv.folds,
                      fmt::join(c.weights, ", "), c.cv->metrics.logloss));
  }
  c.weights = normalized_weights(std::move(c.weights), models);
  c.combine.weights = c.weights;
  return c;
}

Bundle make_bundle(const Sketches& s, const LearnSetup& setup, WeightChoice& c,
                   const std::string& store, const LogFn& log) {
  if (c.bag) {
    if (!c.cv) throw Error("make_bundle: bagging without its CV");
    return bagged_bundle(*c.cv, setup, store);
  }
  Bundle b = train_bundle(s, setup, c.weights, store, log);
  b.temperature = c.combine.temperature;
  b.stack = c.combine.stack;
  b.info["combine"] = combine_json(c.combine);
  return b;
}

}  // namespace malscope
