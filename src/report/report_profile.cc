// Report sections drawn from the profile: distinctive APIs and thread-structure traits.
#include <fmt/format.h>
#include <algorithm>

#include "report/report_sections.h"

namespace malscope::report {

namespace {

std::vector<std::string> contrast_row(const ApiContrast& c, const Profile& p,
                                      const ClassProfile& k) {
  return {p.apis[c.api],
          pct(c.share_k, 3),
          pct(c.share_0, 3),
          fmt::format("{:+.2f}", c.log2_ratio),
          fmt::format("{:+.1f}", c.z_volume),
          fmt::format("{}/{}", c.files_k, k.files),
          fmt::format("{}/{}", c.files_0, p.classes[0].files),
          fmt::format("{:+.2f}", c.log_odds),
          fmt::format("{:+.1f}", c.z_presence)};
}

const std::vector<std::string> kContrastHeader = {"API",        "share k",  "share 0",
                                                  "log2 ratio", "z volume", "files k",
                                                  "files 0",    "log odds", "z presence"};

nlohmann::json score_bars(const ClassProfile& c, const Profile& p, size_t n) {
  nlohmann::json names = nlohmann::json::array(), scores = nlohmann::json::array(),
                 colours = nlohmann::json::array();
  // Under-represented first so the strongest over-represented API ends on top.
  for (size_t i = 0; i < std::min(n, c.under.size()); ++i) {
    names.push_back(p.apis[c.under[i].api]);
    scores.push_back(c.under[i].score);
    colours.push_back("#4e79a7");
  }
  for (size_t i = std::min(n, c.over.size()); i-- > 0;) {
    names.push_back(p.apis[c.over[i].api]);
    scores.push_back(c.over[i].score);
    colours.push_back("#e15759");
  }
  return {{"data",
           {{{"type", "bar"},
             {"orientation", "h"},
             {"x", scores},
             {"y", names},
             {"marker", {{"color", colours}}}}}},
          {"layout",
           {{"title",
             {{"text", fmt::format("{} against {}: z-score", c.name, p.classes[0].name)},
              {"font", {{"size", 14}}}}},
            {"margin", {{"l", 10}, {"r", 10}, {"t", 40}, {"b", 40}}},
            {"yaxis", {{"automargin", true}, {"tickfont", {{"size", 10}}}}},
            {"xaxis", {{"title", {{"text", "z (> 0 over-, < 0 under-represented)"}}}}}}}};
}

}  // namespace

void distinctive_section(HtmlPage& page, const ReportInputs& in, const ReportOptions& opt) {
  const Profile& p = in.profile;
  page.section("distinctive", "Distinctive APIs");
  if (p.classes.size() < 2 || p.classes[0].label != 0) {
    page.paragraph("Needs a labeled store with class 0 and at least one other class.");
    return;
  }
  page.paragraph(
      "Each API of class k against class 0, two ways. Presence: the files that call it, as a log "
      "odds ratio with its Wald z-score (0.5 added to each cell). Volume: its mean share of a "
      "file's calls, as log2(share k / share 0) with a Welch z-score. The bars show the z of "
      "larger magnitude; with thousands of files |z| > 4 is far beyond chance.");
  for (const ClassProfile& c : p.classes) {
    if (c.label <= 0 || (c.over.empty() && c.under.empty())) continue;
    page.subheading(fmt::format("{} ({} files) against {} ({} files)", c.name, c.files,
                                p.classes[0].name, p.classes[0].files));
    page.begin_grid("minmax(0, 2fr) minmax(0, 3fr)");
    size_t bars =
        std::min(c.over.size(), opt.distinctive) + std::min(c.under.size(), opt.distinctive);
    page.chart(score_bars(c, p, opt.distinctive),
               static_cast<int>(std::max<size_t>(300, 90 + 18 * bars)));
    page.raw("<div>");
    std::vector<std::vector<std::string>> over, under;
    for (size_t i = 0; i < std::min(opt.distinctive, c.over.size()); ++i)
      over.push_back(contrast_row(c.over[i], p, c));
    for (size_t i = 0; i < std::min(opt.distinctive, c.under.size()); ++i)
      under.push_back(contrast_row(c.under[i], p, c));
    page.raw("<p class=\"note\">over-represented</p>");
    page.table(kContrastHeader, over);
    page.raw("<p class=\"note\">under-represented</p>");
    page.table(kContrastHeader, under);
    page.raw("</div>");
    page.end_grid();
  }
}

void traits_section(HtmlPage& page, const ReportInputs& in) {
  const Profile& p = in.profile;
  page.section("traits", "Thread structure and API families");
  page.paragraph(
      "Per file, then summarised per class as mean (median). identical_threads_*: threads running "
      "the same call sequence (DDoS trojans); prefix_*: threads that are prefixes of the longest "
      "thread, and how much of it they share (worms); family_share_*: share of calls per API "
      "family; family_thread_max_share_*: the family's largest share within one thread of 20+ "
      "calls (a miner hiding its network I/O in one thread).");
  std::vector<std::string> header = {"trait"};
  for (const auto& c : p.classes) header.push_back(c.name);
  std::vector<std::vector<std::string>> rows;
  for (size_t t = 0; t < p.trait_names.size(); ++t) {
    std::vector<std::string> row = {p.trait_names[t]};
    for (const auto& c : p.classes) {
      const TraitStats& s = c.traits[t];
      row.push_back(std::abs(s.mean) >= 100 ? fmt::format("{:.0f} ({:.0f})", s.mean, s.p50)
                                            : fmt::format("{:.3f} ({:.3f})", s.mean, s.p50));
    }
    rows.push_back(row);
  }
  nlohmann::json names = nlohmann::json::array();
  for (const auto& c : p.classes) names.push_back(c.name);
  nlohmann::json families = nlohmann::json::array(), structure = nlohmann::json::array();
  size_t fam = 0;
  for (size_t t = 0; t < p.trait_names.size(); ++t) {
    const std::string& n = p.trait_names[t];
    nlohmann::json y = nlohmann::json::array();
    for (const auto& c : p.classes) y.push_back(c.traits[t].mean);
    if (n.rfind("family_share_", 0) == 0)
      families.push_back({{"type", "bar"},
                          {"name", n.substr(13)},
                          {"x", names},
                          {"y", y},
                          {"marker", {{"color", colour(fam++)}}}});
    else if (n == "identical_threads_share" || n == "prefix_threads_share" ||
             n == "prefix_overlap_mean")
      structure.push_back({{"type", "bar"},
                           {"name", n},
                           {"x", names},
                           {"y", y},
                           {"marker", {{"color", colour(structure.size() + 4)}}}});
  }
  page.begin_grid(2);
  page.chart(
      {{"data", families},
       {"layout",
        {{"title",
          {{"text", "API family mix (mean share of a file's calls)"}, {"font", {{"size", 14}}}}},
         {"barmode", "stack"},
         {"margin", {{"l", 50}, {"r", 10}, {"t", 40}, {"b", 60}}}}}},
      380);
  page.chart({{"data", structure},
              {"layout",
               {{"title", {{"text", "Thread structure (mean per file)"}, {"font", {{"size", 14}}}}},
                {"margin", {{"l", 50}, {"r", 10}, {"t", 40}, {"b", 60}}}}}},
             380);
  page.end_grid();
  page.table(header, rows);
}

}  // namespace malscope::report
