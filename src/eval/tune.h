#pragma once
// Parameter search by CV logloss: a grid (or a seeded random sample of it) over named parameters
// of the table, e.g. "xgb.max_depth=4,6,8;xgb.eta=0.05,0.1;features.ngram_max=2,3".
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eval/cv.h"
#include "store/trace_store.h"

namespace malscope {

/// One searched parameter and its values.
struct SpaceDim {
  std::string name;
  std::vector<std::string> values;
};

/// A point of the space: name=value per dimension.
using Assignment = std::vector<std::pair<std::string, std::string>>;

/// Parses "name=v1,v2;name2=v3"; throws UsageError for an unknown name, a value the table
/// rejects, a name given twice or an empty space.
std::vector<SpaceDim> parse_space(std::string_view text);

/// The points to try: the whole grid with features.* dimensions varying slowest (so sketches are
/// re-read as rarely as possible), or, with samples > 0 and smaller than the grid, that many
/// distinct points drawn with `seed` (kept in grid order).
std::vector<Assignment> space_points(const std::vector<SpaceDim>& space, size_t samples,
                                     uint64_t seed);

struct TuneTrial {
  Assignment point;
  Params params;
  Metrics metrics;
  std::vector<double> weights;
  double seconds = 0;
};

/// Cross-validates every point (parameters of `base` overridden by the point) and returns the
/// trials ranked by logloss (best first; ties keep search order).
std::vector<TuneTrial> tune(const TraceStore& store, const LearnSetup& base,
                            const std::vector<Assignment>& points, const CvOptions& opt,
                            const LogFn& log = {});

/// The ranked table.
std::string tune_text(const std::vector<TuneTrial>& ranked, const std::vector<std::string>& models);

}  // namespace malscope
