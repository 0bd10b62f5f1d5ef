#include "eval/cv_summary.h"

#include <fmt/format.h>

#include "io/trace_batch.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json_reader.h"

namespace malscope {
namespace {

using nlohmann::json;

JsonReader reader(const std::string& source) {
  return JsonReader("CV results", source, "expected the JSON `malscope cv --json-out` writes");
}

// The four overall figures of `j` (a "metrics" object) into m.
void read_overall(const JsonReader& r, const json& j, const std::string& p, Metrics& m) {
  m.logloss = r.number(j, "logloss", p);
  m.tianchi_logloss = r.number(j, "tianchi_logloss", p);
  m.accuracy = r.number(j, "accuracy", p);
  m.macro_f1 = r.number(j, "macro_f1", p);
}

void read_metrics(const JsonReader& r, const json& j, Metrics& m) {
  read_overall(r, r.at(j, "metrics", ""), "metrics.", m);
  for (const json& x : r.array(j, "per_class", "")) {
    const std::string p = fmt::format("per_class[{}].", m.per_class.size());
    m.per_class.push_back({r.get<int>(x, "class", p), r.get<uint32_t>(x, "files", p),
                           r.number(x, "logloss", p), r.number(x, "precision", p),
                           r.number(x, "recall", p), r.number(x, "f1", p)});
    // Class names came later: optional.
    if (x.contains("name") && x["name"].is_string() && !x["name"].get<std::string>().empty()) {
      const int c = m.per_class.back().label;
      if (c >= 0 && c <= kMaxLabel) {
        if (m.class_names.size() <= size_t(c)) m.class_names.resize(c + 1);
        m.class_names[c] = x["name"].get<std::string>();
      }
    }
  }
  for (const json& x : r.array(j, "pairs", "")) {
    const std::string p = fmt::format("pairs[{}].", m.pairs.size());
    m.pairs.push_back(
        {r.get<int>(x, "class", p), r.get<uint32_t>(x, "files", p), r.number(x, "logloss", p)});
  }
  m.confusion = r.get<std::vector<std::vector<uint32_t>>>(j, "confusion", "");
  for (const auto& row : m.confusion)
    if (row.size() != m.confusion.size())
      r.fail(fmt::format("confusion must be square, has {} rows and a row of {}",
                         m.confusion.size(), row.size()));
}

// The extensions cv writes beyond the report's contract; each may be absent.
void read_extensions(const JsonReader& r, const json& j, CvSummary& c) {
  if (j.contains("blend")) {
    const json& b = r.object(j, "blend", "");
    for (const std::string& m : c.models) c.weights.push_back(r.number(b, m, "blend."));
    if (b.size() != c.models.size())
      r.fail(fmt::format("blend weighs other models ({}) than models", b.dump()));
  }
  if (j.contains("model_metrics")) {
    const json& per = r.object(j, "model_metrics", "");
    for (const std::string& m : c.models) {
      Metrics& mm = c.model_metrics.emplace_back();
      mm.files = c.metrics.files;
      mm.classes = c.metrics.classes;
      read_overall(r, r.object(per, m, "model_metrics."), "model_metrics." + m + ".", mm);
    }
  }
  if (j.contains("params")) c.params = r.object(j, "params", "");
  if (j.contains("combine")) c.combine = r.object(j, "combine", "");
  if (j.contains("copy_groups")) c.copy_groups = r.object(j, "copy_groups", "");
  if (j.contains("seconds")) c.seconds = r.number(j, "seconds", "");
  if (j.contains("fold_reports")) {
    for (const json& x : r.array(j, "fold_reports", "")) {
      const std::string p = fmt::format("fold_reports[{}].", c.fold_reports.size());
      FoldReport& f = c.fold_reports.emplace_back();
      f.train_rows = r.get<size_t>(x, "train_rows", p);
      f.valid_rows = r.get<size_t>(x, "valid_rows", p);
      f.logloss = r.get<std::vector<double>>(x, "logloss", p);
      f.rounds = r.get<std::vector<int>>(x, "rounds", p);
      if (f.logloss.size() != c.models.size() || f.rounds.size() != c.models.size())
        r.fail(fmt::format("{}logloss and {}rounds must have one entry per model ({})", p, p,
                           c.models.size()));
      for (int n : f.rounds)
        if (n < 0) r.fail(fmt::format("{}rounds must not be negative", p));
    }
    if (c.fold_reports.size() != size_t(c.folds))
      r.fail(fmt::format("fold_reports has {} folds, folds says {}", c.fold_reports.size(),
                         c.folds));
  }
}

}  // namespace

json CvSummary::to_json() const {
  json j;
  j["dataset"] = {{"store", store}, {"files", metrics.files}, {"classes", metrics.classes}};
  j["folds"] = folds;
  j["seed"] = seed;
  j["models"] = models;
  j["metrics"] = overall_json(metrics);
  j["per_class"] = per_class_json(metrics);
  j["pairs"] = pairs_json(metrics);
  j["confusion"] = metrics.confusion;
  json imp = json::array();
  for (const auto& [name, gain] : importance) imp.push_back({{"name", name}, {"gain", gain}});
  j["feature_importance"] = std::move(imp);
  j["oof_path"] = oof_path;
  if (!weights.empty()) {
    json& b = j["blend"] = json::object();
    for (size_t m = 0; m < models.size(); ++m) b[models[m]] = weights.at(m);
  }
  if (!model_metrics.empty()) {
    json& per = j["model_metrics"] = json::object();
    for (size_t m = 0; m < models.size(); ++m) per[models[m]] = overall_json(model_metrics.at(m));
  }
  if (!params.is_null()) j["params"] = params;
  if (!combine.is_null()) j["combine"] = combine;
  if (!copy_groups.is_null()) j["copy_groups"] = copy_groups;
  if (seconds) j["seconds"] = *seconds;
  if (!fold_reports.empty()) {
    json& f = j["fold_reports"] = json::array();
    for (const FoldReport& x : fold_reports)
      f.push_back({{"train_rows", x.train_rows},
                   {"valid_rows", x.valid_rows},
                   {"logloss", x.logloss},
                   {"rounds", x.rounds}});
  }
  return j;
}

CvSummary CvSummary::from_json(const json& j, const std::string& source) {
  const JsonReader r = reader(source);
  CvSummary c;
  const json& ds = r.at(j, "dataset", "");
  c.store = r.get<std::string>(ds, "store", "dataset.");
  c.metrics.files = r.get<uint32_t>(ds, "files", "dataset.");
  c.metrics.classes = r.get<int>(ds, "classes", "dataset.");
  c.folds = r.get<int>(j, "folds", "");
  c.seed = r.get<uint64_t>(j, "seed", "");
  c.models = r.get<std::vector<std::string>>(j, "models", "");
  read_metrics(r, j, c.metrics);
  for (const json& x : r.array(j, "feature_importance", "")) {
    const std::string p = fmt::format("feature_importance[{}].", c.importance.size());
    c.importance.emplace_back(r.get<std::string>(x, "name", p), r.number(x, "gain", p));
  }
  c.oof_path = r.get<std::string>(j, "oof_path", "");
  read_extensions(r, j, c);
  return c;
}

CvSummary CvSummary::parse(const std::string& text, const std::string& source) {
  return from_json(reader(source).parse(text), source);
}

CvSummary CvSummary::load(const std::string& path) {
  return parse(read_file(path), path);
}

}  // namespace malscope
