// The report section drawn from `malscope attack --json` results: detection and logloss of the
// malware files against the amount of injected benign behaviour, one chart per attack.
#include <fmt/format.h>

#include "eval/attack.h"
#include "report/report_sections.h"

namespace malscope::report {

namespace {

nlohmann::json attack_chart(const AttackResult& r, InjectionKind kind, size_t colour_index) {
  // The clean figures are amount 0 of every attack: each curve starts from them.
  nlohmann::json x = {0.0}, det = {100 * r.clean.detection}, loss = {r.clean.logloss};
  nlohmann::json text = {"clean"};
  for (const AttackRow& row : r.rows) {
    if (row.injection.kind != kind) continue;
    x.push_back(kind == InjectionKind::kThreads ? row.injection.amount
                                                : 100 * row.injection.amount);
    det.push_back(100 * row.figures.detection);
    loss.push_back(row.figures.logloss);
    text.push_back(injection_amount_text(row.injection));
  }
  const std::string axis =
      kind == InjectionKind::kThreads ? "benign threads added" : "calls added (% of the thread)";
  return {{"data",
           {{{"type", "scatter"},
             {"mode", "lines+markers"},
             {"name", "detection %"},
             {"x", x},
             {"y", det},
             {"text", text},
             {"hovertemplate", "%{text}: %{y:.2f}% detected<extra></extra>"},
             {"marker", {{"color", colour(colour_index)}}}},
            {{"type", "scatter"},
             {"mode", "lines+markers"},
             {"name", "logloss"},
             {"x", x},
             {"y", loss},
             {"yaxis", "y2"},
             {"text", text},
             {"hovertemplate", "%{text}: logloss %{y:.4f}<extra></extra>"},
             {"line", {{"dash", "dot"}}},
             {"marker", {{"color", colour(colour_index + 3)}}}}}},
          {"layout",
           chart_layout(fmt::format("Attack: {}", injection_name(kind)),
                        {{"xaxis", {{"title", {{"text", axis}}}}},
                         {"yaxis", {{"title", {{"text", "detection %"}}}, {"range", {0, 100.5}}}},
                         {"yaxis2",
                          {{"title", {{"text", "logloss"}}},
                           {"overlaying", "y"},
                           {"side", "right"},
                           {"rangemode", "tozero"}}},
                         {"legend", {{"orientation", "h"}}}})}};
}

}  // namespace

void attack_section(HtmlPage& page, const ReportInputs& in) {
  const AttackResult& r = *in.attack;
  page.section("attack", "Evasion: injected benign behaviour");
  page.paragraph(fmt::format(
      "Model {} on {}: {} malware files of {} attacked in memory with benign behaviour from {} "
      "({} donor files; padding with {}); seed {}. Detection: malware predicted as any malware "
      "class. Clean: detection {}, logloss {:.4f} on the malware files, {:.4f} on all files.",
      r.model, r.store, r.malware_files, r.files,
      r.donors.empty() ? std::string("the store's class-0 files") : r.donors, r.donor_files,
      fmt::format("{}", fmt::join(r.noop_apis, ", ")), r.seed, pct(r.clean.detection, 2),
      r.clean.logloss, r.clean_logloss_all));
  page.begin_grid(3);
  size_t i = 0;
  for (auto kind : {InjectionKind::kThreads, InjectionKind::kInterleave, InjectionKind::kPadding})
    page.chart(attack_chart(r, kind, i++), 340);
  page.end_grid();
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"clean", "-", pct(r.clean.detection, 2), "-",
                  fmt::format("{:.4f}", r.clean.logloss), fmt::format("{:.4f}", r.clean.p_benign),
                  fmt::format("{:.0f}", r.clean_mean_calls)});
  for (const AttackRow& row : r.rows)
    rows.push_back({std::string(injection_name(row.injection.kind)),
                    injection_amount_text(row.injection), pct(row.figures.detection, 2),
                    fmt::format("{:+.2f}", 100 * (row.figures.detection - r.clean.detection)),
                    fmt::format("{:.4f}", row.figures.logloss),
                    fmt::format("{:.4f}", row.figures.p_benign),
                    fmt::format("{:.0f}", row.mean_calls), pct(row.false_alarms, 2)});
  page.table({"attack", "amount", "detection", "change (points)", "logloss", "mean p(benign)",
              "calls per file", "false alarms (class 0 attacked)"},
             rows);
}

}  // namespace malscope::report
