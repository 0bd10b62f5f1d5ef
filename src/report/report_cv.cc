// The report section drawn from `malscope cv --json-out` results.
#include <fmt/format.h>
#include <algorithm>

#include "analysis/class_probs.h"
#include "report/report_sections.h"

namespace malscope::report {

namespace {

nlohmann::json confusion_chart(const CvSummary& cv, const std::vector<std::string>& names) {
  // Row-normalised colour (recall per true class), counts as text.
  nlohmann::json z = nlohmann::json::array(), text = nlohmann::json::array();
  for (const auto& row : cv.metrics.confusion) {
    uint64_t total = 0;
    for (uint32_t n : row) total += n;
    nlohmann::json zr = nlohmann::json::array(), tr = nlohmann::json::array();
    for (uint32_t n : row) {
      zr.push_back(total ? double(n) / total : 0.0);
      tr.push_back(std::to_string(n));
    }
    z.push_back(zr);
    text.push_back(tr);
  }
  return {{"data",
           {{{"type", "heatmap"},
             {"z", z},
             {"x", names},
             {"y", names},
             {"text", text},
             {"texttemplate", "%{text}"},
             {"colorscale", "Blues"},
             {"reversescale", true},
             {"zmin", 0},
             {"zmax", 1},
             {"colorbar", {{"title", {{"text", "share of row"}}}}},
             {"hovertemplate", "true %{y}<br>predicted %{x}<br>%{text} files<extra></extra>"}}}},
          {"layout",
           chart_layout("Confusion matrix (rows: true class)",
                        {{"xaxis", {{"title", {{"text", "predicted"}}}, {"type", "category"}}},
                         {"yaxis",
                          {{"title", {{"text", "true"}}},
                           {"type", "category"},
                           {"autorange", "reversed"},
                           {"automargin", true}}}})}};
}

}  // namespace

void cv_section(HtmlPage& page, const ReportInputs& in) {
  const CvSummary& cv = *in.cv;
  page.section("cv", "Cross-validation");
  std::string models;
  for (const auto& m : cv.models) models += (models.empty() ? "" : ", ") + m;
  page.paragraph(
      fmt::format("{}-fold CV (seed {}) on {} ({} files, {} classes); models: {}. "
                  "Out-of-fold predictions: {}.",
                  cv.folds, cv.seed, cv.store, cv.metrics.files, cv.metrics.classes, models,
                  cv.oof_path.empty() ? "not saved" : cv.oof_path));
  const Metrics& m = cv.metrics;
  if (m.files != in.store.num_files() || m.classes != in.store.num_classes())
    page.callout(fmt::format("These CV results are for {} files of {} classes; this store has {} "
                             "files of {} classes.",
                             m.files, m.classes, in.store.num_files(), in.store.num_classes()),
                 "warn");
  page.table({"logloss", "Tianchi logloss", "accuracy", "macro F1"},
             {{fmt::format("{:.4f}", m.logloss), fmt::format("{:.4f}", m.tianchi_logloss),
               pct(m.accuracy, 2), fmt::format("{:.4f}", m.macro_f1)}});
  std::vector<std::string> names;
  for (int c = 0; c < static_cast<int>(m.confusion.size()); ++c)
    names.push_back(class_name(c, m.classes, in.audit.class_names));
  std::vector<std::vector<std::string>> per_class;
  nlohmann::json x = nlohmann::json::array(), y = nlohmann::json::array();
  for (const auto& p : m.per_class) {
    std::string name = class_name(p.label, m.classes, in.audit.class_names);
    per_class.push_back({std::to_string(p.label), name, std::to_string(p.files),
                         fmt::format("{:.4f}", p.logloss), fmt::format("{:.3f}", p.precision),
                         fmt::format("{:.3f}", p.recall), fmt::format("{:.3f}", p.f1)});
    x.push_back(name);
    y.push_back(p.logloss);
  }
  page.begin_grid(2);
  if (!m.confusion.empty()) page.chart(confusion_chart(cv, names), 420);
  page.chart({{"data", {{{"type", "bar"}, {"x", x}, {"y", y}, {"marker", {{"color", colour(2)}}}}}},
              {"layout", chart_layout("Logloss per true class",
                                      {{"yaxis", {{"title", {{"text", "logloss"}}}}}})}},
             420);
  page.end_grid();
  page.table({"class", "name", "files", "logloss", "precision", "recall", "F1"}, per_class);

  page.subheading("Class 0 against each class k");
  page.paragraph(
      "Binary logloss over the files of class 0 and class k, with p(k) / (p(0) + p(k)) "
      "as the probability of k: which families the model confuses with normal files.");
  std::vector<std::vector<std::string>> pairs;
  nlohmann::json px = nlohmann::json::array(), py = nlohmann::json::array();
  for (const auto& p : m.pairs) {
    std::string name = class_name(p.label, m.classes, in.audit.class_names);
    pairs.push_back({fmt::format("0 vs {}", p.label), name, std::to_string(p.files),
                     fmt::format("{:.4f}", p.logloss)});
    px.push_back(name);
    py.push_back(p.logloss);
  }
  page.begin_grid(2);
  page.chart(
      {{"data", {{{"type", "bar"}, {"x", px}, {"y", py}, {"marker", {{"color", colour(3)}}}}}},
       {"layout", chart_layout("Class 0 vs k: binary logloss")}},
      320);
  page.table({"pair", "class k", "files", "logloss"}, pairs);
  page.end_grid();

  page.subheading("Feature importance");
  nlohmann::json fx = nlohmann::json::array(), fy = nlohmann::json::array();
  for (size_t i = cv.importance.size(); i-- > 0;) {
    fy.push_back(cv.importance[i].first);
    fx.push_back(cv.importance[i].second);
  }
  page.chart(
      {{"data",
        {{{"type", "bar"},
          {"orientation", "h"},
          {"x", fx},
          {"y", fy},
          {"marker", {{"color", colour(0)}}}}}},
       {"layout", chart_layout("Top features by gain (tree model)",
                               {{"yaxis", {{"automargin", true}, {"tickfont", {{"size", 10}}}}},
                                {"xaxis", {{"title", {{"text", "gain"}}}}}})}},
      static_cast<int>(std::max<size_t>(300, 80 + 16 * cv.importance.size())));
}

}  // namespace malscope::report
