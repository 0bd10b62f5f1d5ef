#include "eval/cv.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>

#include "eval/folds.h"
#include "models/model.h"
#include "models/sampling.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/stopwatch.h"
#include "util/thread_pool.h"

namespace malscope {
namespace {

std::string fold_line(const FoldReport& rep, const std::vector<std::string>& models, size_t f,
                      int folds) {
  std::string s = fmt::format("fold {}/{}: {} train, {} held out;", f + 1, folds, rep.train_rows,
                              rep.valid_rows);
  for (size_t m = 0; m < models.size(); ++m) {
    s += fmt::format(" {} {:.5f}", models[m], rep.logloss[m]);
    if (rep.rounds[m]) s += fmt::format(" ({} rounds)", rep.rounds[m]);
  }
  s += fmt::format("; {:.1f}s (features {:.1f}s", rep.seconds, rep.feature_seconds);
  for (size_t m = 0; m < models.size(); ++m)
    s += fmt::format(", {} {:.1f}s", models[m], rep.model_seconds[m]);
  return s + ")";
}

// Fold f's results into r's out-of-fold predictions (its rows are `valid_pos` of r.rows).
void merge_fold(FoldResult&& out, std::span<const uint32_t> valid_pos, CvResult& r,
                std::map<std::string, double>& gain) {
  if (out.predictions.size() != r.models.size())
    throw Error(fmt::format("fold {}: predictions of {} models, the CV has {}", out.fold,
                            out.predictions.size(), r.models.size()));
  for (size_t mi = 0; mi < out.predictions.size(); ++mi) {
    const Predictions& p = out.predictions[mi];
    if (p.classes != r.classes || p.rows() != valid_pos.size())
      throw Error(
          fmt::format("fold {}: {} rows of {} classes predicted, the fold holds out {} of {}",
                      out.fold, p.rows(), p.classes, valid_pos.size(), r.classes));
    for (size_t i = 0; i < valid_pos.size(); ++i)
      std::copy_n(p.row(i).begin(), r.classes, r.oof[mi].row(valid_pos[i]).begin());
  }
  for (const auto& [name, g] : out.gain) gain[name] += g;
  if (out.member) r.members.push_back(std::move(*out.member));
  r.folds.push_back(std::move(out.report));
}

// The index of model `name` in the setup's models.
size_t model_index(const LearnSetup& setup, const std::string& name) {
  auto it = std::find(setup.models.begin(), setup.models.end(), name);
  if (it == setup.models.end())
    throw Error(fmt::format("cross_validate: a side task waits for '{}', not a model here", name));
  return size_t(it - setup.models.begin());
}

// A whole fold's report as the part of model m reports it.
FoldReport model_report(const FoldReport& r, size_t m) {
  FoldReport o = r;
  o.logloss = {r.logloss.at(m)};
  o.rounds = {r.rounds.at(m)};
  o.model_seconds = {r.model_seconds.at(m)};
  return o;
}

}  // namespace

std::string time_left(double seconds) {
  if (seconds <= 0) return "";
  const long s = std::lround(seconds);
  return s < 60 ? fmt::format("; about {}s left", s)
                : fmt::format("; about {}m{:02}s left", s / 60, s % 60);
}

FeatureConfig feature_config(const Params& p) {
  validate(p.features());  // each value was checked when set; this checks them together
  return p.features();
}

void ensure_sequences(LearnSetup& setup) {
  const ModelContext none;
  bool needed = false;
  for (const std::string& m : setup.models)
    needed |= make_model(m, setup.params, none)->value_kind() == ValueKind::kSequence;
  if (!needed || setup.params.features().sequence_len > 0) return;
  if (std::find(setup.given.begin(), setup.given.end(), "features.sequence_len") !=
      setup.given.end())
    throw UsageError("features.sequence_len is 0, but a sequence model (textcnn) needs the calls");
  setup.params.set("features.sequence_len", std::to_string(kDefaultSequenceLen));
}

int cv_fold_jobs(const Sketches& s, const LearnSetup& setup, int folds) {
  return setup.fold_jobs > 0 ? std::clamp(setup.fold_jobs, 1, std::min(folds, setup.threads))
                             : auto_fold_jobs(s, setup.threads, folds);
}

int auto_fold_jobs(const Sketches& s, int threads, int folds) {
  // A fold's matrices are a few times the sketches; 512 MB keeps two folds well under 4 GB.
  constexpr size_t kSmall = size_t(512) << 20;
  return s.memory_bytes() < kSmall ? std::max(1, std::min(threads, folds)) : 1;
}

CvPlan plan_cv(const Sketches& s, const LearnSetup& setup, const CvOptions& opt, int threads) {
  if (setup.models.empty()) throw UsageError("no models to cross-validate");
  CvPlan plan;
  plan.rows = opt.rows;
  std::vector<uint8_t> in_train(opt.augmented.empty() ? 0 : s.size(), 0);
  for (const AugmentedRow& a : opt.augmented) {
    if (a.row >= s.size() || a.parent >= s.size())
      throw Error(fmt::format("augmented row {} (of {}) is outside the {} files", a.row, a.parent,
                              s.size()));
    in_train[a.row] = 2;  // marks copies, which are never cross-validated themselves
  }
  if (plan.rows.empty())
    for (uint32_t r = 0; r < s.size(); ++r)
      if (in_train.empty() || in_train[r] != 2) plan.rows.push_back(r);
  std::vector<uint32_t> groups;
  std::vector<uint64_t> keys;
  for (uint32_t row : plan.rows) {
    if (row >= s.size())
      throw Error(fmt::format("CV row {} is outside the {} files", row, s.size()));
    plan.labels.push_back(s.label(row));
    if (!opt.groups.empty()) groups.push_back(opt.groups.at(row));
    keys.push_back(s.key(row));
  }
  if (groups.empty() && opt.group_copies) {
    plan.copies = copy_groups(keys);
    groups = plan.copies.group;
  }
  plan.classes = std::max(2, label_classes(s.labels()));
  plan.fold = assign_folds(plan.labels, opt.folds, setup.seed, groups);
  std::vector<uint32_t> train_pos, valid_pos;
  for (int f = 0; f < opt.folds; ++f) {
    split_fold(plan.fold, uint32_t(f), train_pos, valid_pos);
    FoldTask& t = plan.tasks.emplace_back();
    t.fold = uint32_t(f);
    for (uint32_t p : train_pos) t.train_rows.push_back(plan.rows[p]);
    for (uint32_t p : valid_pos) t.valid_rows.push_back(plan.rows[p]);
    if (!opt.augmented.empty()) {
      // A copy trains only where its file and every donor train: nothing of a held-out file
      // reaches the fold's model.
      for (uint32_t r : t.train_rows) in_train[r] = 1;
      for (const AugmentedRow& a : opt.augmented)
        if (in_train[a.parent] == 1 &&
            std::all_of(a.donors.begin(), a.donors.end(),
                        [&](uint32_t d) { return d < s.size() && in_train[d] == 1; }))
          t.train_rows.push_back(a.row);
      for (uint32_t r : plan.rows) in_train[r] = 0;
    }
    t.classes = plan.classes;
    t.models = setup.models;
    t.params = setup.params;
    t.seed = setup.seed;
    t.threads = threads;
    t.keep_member = opt.keep_members;
  }
  return plan;
}

CvResult merge_cv(CvPlan plan, std::vector<FoldResult> results, const LearnSetup& setup) {
  const size_t folds = plan.tasks.size();
  if (results.size() != folds)
    throw Error(fmt::format("{} fold results for {} folds", results.size(), folds));
  std::sort(results.begin(), results.end(),
            [](const FoldResult& a, const FoldResult& b) { return a.fold < b.fold; });
  CvResult r;
  r.classes = plan.classes;
  r.rows = std::move(plan.rows);
  r.labels = std::move(plan.labels);
  r.fold = std::move(plan.fold);
  r.copies = {{}, plan.copies.sets, plan.copies.files};
  r.models = setup.models;
  for (size_t m = 0; m < r.models.size(); ++m)
    r.oof.push_back(Predictions::zeros(r.rows.size(), r.classes));
  std::map<std::string, double> gain;
  std::vector<uint32_t> train_pos, valid_pos;
  for (size_t f = 0; f < folds; ++f) {
    if (results[f].fold != f) throw Error(fmt::format("no result for fold {}", f));
    split_fold(r.fold, uint32_t(f), train_pos, valid_pos);
    merge_fold(std::move(results[f]), valid_pos, r, gain);
  }
  r.combine = choose_combiner(r.oof, r.labels, r.fold, setup.params.blend(), setup.threads);
  r.weights = r.combine.weights;
  r.blended = std::move(r.combine.oof);
  r.combine.oof = {};
  r.metrics = compute_metrics(r.labels, r.blended);
  for (const Predictions& p : r.oof) r.model_metrics.push_back(compute_metrics(r.labels, p));
  for (auto& [name, g] : gain) r.importance.emplace_back(name, g / double(folds));
  std::stable_sort(r.importance.begin(), r.importance.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return r;
}

CvResult cross_validate(const Sketches& s, const LearnSetup& setup, const CvOptions& opt,
                        const LogFn& log) {
  auto t0 = std::chrono::steady_clock::now();
  const int jobs = cv_fold_jobs(s, setup, opt.folds);
  CvPlan plan = plan_cv(s, setup, opt, jobs == 1 ? setup.threads : setup.threads / jobs);
  feature_config(setup.params);  // a bad features.* value fails before any fold runs
  if (log && plan.copies.sets) log(copy_groups_text(plan.copies));
  std::vector<FoldResult> done(opt.folds);
  if (jobs == 1) {
    const auto folds_start = std::chrono::steady_clock::now();
    for (int f = 0; f < opt.folds; ++f) {
      done[f] = run_fold(s, plan.tasks[f]);
      // Folds cost about the same, so the mean so far estimates the rest (minutes on big data).
      if (log)
        log(fold_line(done[f].report, setup.models, f, opt.folds) +
            time_left(seconds_since(folds_start) / (f + 1) * (opt.folds - f - 1)));
    }
    for (const SideTask& t : opt.side_tasks) {
      std::vector<FoldReport> reports;
      if (!t.after_model.empty())
        for (const FoldResult& d : done)
          reports.push_back(model_report(d.report, model_index(setup, t.after_model)));
      t.run(reports);
    }
  } else {
    // Folds side by side, the threads shared among them: small data sets keep every core busier
    // this way than with all threads inside one fold's XGBoost. Each fold's models run as tasks
    // of their own, all folds' first model first (xgb, the longest by default), so the last
    // tasks are short and no core idles while one fold finishes alone (5 folds on 2 cores).
    std::vector<std::vector<FoldTask>> split;
    for (const FoldTask& t : plan.tasks) split.push_back(split_by_model(t));
    std::vector<std::pair<size_t, size_t>> order;  // (fold, part); side task k: (SIZE_MAX, k)
    std::vector<std::vector<size_t>> after;
    std::vector<std::vector<size_t>> part_task(split.size());  // task of each (fold, part)
    auto add_side_tasks = [&] {
      const size_t first = order.size();
      for (size_t k = 0; k < opt.side_tasks.size(); ++k) {
        const SideTask& t = opt.side_tasks[k];
        std::vector<size_t> deps;
        if (!t.after_model.empty()) {
          const size_t m = model_index(setup, t.after_model);
          for (size_t f = 0; f < split.size(); ++f) deps.push_back(part_task[f][m]);
        }
        for (size_t j : t.after_tasks) {
          if (j >= k) throw Error("cross_validate: a side task waits for a later one");
          deps.push_back(first + j);
        }
        order.emplace_back(SIZE_MAX, k);
        after.push_back(std::move(deps));
      }
    };
    for (size_t f = 0; f < split.size(); ++f) part_task[f].assign(split[f].size(), SIZE_MAX);
    for (size_t m = 0; m < setup.models.size(); ++m) {
      for (size_t f = 0; f < split.size(); ++f)
        if (m < split[f].size()) {
          part_task[f][m] = order.size();
          order.emplace_back(f, m);
          after.emplace_back();
        }
      // After the first model's parts, so they start as soon as the longest parts are handed out.
      if (m == 0) add_side_tasks();
    }
    std::vector<std::vector<FoldResult>> parts(split.size());
    std::vector<std::vector<FoldReport>> part_reports(split.size());
    for (size_t f = 0; f < split.size(); ++f) {
      parts[f].resize(split[f].size());
      part_reports[f].resize(split[f].size());
    }
    std::vector<size_t> left(split.size());
    for (size_t f = 0; f < split.size(); ++f) left[f] = split[f].size();
    std::mutex mu;
    run_task_graph(order.size(), after, jobs, [&](size_t i, int) {
      const auto [f, m] = order[i];
      if (f == SIZE_MAX) {
        const SideTask& t = opt.side_tasks[m];
        std::vector<FoldReport> reports;
        if (!t.after_model.empty()) {
          const size_t mi = model_index(setup, t.after_model);
          std::lock_guard<std::mutex> lock(mu);  // every part it waits for is written
          for (size_t g = 0; g < split.size(); ++g) reports.push_back(part_reports[g][mi]);
        }
        t.run(reports);
        return;
      }
      FoldResult o = run_fold(s, split[f][m]);
      std::lock_guard<std::mutex> lock(mu);
      part_reports[f][m] = o.report;  // what side tasks read, after the parts are joined
      parts[f][m] = std::move(o);
      if (--left[f] == 0) {
        done[f] = join_fold_parts(std::move(parts[f]));
        if (log)
          log(fmt::format("fold {}/{} done ({:.1f}s of work)", f + 1, opt.folds,
                          done[f].report.seconds));
      }
    });
    for (int f = 0; f < opt.folds && log; ++f)
      log(fold_line(done[f].report, setup.models, f, opt.folds));
  }
  CvResult r = merge_cv(std::move(plan), std::move(done), setup);
  r.seconds = seconds_since(t0);
  if (log) log(r.combine.why());
  return r;
}

Bundle bagged_bundle(CvResult& r, const LearnSetup& setup, const std::string& store) {
  if (r.members.empty()) throw Error("bagged_bundle: the CV kept no fold models");
  Bundle b;
  b.classes = r.classes;
  b.model_names = r.models;
  b.weights = r.weights;
  b.floor = setup.params.get_double("blend.floor");
  b.temperature = r.combine.temperature;
  b.stack = r.combine.stack;
  b.members = std::move(r.members);
  r.members.clear();
  nlohmann::json rounds = nlohmann::json::array();
  for (const FoldReport& f : r.folds) rounds.push_back(f.rounds);
  b.info = {{"params", setup.params.to_json()},
            {"models", r.models},
            {"weights", r.weights},
            {"seed", setup.seed},
            {"store", store},
            {"files", r.labels.size()},
            {"classes", r.classes},
            {"bagged_folds", b.members.size()},
            {"combine", combine_json(r.combine)},
            {"rounds", rounds},
            {"cv", overall_json(r.metrics)}};
  return b;
}

CvSummary summarize(const CvResult& r, const LearnSetup& setup, const std::string& store,
                    const std::string& oof_path, size_t top_features) {
  CvSummary c;
  c.store = store;
  c.folds = int(r.folds.size());
  c.seed = setup.seed;
  c.models = r.models;
  c.metrics = r.metrics;
  c.importance.assign(r.importance.begin(),
                      r.importance.begin() + std::min(top_features, r.importance.size()));
  c.oof_path = oof_path;
  c.weights = r.weights;
  c.combine = combine_json(r.combine);
  c.model_metrics = r.model_metrics;
  c.params = setup.params.to_json();
  if (r.copies.sets) c.copy_groups = {{"sets", r.copies.sets}, {"files", r.copies.files}};
  c.seconds = r.seconds;
  c.fold_reports = r.folds;
  return c;
}

std::string cv_text(const CvResult& r) {
  std::string out = fmt::format("{:>4} {:>8} {:>8}", "fold", "train", "valid");
  for (const std::string& m : r.models) out += fmt::format(" {:>16}", m + " logloss");
  out += fmt::format(" {:>8}\n", "seconds");
  for (size_t f = 0; f < r.folds.size(); ++f) {
    const FoldReport& rep = r.folds[f];
    out += fmt::format("{:>4} {:>8} {:>8}", f + 1, rep.train_rows, rep.valid_rows);
    for (size_t m = 0; m < r.models.size(); ++m)
      out += rep.rounds[m] ? fmt::format(" {:>9.5f} ({:>4})", rep.logloss[m], rep.rounds[m])
                           : fmt::format(" {:>16.5f}", rep.logloss[m]);
    out += fmt::format(" {:>8.1f}\n", rep.seconds);
  }
  out += fmt::format("\n{:<8} {:>9} {:>9} {:>9} {:>9} {:>7}\n", "model", "logloss", "tianchi",
                     "accuracy", "macro_f1", "weight");
  for (size_t m = 0; m < r.models.size(); ++m) {
    const Metrics& mm = r.model_metrics[m];
    out += fmt::format("{:<8} {:>9.5f} {:>9.5f} {:>9.4f} {:>9.4f} {:>7.2f}\n", r.models[m],
                       mm.logloss, mm.tianchi_logloss, mm.accuracy, mm.macro_f1, r.weights[m]);
  }
  out += fmt::format("{:<8} {:>9.5f} {:>9.5f} {:>9.4f} {:>9.4f}\n\n{}\nout-of-fold, {:.1f}s\n",
                     r.combine.kind, r.metrics.logloss, r.metrics.tianchi_logloss,
                     r.metrics.accuracy, r.metrics.macro_f1, r.combine.why(), r.seconds);
  return out + metrics_text(r.metrics);
}

void write_oof_csv(const std::string& path, std::span<const std::string> ids, const CvResult& r) {
  std::string out = "file_id,label,fold";
  for (int c = 0; c < r.classes; ++c) out += fmt::format(",prob{}", c);
  for (const std::string& m : r.models)
    for (int c = 0; c < r.classes; ++c) out += fmt::format(",{}_prob{}", m, c);
  out += '\n';
  for (size_t i = 0; i < r.rows.size(); ++i) {
    out += fmt::format("{},{},{}", csv_field(ids[r.rows[i]]), r.labels[i], r.fold[i]);
    for (double p : r.blended.row(i)) out += fmt::format(",{:.6g}", p);
    for (const Predictions& p : r.oof)
      for (double v : p.row(i)) out += fmt::format(",{:.6g}", v);
    out += '\n';
  }
  write_file_atomic(path, out);
}

}  // namespace malscope
