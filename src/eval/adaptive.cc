#include "eval/adaptive.h"

#include <fmt/format.h>
#include <algorithm>

#include "models/sampling.h"

namespace malscope {
namespace {

// Up to this many training files the "small data" rules apply: there a fit costs seconds, and
// CV on MalbehavD-V1 and the simulated 8-class shapes preferred them (docs/learning.md).
constexpr size_t kSmallFiles = 20000;

bool given(const LearnSetup& setup, std::string_view name) {
  return std::find(setup.given.begin(), setup.given.end(), name) != setup.given.end();
}

}  // namespace

std::vector<AdaptedDefault> adapt_defaults(const Sketches& s, LearnSetup& setup,
                                           std::span<const uint32_t> rows) {
  return adapt_defaults(rows.empty() ? s.size() : rows.size(), setup);
}

std::vector<AdaptedDefault> adapt_defaults(size_t files, LearnSetup& setup) {
  const bool small = files <= kSmallFiles;
  std::vector<AdaptedDefault> out;
  auto decide = [&](const char* name, const std::string& value, std::string why) {
    if (given(setup, name)) return;
    const bool changed = setup.params.get(name) != value;
    if (changed) setup.params.set(name, value);
    out.push_back({name, setup.params.get(name), std::move(why), changed});
  };
  const std::string size = fmt::format("{} files", files);
  // Column sampling: 0.1 keeps trees on season-1-sized data fast; on small data each tree
  // seeing more columns gave lower CV logloss on every small shape tried.
  decide("xgb.colsample_bytree", small ? "0.3" : "0.1",
         small ? fmt::format("{} <= {}: more columns per tree", size, kSmallFiles)
               : fmt::format("{} > {}: fewer columns per tree keep fits fast", size, kSmallFiles));
  return out;
}

std::string adapted_text(const std::vector<AdaptedDefault>& d) {
  std::string out = "defaults for this data:";
  for (size_t i = 0; i < d.size(); ++i)
    out += fmt::format("{} {} {} ({})", i ? ";" : "", d[i].param,
                       d[i].changed ? "= " + d[i].value : "kept at " + d[i].value, d[i].why);
  return d.empty() ? out + " none (every adapted parameter was given)" : out;
}

nlohmann::json adapted_json(const std::vector<AdaptedDefault>& d) {
  nlohmann::json j = nlohmann::json::array();
  for (const AdaptedDefault& a : d)
    j.push_back({{"param", a.param}, {"value", a.value}, {"why", a.why}, {"changed", a.changed}});
  return j;
}

}  // namespace malscope
