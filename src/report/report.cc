#include "report/report.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <set>

#include "analysis/sample_plot.h"
#include "report/plot_page.h"
#include "report/report_sections.h"
#include "report/sample_charts.h"
#include "store/store_info.h"
#include "util/progress.h"

namespace malscope {

namespace report {

std::string colour(size_t i) {
  static const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                   "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
                                   "#1f77b4", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
                                   "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5"};
  return kPalette[i % std::size(kPalette)];
}

std::string pct(double share, int decimals) {
  return fmt::format("{:.{}f}%", 100 * share, decimals);
}

nlohmann::json chart_layout(const std::string& title, nlohmann::json extra) {
  nlohmann::json l = {{"title", {{"text", title}, {"font", {{"size", 14}}}}},
                      {"margin", {{"l", 60}, {"r", 10}, {"t", 40}, {"b", 60}}}};
  l.update(extra);
  return l;
}

std::string sample_note(const SamplePoints& s) {
  std::set<uint32_t> processes(s.pids.begin(), s.pids.end());
  std::string of = processes.empty() ? "" : fmt::format(" of {} processes", processes.size());
  return fmt::format("<p class=\"note\">{} calls in {} threads{}, {} distinct APIs. {}.</p>\n",
                     s.calls, s.tids.size(), of, s.distinct_apis, html_escape(s.note()));
}

namespace {
nlohmann::json log_y(const std::string& title) {
  return {{"yaxis", {{"title", {{"text", title}}}, {"type", "log"}}}};
}
}  // namespace

void overview_section(HtmlPage& page, const ReportInputs& in) {
  const Profile& p = in.profile;
  StoreInfo info = describe(in.store);
  page.section("overview", "Dataset");
  page.paragraph(fmt::format(
      "{} files, {} API calls ({}), {} distinct APIs, {} threads; calls per file: median {:.0f}, "
      "p90 {:.0f}, max {:.0f}; threads per file: median {:.0f}, max {:.0f}.",
      info.files, info.rows, human_count(info.rows), info.distinct_apis, info.threads,
      info.calls_per_file.p50, info.calls_per_file.p90, info.calls_per_file.max,
      info.threads_per_file.p50, info.threads_per_file.max));
  std::vector<std::vector<std::string>> rows;
  nlohmann::json names = nlohmann::json::array(), files = nlohmann::json::array();
  nlohmann::json p10 = nlohmann::json::array(), p50 = nlohmann::json::array(),
                 p90 = nlohmann::json::array();
  for (const ClassProfile& c : p.classes) {
    const TraitStats& calls = c.traits[0];
    const TraitStats& threads = c.traits[2];
    rows.push_back({c.label < 0 ? "-" : std::to_string(c.label), c.name, std::to_string(c.files),
                    pct(p.files ? double(c.files) / p.files : 0, 2), human_count(c.calls),
                    fmt::format("{:.0f}", calls.mean), fmt::format("{:.0f}", calls.p50),
                    fmt::format("{:.1f}", threads.mean)});
    names.push_back(c.name);
    files.push_back(c.files);
    p10.push_back(std::max(calls.p10, 1.0));
    p50.push_back(std::max(calls.p50, 1.0));
    p90.push_back(std::max(calls.p90, 1.0));
  }
  page.table({"class", "name", "files", "share", "calls", "calls/file", "median calls/file",
              "threads/file"},
             rows);
  page.begin_grid(2);
  page.chart({{"data",
               {{{"type", "bar"}, {"x", names}, {"y", files}, {"marker", {{"color", colour(0)}}}}}},
              {"layout", chart_layout("Files per class", log_y("files (log)"))}},
             340);
  nlohmann::json traces = nlohmann::json::array();
  const std::pair<const char*, nlohmann::json*> q[] = {
      {"p10", &p10}, {"median", &p50}, {"p90", &p90}};
  for (size_t i = 0; i < std::size(q); ++i)
    traces.push_back({{"type", "bar"},
                      {"name", q[i].first},
                      {"x", names},
                      {"y", *q[i].second},
                      {"marker", {{"color", colour(i + 1)}}}});
  page.chart({{"data", traces}, {"layout", chart_layout("Calls per file", log_y("calls (log)"))}},
             340);
  page.end_grid();
}

void pies_section(HtmlPage& page, const ReportInputs& in, const ReportOptions& opt) {
  const Profile& p = in.profile;
  page.section("pies", "What each class calls");
  page.paragraph(
      fmt::format("Share of all calls of a class that go to each API (the {} largest, the rest as "
                  "\"other\"). One colour per API across the pies.",
                  opt.pie_apis));
  std::vector<int> colour_of(p.apis.size(), -1);
  int next = 0;
  page.begin_grid(std::min<int>(3, static_cast<int>(p.classes.size())));
  for (const ClassProfile& c : p.classes) {
    if (!c.files) continue;
    nlohmann::json labels = nlohmann::json::array(), values = nlohmann::json::array(),
                   colours = nlohmann::json::array();
    uint64_t listed = 0;
    for (size_t i = 0; i < std::min(opt.pie_apis, c.api_calls.size()); ++i) {
      auto [api, calls] = c.api_calls[i];
      if (colour_of[api] < 0) colour_of[api] = next++;
      labels.push_back(p.apis[api]);
      values.push_back(calls);
      colours.push_back(colour(colour_of[api]));
      listed += calls;
    }
    if (listed < c.calls) {
      labels.push_back("other");
      values.push_back(c.calls - listed);
      colours.push_back("#d0d4db");
    }
    page.chart(
        {{"data",
          {{{"type", "pie"},
            {"labels", labels},
            {"values", values},
            {"sort", false},
            {"marker", {{"colors", colours}}},
            {"textinfo", "percent"},
            {"textposition", "inside"},
            {"hole", 0.3}}}},
         {"layout",
          {{"title",
            {{"text", fmt::format("{} ({} files)", c.name, c.files)}, {"font", {{"size", 14}}}}},
           {"margin", {{"l", 10}, {"r", 10}, {"t", 40}, {"b", 10}}},
           {"legend", {{"font", {{"size", 10}}}}}}}},
        360);
  }
  page.end_grid();
}

void examples_section(HtmlPage& page, const ReportInputs& in, const ReportOptions& opt) {
  const Profile& p = in.profile;
  page.section("examples", "Example samples");
  page.paragraph(
      "One typical file per class (its call count is nearest the class median): x is the call "
      "position, y the API (grouped by family), colour the thread; the 3-D view adds the thread "
      "as depth. Drag to zoom or rotate, hover for details; `malscope plot STORE --file ID` "
      "draws any file, several side by side.");
  std::vector<int64_t> files = example_files(in.store, p);
  std::vector<SamplePoints> samples;
  std::vector<size_t> class_of;
  for (size_t c = 0; c < files.size(); ++c) {
    if (files[c] < 0) continue;
    samples.push_back(sample_points(in.store, static_cast<uint32_t>(files[c]), opt.example_points));
    class_of.push_back(c);
  }
  ApiAxis axis = api_axis(p.apis, in.families, samples);
  page.set_shared("apis", axis.names);
  for (size_t i = 0; i < samples.size(); ++i) {
    const SamplePoints& s = samples[i];
    const std::string title = fmt::format("{} · file {}", p.classes[class_of[i]].name, s.id);
    page.subheading(title);
    page.raw(report::sample_note(s));
    page.begin_grid(2);
    page.chart(sample_chart(s, axis, title + " · 2-D", false, false),
               std::min(sample_chart_height(axis.names.size()), 700));
    page.chart(sample_chart(s, axis, title + " · 3-D", true, true), 520);
    page.end_grid();
  }
}

}  // namespace report

