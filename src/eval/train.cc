#include "eval/train.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>

#include "eval/adaptive.h"
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

void finish_bundle(Bundle& b, BundleMember member, std::vector<double> weights,
                   const LearnSetup& setup, const std::string& store, size_t files,
                   nlohmann::json rounds) {
  const size_t columns = member.pipeline.column_names().size();
  b.members.push_back(std::move(member));
  b.weights = std::move(weights);
  b.floor = setup.params.get_double("blend.floor");
  b.info = {{"params", setup.params.to_json()},
            {"models", setup.models},
            {"weights", b.weights},
            {"seed", setup.seed},
            {"store", store},
            {"files", files},
            {"classes", b.classes},
            {"rounds", std::move(rounds)},
            {"columns", columns}};
}

// The final fit in steps: the pipeline and matrices on every row, then each model (side by side
// or as tasks beside a CV), then the bundle.
struct FinalFit {
  LearnSetup setup;
  int classes = 2;
  int threads = 1;  // each model's
  std::vector<uint32_t> all;
  BundleMember member;
  std::map<ValueKind, FeatureMatrix> x;
  std::vector<std::unique_ptr<Model>> models;
  std::vector<FitReport> reps;
  std::vector<double> secs;
  std::optional<RoundsFromCv> fixed;  // the xgb rounds the CV's folds found, if any
  size_t fixed_rows = 0;              // the files those rounds were scaled to

