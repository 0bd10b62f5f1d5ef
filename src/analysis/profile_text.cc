// The profile as JSON and as text tables.
#include <fmt/format.h>

#include "analysis/profile.h"
#include "analysis/text_table.h"
#include "util/progress.h"

namespace malscope {

namespace {

nlohmann::json contrast_json(const ApiContrast& c, const Profile& p) {
  return {{"api", p.apis[c.api]},       {"files_k", c.files_k},   {"files_0", c.files_0},
          {"calls_k", c.calls_k},       {"calls_0", c.calls_0},   {"share_k", c.share_k},
          {"share_0", c.share_0},       {"log_odds", c.log_odds}, {"z_presence", c.z_presence},
          {"log2_ratio", c.log2_ratio}, {"z_volume", c.z_volume}, {"score", c.score}};
}

std::string contrast_table(const std::vector<ApiContrast>& list, const ClassProfile& cp,
                           const Profile& p) {
  const ClassProfile& zero = p.classes[0];
  TextTable t({"<api", "share k", "share 0", "log2", "z vol", fmt::format("files k/{}", cp.files),
               fmt::format("files 0/{}", zero.files), "log-odds", "z pres"});
  for (const ApiContrast& c : list)
    t.add({p.apis[c.api], fmt::format("{:.3f}%", 100 * c.share_k),
           fmt::format("{:.3f}%", 100 * c.share_0), fmt::format("{:+.2f}", c.log2_ratio),
           fmt::format("{:+.1f}", c.z_volume), fmt::format("{}", c.files_k),
           fmt::format("{}", c.files_0), fmt::format("{:+.2f}", c.log_odds),
           fmt::format("{:+.1f}", c.z_presence)});
  return t.str(4);
}

std::string top_line(const ClassProfile& cp, const Profile& p) {
  std::string s;
  double listed = 0;
  size_t n = std::min(p.options.top_apis, cp.api_calls.size());
  for (size_t i = 0; i < n; ++i) {
    double share = double(cp.api_calls[i].second) / cp.calls;
    listed += share;
    s += fmt::format("{}{} {:.1f}%", i ? ", " : "", p.apis[cp.api_calls[i].first], 100 * share);
  }
  if (n < cp.api_calls.size()) s += fmt::format(", other {:.1f}%", 100 * (1 - listed));
  return s;
}

std::string traits_table(const Profile& p) {
  std::vector<std::string> header = {"<trait (mean per file)"};
  for (const auto& c : p.classes) header.push_back(c.name);
  TextTable t(header);
  for (size_t i = 0; i < p.trait_names.size(); ++i) {
    std::vector<std::string> row = {p.trait_names[i]};
    for (const auto& c : p.classes) {
      double v = c.traits[i].mean;
      row.push_back(std::abs(v) >= 100  ? fmt::format("{:.0f}", v)
                    : std::abs(v) >= 10 ? fmt::format("{:.1f}", v)
                                        : fmt::format("{:.3f}", v));
    }
    t.add(row);
  }
  return t.str(2);
}

}  // namespace

nlohmann::json to_json(const Profile& p) {
  nlohmann::json classes = nlohmann::json::array();
  for (const ClassProfile& c : p.classes) {
    nlohmann::json shares = nlohmann::json::array(), over = nlohmann::json::array(),
                   under = nlohmann::json::array(), traits = nlohmann::json::object();
    for (auto [api, calls] : c.api_calls)
      shares.push_back(
          {{"api", p.apis[api]}, {"calls", calls}, {"share", double(calls) / c.calls}});
    for (const auto& x : c.over) over.push_back(contrast_json(x, p));
    for (const auto& x : c.under) under.push_back(contrast_json(x, p));
    for (size_t i = 0; i < p.trait_names.size(); ++i) {
      const TraitStats& s = c.traits[i];
      traits[p.trait_names[i]] = {{"mean", s.mean}, {"p10", s.p10}, {"p50", s.p50}, {"p90", s.p90}};
    }
    classes.push_back({{"label", c.label},
                       {"name", c.name},
                       {"files", c.files},
                       {"calls", c.calls},
                       {"api_shares", shares},
                       {"over_represented", over},
                       {"under_represented", under},
                       {"traits", traits}});
  }
  return {{"store", p.store}, {"files", p.files}, {"calls", p.calls}, {"classes", classes}};
}

std::string to_text(const Profile& p) {
  std::string out =
      fmt::format("profile of {}: {} files, {} calls, {}\n", p.store, p.files, human_count(p.calls),
                  p.classes.size() == 1 && p.classes[0].label < 0
                      ? std::string("unlabeled")
                      : fmt::format("{} classes", p.classes.size()));
  for (const ClassProfile& c : p.classes) {
    out += fmt::format("\nclass {} ({}): {} files, {} calls, {:.0f} per file\n",
                       c.label < 0 ? "-" : std::to_string(c.label), c.name, c.files,
                       human_count(c.calls), c.files ? double(c.calls) / c.files : 0.0);
    if (c.files) out += "  share of calls: " + top_line(c, p) + "\n";
    if (!c.over.empty())
      out += "  over-represented against class 0\n" + contrast_table(c.over, c, p);
    if (!c.under.empty())
      out += "  under-represented against class 0\n" + contrast_table(c.under, c, p);
  }
  out += "\nthread-structure traits\n" + traits_table(p);
  return out;
}

}  // namespace malscope
