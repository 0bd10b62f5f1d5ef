#include "dist/cv.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <numeric>

#include "dist/train.h"
#include "eval/folds.h"
#include "models/sampling.h"
#include "util/error.h"
#include "util/serial.h"
#include "util/stopwatch.h"

namespace malscope {

namespace {

// Every worker's files, in source order: position, label, file_id and exact-duplicate key.
struct SourceFiles {
  std::vector<uint32_t> src;
  std::vector<int32_t> labels;
  std::vector<std::string> ids;
  std::vector<uint64_t> keys;
};

SourceFiles gather_files(const Sketches& s, std::span<const uint32_t> source_rows,
                         Collective& c) {
  ByteWriter w;
  w.put(std::vector<uint32_t>(source_rows.begin(), source_rows.end()));
  w.put(s.labels());
  w.put(s.file_ids());
  std::vector<uint64_t> own_keys(s.size());
  for (size_t r = 0; r < s.size(); ++r) own_keys[r] = s.key(r);  // shards keep the source's API ids
  w.put(own_keys);
  struct Row {
    uint32_t src;
    int32_t label;
    std::string id;
    uint64_t key;
  };
  std::vector<Row> rows;
  auto all = c.all_gather(w.str());
  for (size_t k = 0; k < all.size(); ++k) {
    ByteReader r(all[k], fmt::format("worker {}'s files", k));
    std::vector<uint32_t> src;
    std::vector<int32_t> labels;
    std::vector<std::string> ids;
    std::vector<uint64_t> keys;
    r.get(src);
    r.get(labels);
    r.get(ids);
    r.get(keys);
    if (labels.size() != src.size() || ids.size() != src.size() || keys.size() != src.size())
      r.fail("inconsistent sizes");
    for (size_t i = 0; i < src.size(); ++i)
      rows.push_back({src[i], labels[i], std::move(ids[i]), keys[i]});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.src < b.src; });
  SourceFiles out;
  for (Row& r : rows) {
    if (!out.src.empty() && out.src.back() == r.src)
      throw Error(fmt::format("two workers hold source file {} ('{}')", r.src, r.id));
    if (r.label < 0)
      throw Error(fmt::format("file '{}' has no label: cv needs labeled shards", r.id));
    out.src.push_back(r.src);
    out.labels.push_back(r.label);
    out.ids.push_back(std::move(r.id));
    out.keys.push_back(r.key);
  }
  return out;
}

// Every worker's predictions of its rows (`src`: each row's source position) in one table on
// worker 0, in source order; empty elsewhere.
Predictions gather_predictions(const Predictions& p, std::span<const uint32_t> src,
                               Collective& c) {
  ByteWriter w;
  w.put(std::vector<uint32_t>(src.begin(), src.end()));
  w.put(p.prob);
  struct Row {
    uint32_t src, part;
    size_t row;
  };
  std::vector<Row> order;
  std::vector<std::vector<double>> parts;
  auto all = c.all_gather(w.str());
  for (size_t k = 0; k < all.size(); ++k) {
    ByteReader r(all[k], fmt::format("worker {}'s predictions", k));
    std::vector<uint32_t> s;
    r.get(s);
    r.get(parts.emplace_back());
    if (parts.back().size() != s.size() * size_t(p.classes)) r.fail("inconsistent sizes");
    for (size_t i = 0; i < s.size(); ++i) order.push_back({s[i], uint32_t(k), i});
  }
  Predictions out = Predictions::zeros(0, p.classes);
  if (c.rank() != 0) return out;
  std::sort(order.begin(), order.end(), [](const Row& a, const Row& b) { return a.src < b.src; });
  for (const Row& o : order) {
    const auto& part = parts[o.part];
    out.prob.insert(out.prob.end(), part.begin() + o.row * p.classes,
                    part.begin() + (o.row + 1) * p.classes);
  }
  return out;
}

// One fold over every worker: worker 0 gets its result (predictions of the fold's held-out
// files in source order), the others one without predictions.
FoldResult run_fold_distributed(const Sketches& s, std::span<const uint32_t> source_rows,
                                std::span<const uint32_t> fold_of_row, uint32_t f,
                                std::span<const int32_t> valid_labels, int classes,
                                const LearnSetup& setup, Collective& c) {
  auto t0 = std::chrono::steady_clock::now();
  const bool root = c.rank() == 0;
  std::vector<uint32_t> train, valid, valid_src;
  for (uint32_t r = 0; r < s.size(); ++r) {
    (fold_of_row[r] == f ? valid : train).push_back(r);
    if (fold_of_row[r] == f) valid_src.push_back(source_rows[r]);
  }
  FoldResult out;
  out.fold = f;
  FoldReport& rep = out.report;
  rep.train_rows = size_t(c.sum(int64_t(train.size())));
  rep.valid_rows = valid_labels.size();
  FeaturePipeline pipe(feature_config(setup.params));
  pipe.set_threads(setup.threads);
  pipe.fit_global(s, train, c);
  rep.feature_seconds = seconds_since(t0);
  for (const std::string& name : setup.models) {
    auto tm = std::chrono::steady_clock::now();
    const bool shared = name == "xgb";  // trains through the collective; the rest on worker 0
    auto model = make_model(name, setup.params, {setup.seed, setup.threads, shared ? &c : nullptr});
    FeatureMatrix xt = pipe.transform(s, train, model->value_kind());
    FeatureMatrix xv = pipe.transform(s, valid, model->value_kind());
    FitReport fit;
    Predictions p;
    if (shared) {
      fit = model->fit(xt, classes);
      p = gather_predictions(model->predict_proba(xv), valid_src, c);
    } else {
      xt = gather_matrix(xt, source_rows, c);
      xv = gather_matrix(xv, source_rows, c);
      if (root) fit = model->fit(xt, classes), p = model->predict_proba(xv);
    }
    if (!root) continue;
    rep.logloss.push_back(logloss(valid_labels, p));
    rep.rounds.push_back(fit.rounds);
    rep.model_seconds.push_back(seconds_since(tm));
    for (const FeatureGain& g : model->importance())
      out.gain.emplace_back(xt.column_names().at(g.column), g.gain);
    out.predictions.push_back(std::move(p));
  }
  rep.seconds = seconds_since(t0);
  return out;
}

}  // namespace

