#include "eval/fold_task.h"

#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <optional>

#include "eval/cv.h"
#include "models/model.h"
#include "util/error.h"
#include "util/json_reader.h"
#include "util/stopwatch.h"

namespace malscope {
namespace {

using nlohmann::json;

// Train and held-out matrices of one value kind; rebuilt only when the kind changes.
struct FoldMatrices {
  std::optional<ValueKind> kind;
  FeatureMatrix train, valid;
  void ensure(const FeaturePipeline& pipe, const Sketches& s, std::span<const uint32_t> tr,
              std::span<const uint32_t> va, ValueKind k) {
    if (kind == k) return;
    train = FeatureMatrix{};
    valid = FeatureMatrix{};
    train = pipe.transform(s, tr, k);
    valid = pipe.transform(s, va, k);
    kind = k;
  }
};

void check_rows(const Sketches& s, const FoldTask& t, std::span<const uint32_t> rows) {
  for (uint32_t row : rows) {
    if (row >= s.size())
      throw Error(fmt::format("fold {}: row {} is outside the {} files", t.fold, row, s.size()));
    if (s.label(row) < 0 || s.label(row) >= t.classes)
      throw Error(fmt::format("fold {}: row {} has label {}, outside 0..{}", t.fold, row,
                              s.label(row), t.classes - 1));
  }
}

JsonReader task_reader(const std::string& kind, const std::string& source) {
  return JsonReader(kind, source, fmt::format("expected the JSON of a {}", kind));
}

json report_json(const FoldReport& r) {
  return {{"train_rows", r.train_rows},
          {"valid_rows", r.valid_rows},
          {"logloss", r.logloss},
          {"rounds", r.rounds},
          {"model_seconds", r.model_seconds},
          {"feature_seconds", r.feature_seconds},
          {"seconds", r.seconds}};
}

FoldReport read_report(const JsonReader& r, const json& j) {
  const std::string p = "report.";
  FoldReport rep;
  rep.train_rows = r.get<size_t>(j, "train_rows", p);
  rep.valid_rows = r.get<size_t>(j, "valid_rows", p);
  rep.logloss = r.get<std::vector<double>>(j, "logloss", p);
  rep.rounds = r.get<std::vector<int>>(j, "rounds", p);
  rep.model_seconds = r.get<std::vector<double>>(j, "model_seconds", p);
  rep.feature_seconds = r.number(j, "feature_seconds", p);
  rep.seconds = r.number(j, "seconds", p);
  return rep;
}

}  // namespace

json FoldTask::to_json() const {
  return {{"fold", fold},       {"train_rows", train_rows}, {"valid_rows", valid_rows},
          {"classes", classes}, {"models", models},         {"params", params.to_json()},
          {"seed", seed},       {"threads", threads},       {"keep_member", keep_member}};
}

FoldTask FoldTask::from_json(const json& j, const std::string& source) {
  const JsonReader r = task_reader("fold task", source);
  FoldTask t;
  t.fold = r.get<uint32_t>(j, "fold", "");
  t.train_rows = r.get<std::vector<uint32_t>>(j, "train_rows", "");
  t.valid_rows = r.get<std::vector<uint32_t>>(j, "valid_rows", "");
  t.classes = r.get<int>(j, "classes", "");
  t.models = r.get<std::vector<std::string>>(j, "models", "");
  try {
    t.params.update(r.object(j, "params", ""));
  } catch (const UsageError& e) {
    r.fail(fmt::format("params: {}", e.what()));
  }
  t.seed = r.get<uint64_t>(j, "seed", "");
  t.threads = r.get<int>(j, "threads", "");
  t.keep_member = r.get<bool>(j, "keep_member", "");
  if (t.classes < 2) r.fail(fmt::format("classes must be at least 2, is {}", t.classes));
  if (t.threads < 1) r.fail(fmt::format("threads must be at least 1, is {}", t.threads));
  return t;
}

json FoldResult::to_json() const {
  json pred = json::array(), g = json::array();
  for (const Predictions& p : predictions)
    pred.push_back({{"classes", p.classes}, {"prob", p.prob}});
  for (const auto& [name, gain_of] : gain) g.push_back(json::array({name, gain_of}));
  return {{"fold", fold}, {"report", report_json(report)}, {"predictions", pred}, {"gain", g}};
}

FoldResult FoldResult::from_json(const json& j, const std::string& source) {
  const JsonReader r = task_reader("fold result", source);
  FoldResult out;
  out.fold = r.get<uint32_t>(j, "fold", "");
  out.report = read_report(r, r.object(j, "report", ""));
  for (const json& x : r.array(j, "predictions", "")) {
    const std::string p = fmt::format("predictions[{}].", out.predictions.size());
    Predictions& pr = out.predictions.emplace_back();
    pr.classes = r.get<int>(x, "classes", p);
    pr.prob = r.get<std::vector<double>>(x, "prob", p);
    if (pr.classes < 1 || pr.rows() * pr.classes != pr.prob.size() ||
        pr.rows() != out.report.valid_rows)
      r.fail(fmt::format("{}prob has {} values, not {} rows of {} classes", p, pr.prob.size(),
                         out.report.valid_rows, pr.classes));
  }
  const size_t models = out.predictions.size();
  if (out.report.logloss.size() != models || out.report.rounds.size() != models ||
      out.report.model_seconds.size() != models)
    r.fail(fmt::format("report has figures of another number of models than the {} predicted",
                       models));
  for (const json& x : r.array(j, "gain", "")) {
    const std::string p = fmt::format("gain[{}]", out.gain.size());
    if (!x.is_array() || x.size() != 2 || !x[0].is_string() || !x[1].is_number())
      r.fail(p + " must be [column name, gain]");
    out.gain.emplace_back(x[0].get<std::string>(), x[1].get<double>());
  }
  return out;
}

FoldResult run_fold(const Sketches& s, const FoldTask& task) {
  auto t0 = std::chrono::steady_clock::now();
  if (task.models.empty()) throw UsageError("no models to cross-validate");
  check_rows(s, task, task.train_rows);
  check_rows(s, task, task.valid_rows);
  FoldResult out;
  out.fold = task.fold;
  FeaturePipeline pipe(feature_config(task.params));
  pipe.set_threads(task.threads);
  pipe.fit(s, task.train_rows);
  FoldMatrices m;
  FoldReport& rep = out.report;
  rep.feature_seconds = seconds_since(t0);
  rep.train_rows = task.train_rows.size();
  rep.valid_rows = task.valid_rows.size();
  std::vector<int32_t> valid_labels;
  for (uint32_t row : task.valid_rows) valid_labels.push_back(s.label(row));
  const ModelContext ctx{task.seed, task.threads};
  std::vector<std::unique_ptr<Model>> kept;
  for (const std::string& name : task.models) {
    auto model = make_model(name, task.params, ctx);
    auto tf = std::chrono::steady_clock::now();
    m.ensure(pipe, s, task.train_rows, task.valid_rows, model->value_kind());
    auto tm = std::chrono::steady_clock::now();
    rep.feature_seconds += std::chrono::duration<double>(tm - tf).count();
    FitReport fit = model->fit(m.train, task.classes);
    out.predictions.push_back(model->predict_proba(m.valid));
    rep.logloss.push_back(logloss(valid_labels, out.predictions.back()));
    rep.rounds.push_back(fit.rounds);
    rep.model_seconds.push_back(seconds_since(tm));
    for (const FeatureGain& g : model->importance())
      out.gain.emplace_back(m.train.column_names().at(g.column), g.gain);
    if (task.keep_member) kept.push_back(std::move(model));
  }
  if (task.keep_member) out.member = BundleMember{std::move(pipe), std::move(kept)};
  rep.seconds = seconds_since(t0);
  return out;
}

std::vector<FoldTask> split_by_model(const FoldTask& task) {
  if (task.models.size() <= 1) return {task};
  std::vector<FoldTask> out;
  for (const std::string& m : task.models) {
    FoldTask& t = out.emplace_back(task);
    t.models = {m};
  }
  return out;
}

FoldResult join_fold_parts(std::vector<FoldResult> parts) {
  if (parts.empty()) throw Error("join_fold_parts: no parts");
  FoldResult out = std::move(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    FoldResult& p = parts[i];
    FoldReport& a = out.report;
    const FoldReport& b = p.report;
    if (p.fold != out.fold || b.train_rows != a.train_rows || b.valid_rows != a.valid_rows)
      throw Error(
          fmt::format("join_fold_parts: part {} is of fold {}, not fold {}", i, p.fold, out.fold));
    a.logloss.insert(a.logloss.end(), b.logloss.begin(), b.logloss.end());
    a.rounds.insert(a.rounds.end(), b.rounds.begin(), b.rounds.end());
    a.model_seconds.insert(a.model_seconds.end(), b.model_seconds.begin(), b.model_seconds.end());
    a.feature_seconds += b.feature_seconds;
    a.seconds += b.seconds;
    for (Predictions& x : p.predictions) out.predictions.push_back(std::move(x));
    out.gain.insert(out.gain.end(), p.gain.begin(), p.gain.end());
    if (out.member.has_value() != p.member.has_value())
      throw Error(fmt::format("join_fold_parts: part {} of fold {} {} its member, part 0 {}", i,
                              out.fold, p.member ? "kept" : "did not keep",
                              out.member ? "did" : "did not"));
    if (p.member)
      for (auto& m : p.member->models) out.member->models.push_back(std::move(m));
  }
  return out;
}

}  // namespace malscope