std::vector<int64_t> example_files(const TraceStore& store, const Profile& p) {
  std::vector<int64_t> best(p.classes.size(), -1);
  std::vector<double> gap(p.classes.size(), 0);
  for (uint32_t f = 0; f < store.num_files(); ++f) {
    const int c = store.labeled() ? store.label(f) : 0;
    if (c < 0 || static_cast<size_t>(c) >= p.classes.size()) continue;
    const double d = std::abs(double(store.file_rows(f)) - p.classes[c].traits[0].p50);
    if (best[c] < 0 || d < gap[c]) best[c] = f, gap[c] = d;
  }
  return best;
}

const ParamTable<ReportOptions>& report_params() {
  static const ParamTable<ReportOptions> table{
      {"example-points", &ReportOptions::example_points, 100, 20000,
       "Points per example plot; larger samples are thinned (the page says how)"}};
  return table;
}

std::string report_html(const ReportInputs& in, const ReportOptions& opt) {
  const std::string kind = in.profile.classes.size() == 1 && in.profile.classes[0].label < 0
                               ? std::string("unlabeled")
                               : fmt::format("{} classes", in.profile.classes.size());
  HtmlPage page(fmt::format("malscope report: {}", in.store.path()),
                fmt::format("{} files · {} calls · {}", in.store.num_files(),
                            human_count(in.store.num_rows()), kind));
  report::overview_section(page, in);
  report::pies_section(page, in, opt);
  report::distinctive_section(page, in, opt);
  report::traits_section(page, in);
  report::examples_section(page, in, opt);
  report::audit_section(page, in);
  if (in.test && in.overlap) report::overlap_section(page, in);
  if (in.cv) report::cv_section(page, in);
  if (in.attack) report::attack_section(page, in);
  return page.render();
}

}  // namespace malscope