std::optional<DistributedCv> cross_validate_distributed(const Sketches& s,
                                                        std::span<const uint32_t> source_rows,
                                                        const LearnSetup& setup, int folds,
                                                        bool group_copies, Collective& c,
                                                        const LogFn& log) {
  auto t0 = std::chrono::steady_clock::now();
  if (setup.models.empty()) throw UsageError("no models to cross-validate");
  if (source_rows.size() != s.size())
    throw Error(fmt::format("{} source positions for {} rows", source_rows.size(), s.size()));
  feature_config(setup.params);  // a bad features.* value fails before any fold runs
  SourceFiles files = gather_files(s, source_rows, c);
  // The plan one process makes for the source store: its files in store order.
  CvPlan plan;
  plan.classes = std::max(2, label_classes(files.labels));
  plan.rows.resize(files.src.size());
  std::iota(plan.rows.begin(), plan.rows.end(), 0u);
  plan.labels = files.labels;
  if (group_copies) plan.copies = copy_groups(files.keys);
  if (log && plan.copies.sets) log(copy_groups_text(plan.copies));
  plan.fold = assign_folds(plan.labels, folds, setup.seed, plan.copies.group);
  std::vector<uint32_t> fold_of_row(s.size());
  for (size_t r = 0; r < s.size(); ++r) {
    size_t pos = std::lower_bound(files.src.begin(), files.src.end(), source_rows[r]) -
                 files.src.begin();
    fold_of_row[r] = plan.fold[pos];
  }
  std::vector<FoldResult> done;
  std::vector<uint32_t> train_pos, valid_pos;
  for (int f = 0; f < folds; ++f) {
    plan.tasks.emplace_back().fold = uint32_t(f);
    split_fold(plan.fold, uint32_t(f), train_pos, valid_pos);
    std::vector<int32_t> valid_labels;
    for (uint32_t p : valid_pos) valid_labels.push_back(plan.labels[p]);
    done.push_back(run_fold_distributed(s, source_rows, fold_of_row, uint32_t(f), valid_labels,
                                        plan.classes, setup, c));
    if (log && c.rank() == 0) {
      const FoldReport& rep = done.back().report;
      std::string models;
      for (size_t m = 0; m < setup.models.size(); ++m)
        models += fmt::format(" {} {:.5f}{}", setup.models[m], rep.logloss[m],
                              rep.rounds[m] ? fmt::format(" ({} rounds)", rep.rounds[m]) : "");
      log(fmt::format("fold {}/{}: {} train, {} valid;{} in {:.1f}s{}", f + 1, folds,
                      rep.train_rows, rep.valid_rows, models, rep.seconds,
                      time_left(seconds_since(t0) / (f + 1) * (folds - f - 1))));
    }
  }
  if (c.rank() != 0) return std::nullopt;
  DistributedCv out{merge_cv(std::move(plan), std::move(done), setup), std::move(files.ids)};
  out.result.seconds = seconds_since(t0);
  if (log) log(out.result.combine.why());
  return out;
}

}  // namespace malscope
