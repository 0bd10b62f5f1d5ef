#include "eval/train.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>

#include "models/sampling.h"
#include "util/error.h"
#include "util/stopwatch.h"
#include "util/thread_pool.h"

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
  // On small data (where CV runs folds side by side: auto_fold_jobs) the models fit side by
  // side, the threads shared among them: liblinear uses one, and XGBoost gains little from a
  // second on a few thousand files. On big data XGBoost gets every thread, the models in turn.
  // A model's results do not depend on its threads.
  const size_t n = setup.models.size();
  const int side = setup.fold_jobs > 0 ? setup.fold_jobs : auto_fold_jobs(s, setup.threads, int(n));
  const int jobs = int(
      std::clamp<size_t>(size_t(side), 1, std::min<size_t>(n, size_t(std::max(1, setup.threads)))));
  const int each = std::max(1, setup.threads / jobs);
  std::vector<std::unique_ptr<Model>> models;
  std::map<ValueKind, FeatureMatrix> x;
  for (const std::string& name : setup.models) {
    models.push_back(
        make_model(name, setup.params, {setup.seed, jobs == 1 ? setup.threads : each}));
    if (!x.count(models.back()->value_kind()))
      x[models.back()->value_kind()] = pipe.transform(s, all, models.back()->value_kind());
  }
  std::vector<FitReport> reps(n);
  std::vector<double> secs(n);
  parallel_for(n, jobs, [&](size_t i, int) {
    auto t0 = std::chrono::steady_clock::now();
    reps[i] = models[i]->fit(x.at(models[i]->value_kind()), b.classes);
    secs[i] = seconds_since(t0);
  });
  for (size_t i = 0; i < n; ++i) {
    const FeatureMatrix& xi = x.at(models[i]->value_kind());
    const FitReport& rep = reps[i];
    rounds[setup.models[i]] = rep.rounds;
    if (log)
      log(fmt::format("trained {} on {} files {} in {:.1f}s", setup.models[i],
                      rep.rows && rep.rows < xi.rows()
                          ? fmt::format("{} of {} (class cap)", rep.rows, xi.rows())
                          : std::to_string(xi.rows()),
                      fit_shape_text(*models[i], xi, rep, setup.params), secs[i]));
    member.models.push_back(std::move(models[i]));
  }
  x.clear();
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
    c.cv_file_folds = cv.fold_reports;
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

std::optional<RoundsFromCv> rounds_from_cv(const std::vector<FoldReport>& folds,
                                           const LearnSetup& setup, size_t final_rows) {
  const XgbConfig& x = setup.params.xgb();
  auto it = std::find(setup.models.begin(), setup.models.end(), "xgb");
  if (it == setup.models.end() || x.early_stop <= 0 || x.valid_share <= 0 || folds.empty())
    return std::nullopt;
  const size_t m = size_t(it - setup.models.begin());
  double rounds = 0, rows = 0;
  for (const FoldReport& f : folds) {
    if (m >= f.rounds.size() || f.rounds[m] <= 0) return std::nullopt;
    rounds += f.rounds[m];
    rows += double(f.train_rows) * (1 - x.valid_share);  // the fold's fit, its holdout aside
  }
  rounds /= double(folds.size());
  rows /= double(folds.size());
  if (rows < 1) return std::nullopt;
  RoundsFromCv r;
  r.fold_rounds = rounds;
  r.row_ratio = double(final_rows) / rows;
  // Rounds grow with the files, as the folds' own rounds grow from fold to fold size; capped at
  // twice, so a fold plan of tiny fits does not send the final fit far past what was seen.
  r.scale = std::clamp(r.row_ratio, 1.0, 2.0);
  r.rounds = std::clamp(int(std::ceil(rounds * r.scale)), 1, x.rounds);
  return r;
}

Bundle make_bundle(const Sketches& s, const LearnSetup& setup, WeightChoice& c,
                   const std::string& store, const LogFn& log) {
  if (c.bag) {
    if (!c.cv) throw Error("make_bundle: bagging without its CV");
    return bagged_bundle(*c.cv, setup, store);
  }
  std::optional<RoundsFromCv> fixed;
  const size_t final_rows = c.cv ? c.cv->rows.size() : s.size();
  if (c.cv)
    fixed = rounds_from_cv(c.cv->folds, setup, final_rows);
  else if (!c.cv_file_folds.empty())
    fixed = rounds_from_cv(c.cv_file_folds, setup, final_rows);
  LearnSetup final_setup = setup;
  if (fixed) {
    // The folds already found where boosting stops: the final fit uses every file and no
    // early-stopping holdout of its own (which cost a tenth of the files and the patience rounds).
    final_setup.params.set("xgb.rounds", std::to_string(fixed->rounds));
    final_setup.params.set("xgb.early_stop", "0");
    if (log)
      log(fmt::format(
          "xgb: the final fit boosts {} rounds on all {} files, no holdout (the folds stopped at "
          "{:.1f} rounds on average, x {:.2f} for {:.2f}x their files)",
          fixed->rounds, final_rows, fixed->fold_rounds, fixed->scale, fixed->row_ratio));
  }
  Bundle b = train_bundle(s, final_setup, c.weights, store, log);
  if (fixed)
    b.info["final_rounds"] = {
        {"xgb", fixed->rounds}, {"fold_mean", fixed->fold_rounds}, {"scale", fixed->scale}};
  b.temperature = c.combine.temperature;
  b.stack = c.combine.stack;
  b.info["combine"] = combine_json(c.combine);
  return b;
}

}  // namespace malscope