  FinalFit(const Sketches& s, const LearnSetup& su, std::span<const uint32_t> rows)
      : setup(su),
        classes(std::max(2, label_classes(s.labels()))),
        all(rows.begin(), rows.end()),
        member{FeaturePipeline(feature_config(su.params)), {}},
        models(su.models.size()),
        reps(su.models.size()),
        secs(su.models.size()) {
    if (all.empty()) {
      all.resize(s.size());
      std::iota(all.begin(), all.end(), 0u);
    }
  }
  // The pipeline on every row and the matrices its models take.
  void prepare(const Sketches& s) {
    FeaturePipeline& pipe = member.pipeline;
    pipe.set_threads(setup.threads);
    pipe.fit(s, all);
    for (const std::string& name : setup.models) {
      const ValueKind kind = make_model(name, setup.params, {setup.seed, 1})->value_kind();
      if (!x.count(kind)) x[kind] = pipe.transform(s, all, kind);
    }
  }
  // Boosts the folds' rounds with no holdout (see make_bundle).
  void fix_rounds(const RoundsFromCv& r, size_t rows) {
    fixed = r, fixed_rows = rows;
    setup.params.set("xgb.rounds", std::to_string(r.rounds));
    setup.params.set("xgb.early_stop", "0");
  }
  void fit(size_t i) {
    auto t0 = std::chrono::steady_clock::now();
    models[i] = make_model(setup.models[i], setup.params, {setup.seed, threads});
    reps[i] = models[i]->fit(x.at(models[i]->value_kind()), classes);
    secs[i] = seconds_since(t0);
  }
  Bundle assemble(std::vector<double> weights, const std::string& store, const LogFn& log) {
    Bundle b;
    b.classes = classes;
    b.model_names = setup.models;
    if (log && fixed)
      log(fmt::format(
          "xgb: the final fit boosts {} rounds on all {} files, no holdout (the folds stopped at "
          "{:.1f} rounds on average, x {:.2f} for {:.2f}x their files)",
          fixed->rounds, fixed_rows, fixed->fold_rounds, fixed->scale, fixed->row_ratio));
    nlohmann::json rounds = nlohmann::json::object();
    for (size_t i = 0; i < models.size(); ++i) {
      if (!models[i]) throw Error(fmt::format("train: {} was never fitted", setup.models[i]));
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
    finish_bundle(b, std::move(member), std::move(weights), setup, store, all.size(),
                  std::move(rounds));
    if (fixed)
      b.info["final_rounds"] = {
          {"xgb", fixed->rounds}, {"fold_mean", fixed->fold_rounds}, {"scale", fixed->scale}};
    return b;
  }
};

namespace {

// Models fitted side by side on small data (where CV runs folds side by side: auto_fold_jobs),
// the threads shared among them: liblinear uses one, and XGBoost gains little from a second on
// a few thousand files. On big data XGBoost gets every thread, the models in turn. A model's
// results do not depend on its threads.
int side_by_side(const Sketches& s, const LearnSetup& setup, size_t models) {
  const int side = setup.fold_jobs > 0 ? setup.fold_jobs
                                       : auto_fold_jobs(s, setup.threads, int(models));
  return int(std::clamp<size_t>(size_t(side), 1,
                                std::min<size_t>(models, size_t(std::max(1, setup.threads)))));
}

Bundle fit_final(FinalFit& f, const Sketches& s, std::vector<double> weights,
                 const std::string& store, const LogFn& log) {
  const size_t n = f.setup.models.size();
  const int jobs = side_by_side(s, f.setup, n);
  f.threads = jobs == 1 ? f.setup.threads : std::max(1, f.setup.threads / jobs);
  f.prepare(s);
  parallel_for(n, jobs, [&](size_t i, int) { f.fit(i); });
  return f.assemble(std::move(weights), store, log);
}

}  // namespace

Bundle train_bundle(const Sketches& s, const LearnSetup& setup, std::vector<double> weights,
                    const std::string& store, const LogFn& log, std::span<const uint32_t> rows) {
  if (setup.models.empty()) throw UsageError("no models to train");
  if (weights.size() != setup.models.size())
    throw Error(fmt::format("{} blend weights for {} models", weights.size(), setup.models.size()));
  FinalFit f(s, setup, rows);
  return fit_final(f, s, std::move(weights), store, log);
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

// The final fit as side tasks of the CV choosing its weights: the pipeline, then each model,
// xgb once every fold's xgb has found its rounds.
std::vector<SideTask> final_fit_tasks(std::shared_ptr<FinalFit> f, const Sketches& s, int jobs) {
  std::vector<SideTask> tasks;
  f->threads = std::max(1, f->setup.threads / std::max(1, jobs));  // a fold task's share
  tasks.push_back({"", {}, [f, &s](const std::vector<FoldReport>&) { f->prepare(s); }});
  for (size_t i = 0; i < f->setup.models.size(); ++i) {
    if (f->setup.models[i] != "xgb") {
      tasks.push_back({"", {0}, [f, i](const std::vector<FoldReport>&) { f->fit(i); }});
      continue;
    }
    // XGBoost boosts what the folds found: it waits for every fold's xgb.
    tasks.push_back({"xgb", {0}, [f, i](const std::vector<FoldReport>& folds) {
                       LearnSetup one = f->setup;
                       one.models = {"xgb"};  // the part reports hold xgb's figures alone
                       size_t rows = 0;       // every CV file is held out once
                       for (const FoldReport& r : folds) rows += r.valid_rows;
                       if (auto fixed = rounds_from_cv(folds, one, rows)) f->fix_rounds(*fixed, rows);
                       f->fit(i);
                     }});
  }
  return tasks;
}

WeightChoice choose_weights(const Sketches& s, const LearnSetup& setup, const WeightSource& from,
                            const LogFn& log) {
  const size_t models = setup.models.size();
  WeightChoice c;
  c.bag = from.bag.value_or(false);
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
    CvOptions opt = from.cv;
    // Neither --bag nor --no-bag: the CV's logloss decides, so the CV keeps its members.
    const bool may_bag = !from.bag.has_value();
    opt.keep_members = may_bag;
    // Where folds run side by side, the final models fit beside them (no core idles while the
    // last folds end); their results are the same as fitted after the CV.
    const int jobs = cv_fold_jobs(s, setup, opt.folds);
    if (jobs > 1 && opt.rows.empty()) {
      c.prefit = std::make_shared<FinalFit>(s, setup, std::span<const uint32_t>{});
      opt.side_tasks = final_fit_tasks(c.prefit, s, jobs);
    }
    c.cv = cross_validate(s, setup, opt, log);
    c.weights = c.cv->weights;
    c.combine = c.cv->combine;
    if (log)
      log(fmt::format("blend weights from {}-fold CV: {} (logloss {:.5f})", from.cv.folds,
                      fmt::join(c.weights, ", "), c.cv->metrics.logloss));
    if (may_bag) {
      const BagDecision d = decide_bagging(c.cv->metrics.logloss, c.cv->classes);
      c.bag = d.bag;
      c.bag_why = d.why;
      if (log)
        log(d.bag ? fmt::format("averaging the {} fold models (bagging: {}; --no-bag fits once on "
                                "all files)",
                                from.cv.folds, d.why)
                  : fmt::format("fitting once on all {} files ({}; --bag averages the {} fold "
                                "models)",
                                c.cv->rows.size(), d.why, from.cv.folds));
      if (c.bag)
        c.prefit.reset();  // fitted beside the folds, not needed
      else
        c.cv->members.clear();
    }
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
  Bundle b;
  if (c.prefit) {
    // Fitted beside the CV's folds (choose_weights).
    b = c.prefit->assemble(c.weights, store, log);
    c.prefit.reset();
  } else {
    FinalFit f(s, setup, {});
    std::optional<RoundsFromCv> fixed;
    const size_t final_rows = c.cv ? c.cv->rows.size() : s.size();
    if (c.cv)
      fixed = rounds_from_cv(c.cv->folds, setup, final_rows);
    else if (!c.cv_file_folds.empty())
      fixed = rounds_from_cv(c.cv_file_folds, setup, final_rows);
    // The folds already found where boosting stops: the final fit uses every file and no
    // early-stopping holdout of its own (which cost a tenth of the files and the patience rounds).
    if (fixed) f.fix_rounds(*fixed, final_rows);
    b = fit_final(f, s, c.weights, store, log);
  }
  b.temperature = c.combine.temperature;
  b.stack = c.combine.stack;
  b.info["combine"] = combine_json(c.combine);
  return b;
}

}  // namespace malscope
