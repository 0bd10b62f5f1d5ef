#include "eval/tune.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <optional>
#include <tuple>

#include "util/error.h"
#include "util/random.h"
#include "util/stopwatch.h"
#include "util/text.h"

namespace malscope {
namespace {

bool is_feature(const std::string& name) {
  return name.starts_with("features.");
}

// What Sketches::extract reads from the config; other feature fields only change fit().
auto extraction_key(const FeatureConfig& c) {
  return std::make_tuple(c.ngrams, c.ngram_min, c.ngram_max, c.collapse_repeats, c.sequence_len);
}

std::string point_text(const Assignment& a) {
  std::string s;
  for (const auto& [k, v] : a) s += fmt::format("{}{}={}", s.empty() ? "" : " ", k, v);
  return s;
}

}  // namespace

std::vector<SpaceDim> parse_space(std::string_view text) {
  std::vector<SpaceDim> space;
  for (const std::string& part : split(text, ';')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string::npos)
      throw UsageError(fmt::format("--space: '{}' is not name=v1,v2,...", part));
    SpaceDim d{part.substr(0, eq), split(std::string_view(part).substr(eq + 1), ',')};
    Params check;
    for (const std::string& v : d.values) check.set(d.name, v);  // names the bad value
    for (const SpaceDim& o : space)
      if (o.name == d.name) throw UsageError(fmt::format("--space names {} twice", d.name));
    space.push_back(std::move(d));
  }
  if (space.empty())
    throw UsageError("--space is empty (e.g. 'xgb.max_depth=4,6;xgb.eta=0.05,0.1')");
  return space;
}

std::vector<Assignment> space_points(const std::vector<SpaceDim>& space_in, size_t samples,
                                     uint64_t seed) {
  std::vector<SpaceDim> space = space_in;
  std::stable_partition(space.begin(), space.end(),
                        [](const SpaceDim& d) { return is_feature(d.name); });
  std::vector<Assignment> grid(1);
  for (const SpaceDim& d : space) {
    std::vector<Assignment> next;
    for (const Assignment& a : grid)
      for (const std::string& v : d.values) {
        next.push_back(a);
        next.back().emplace_back(d.name, v);
      }
    grid = std::move(next);
  }
  if (samples == 0 || samples >= grid.size()) return grid;
  std::vector<uint32_t> idx(grid.size());
  for (uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
  Rng rng(seed);
  shuffle(idx, rng);
  idx.resize(samples);
  std::sort(idx.begin(), idx.end());
  std::vector<Assignment> out;
  for (uint32_t i : idx) out.push_back(grid[i]);
  return out;
}

std::vector<TuneTrial> tune(const TraceStore& store, const LearnSetup& base,
                            const std::vector<Assignment>& points, const CvOptions& opt,
                            const LogFn& log) {
  std::vector<TuneTrial> trials;
  std::optional<Sketches> sketches;
  std::optional<decltype(extraction_key(FeatureConfig{}))> key;
  for (size_t i = 0; i < points.size(); ++i) {
    auto t0 = std::chrono::steady_clock::now();
    LearnSetup setup = base;
    for (const auto& [k, v] : points[i]) setup.params.set(k, v);
    FeatureConfig fc = feature_config(setup.params);
    if (!key || *key != extraction_key(fc)) {
      sketches.reset();  // free the old sketches before reading new ones
      sketches.emplace(Sketches::extract(store, fc, setup.threads));
      key = extraction_key(fc);
    }
    CvResult r = cross_validate(*sketches, setup, opt);
    TuneTrial t{points[i], setup.params, r.metrics, r.weights, seconds_since(t0)};
    if (log)
      log(fmt::format("[{}/{}] logloss {:.5f} accuracy {:.4f} in {:.1f}s: {}", i + 1, points.size(),
                      t.metrics.logloss, t.metrics.accuracy, t.seconds, point_text(t.point)));
    trials.push_back(std::move(t));
  }
  std::stable_sort(trials.begin(), trials.end(), [](const TuneTrial& a, const TuneTrial& b) {
    return a.metrics.logloss < b.metrics.logloss;
  });
  return trials;
}

std::string tune_text(const std::vector<TuneTrial>& ranked,
                      const std::vector<std::string>& models) {
  std::string out =
      fmt::format("{:>4} {:>9} {:>9} {:>9} {:>9} {:>8}  {:<14} {}\n", "rank", "logloss", "tianchi",
                  "accuracy", "macro_f1", "seconds", "weights", "parameters");
  for (size_t i = 0; i < ranked.size(); ++i) {
    const TuneTrial& t = ranked[i];
    std::string w;
    for (size_t m = 0; m < t.weights.size(); ++m)
      w += fmt::format("{}{}:{:.2f}", m ? " " : "", models[m], t.weights[m]);
    out += fmt::format("{:>4} {:>9.5f} {:>9.5f} {:>9.4f} {:>9.4f} {:>8.1f}  {:<14} {}\n", i + 1,
                       t.metrics.logloss, t.metrics.tianchi_logloss, t.metrics.accuracy,
                       t.metrics.macro_f1, t.seconds, w, point_text(t.point));
  }
  return out;
}

}  // namespace malscope
