#include "eval/adaptive.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <numeric>

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

DataShape data_shape(const Sketches& s, const LearnSetup& setup, std::span<const uint32_t> rows) {
  std::vector<uint32_t> all;
  if (rows.empty()) {
    all.resize(s.size());
    std::iota(all.begin(), all.end(), 0u);
    rows = all;
  }
  DataShape d;
  d.files = rows.size();
  for (uint32_t r : rows)
    if (const int32_t y = s.label(r); y >= 0) {
      if (size_t(y) >= d.class_files.size()) d.class_files.resize(size_t(y) + 1);
      ++d.class_files[size_t(y)];
    }
  if (const FeatureConfig cfg = feature_config(setup.params); cfg.ngrams)
    d.ngrams = int64_t(ngram_candidates(s, rows, cfg).size());
  return d;
}

std::vector<AdaptedDefault> adapt_defaults(const Sketches& s, LearnSetup& setup,
                                           std::span<const uint32_t> rows) {
  return adapt_defaults(data_shape(s, setup, rows), setup);
}

std::vector<AdaptedDefault> adapt_defaults(const DataShape& d, LearnSetup& setup) {
  const size_t files = d.files;
  const bool small = files <= kSmallFiles;
  std::vector<AdaptedDefault> out;
  auto decide = [&](const char* name, const std::string& value, std::string why) {
    if (given(setup, name)) return;
    const bool changed = setup.params.get(name) != value;
    if (changed) setup.params.set(name, value);
    out.push_back({name, setup.params.get(name), std::move(why), changed});
  };
  // The defaults that stay: said with what they do to this data.
  auto keep = [&](const char* name, std::string why) {
    decide(name, setup.params.get(name), std::move(why));
  };
  const std::string size = fmt::format("{} files", files);
  // Column sampling: 0.1 keeps trees on season-1-sized data fast; on small data each tree
  // seeing more columns gave lower CV logloss on every small shape tried.
  decide("xgb.colsample_bytree", small ? "0.3" : "0.1",
         small ? fmt::format("{} <= {}: more columns per tree", size, kSmallFiles)
               : fmt::format("{} > {}: fewer columns per tree keep fits fast", size, kSmallFiles));
  const double share = setup.params.get_double("xgb.valid_share");
  keep("xgb.valid_share", share > 0 ? fmt::format("about {} of {} held out to stop boosting",
                                                  std::llround(share * double(files)), size)
                                    : std::string("no holdout: xgb.rounds rounds"));
  if (!d.class_files.empty()) {
    // The row cap samples only classes above it (weighted back to their size); weights stay
    // off because logloss is scored on the true class mix.
    const int64_t cap = setup.params.get_int("xgb.class_cap");
    std::string capped;
    size_t largest = 0;
    for (size_t c = 0; c < d.class_files.size(); ++c) {
      if (d.class_files[c] > d.class_files[largest]) largest = c;
      if (cap > 0 && d.class_files[c] > size_t(cap))
        capped += fmt::format("{}class {}: {} files to {}, each weighted {:.2f}",
                              capped.empty() ? "" : ", ", c, d.class_files[c], cap,
                              double(d.class_files[c]) / double(cap));
    }
    keep("xgb.class_cap",
         capped.empty()
             ? fmt::format("the largest class, {}, has {} files: none sampled, no row weights",
                           largest, d.class_files[largest])
             : "samples " + capped);
  }
  if (d.ngrams >= 0) {
    const FeatureConfig cfg = feature_config(setup.params);
    const std::string seen = fmt::format("{} n-grams of {} to {} calls in >= {} files", d.ngrams,
                                         cfg.ngram_min, cfg.ngram_max, cfg.min_df);
    keep("features.max_ngrams", d.ngrams > int64_t(cfg.max_ngrams)
                                    ? seen + fmt::format(": the {} most frequent", cfg.max_ngrams)
                                    : seen + ": all of them");
  }
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

BagDecision decide_bagging(double cv_logloss, int classes) {
  const double uniform = std::log(double(std::max(2, classes)));
  BagDecision d;
  d.bag = cv_logloss > kBagShare * uniform;
  d.why = fmt::format("the CV's logloss {:.5f} is {:.2f} of a uniform guess's {:.5f} ({} {:.2f})",
                      cv_logloss, cv_logloss / uniform, uniform, d.bag ? ">" : "<=", kBagShare);
  return d;
}

}  // namespace malscope
