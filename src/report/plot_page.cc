#include "report/plot_page.h"

#include <fmt/format.h>
#include <algorithm>

#include "analysis/class_probs.h"
#include "analysis/sample_plot.h"
#include "report/html_page.h"
#include "report/report_sections.h"
#include "report/sample_charts.h"
#include "util/error.h"

namespace malscope {

const ParamTable<PlotPageOptions>& plot_page_params() {
  static const ParamTable<PlotPageOptions> table{
      {"max-points", &PlotPageOptions::max_points, 100, 1000000,
       "Points per sample; larger samples are thinned (the page says how)"}};
  return table;
}

int sample_chart_height(size_t apis) {
  return static_cast<int>(std::clamp<size_t>(14 * apis + 140, 380, 1100));
}

std::string plot_page(const TraceStore& store, const FamilyMap& families,
                      const std::vector<uint32_t>& files, const PlotPageOptions& opt) {
  if (files.empty() || files.size() > kMaxPlotSamples)
    throw UsageError(
        fmt::format("plot takes 1 to {} files, got {}", kMaxPlotSamples, files.size()));
  std::vector<SamplePoints> samples;
  for (uint32_t f : files) samples.push_back(sample_points(store, f, opt.max_points));
  ApiAxis axis = api_axis(store.apis(), families, samples);
  const int k = store.labeled() ? store.num_classes() : 0;

  std::string ids;
  for (const auto& s : samples) ids += (ids.empty() ? "" : ", ") + s.id;
  HtmlPage page(fmt::format("malscope plot: {}", ids),
                fmt::format("store {} · x: call position (index), y: API (grouped by family), "
                            "colour and z: thread",
                            store.path()));
  page.set_shared("apis", axis.names);
  page.section("samples", "Calls per sample");
  page.paragraph(
      "Each point is an API call. Drag to zoom the 2-D plots (double-click resets); drag to "
      "rotate the 3-D plots and scroll to zoom. Hover a point for its API, position and thread.");
  page.begin_grid(static_cast<int>(std::min<size_t>(samples.size(), 3)));
  for (const SamplePoints& s : samples) {
    std::string title =
        s.label >= 0 ? fmt::format("{} · {}", s.id, class_name(s.label, k, opt.class_names)) : s.id;
    page.raw("<div>");
    page.subheading(title);
    page.raw(report::sample_note(s));
    page.chart(sample_chart(s, axis, title + " · 2-D", false, s.size() > 3000),
               sample_chart_height(axis.names.size()));
    page.chart(sample_chart(s, axis, title + " · 3-D", true, true), 560);
    page.raw("</div>\n");
  }
  page.end_grid();
  return page.render();
}

}  // namespace malscope
