#pragma once
// The page `malscope plot` writes: the chosen samples side by side, each as a 2-D and a
// rotatable, zoomable 3-D scatter of its calls, on one shared API axis.
#include <cstdint>
#include <string>
#include <vector>

#include "features/thread_traits.h"
#include "store/trace_store.h"
#include "util/param_table.h"

namespace malscope {

struct PlotPageOptions {
  uint32_t max_points = 20000;           ///< points per sample before thinning
  std::vector<std::string> class_names;  ///< one per class, or empty for the defaults
};

/// The flags bound to PlotPageOptions: --max-points (plot).
const ParamTable<PlotPageOptions>& plot_page_params();

/// Most samples on one page: each 3-D plot (and 2-D plot past 3,000 points) holds a WebGL
/// context, and browsers keep about 16.
inline constexpr size_t kMaxPlotSamples = 6;

/// The HTML page for the given store files (1..kMaxPlotSamples of them).
std::string plot_page(const TraceStore& store, const FamilyMap& families,
                      const std::vector<uint32_t>& files, const PlotPageOptions& options);

/// Height in pixels of a 2-D sample chart with `apis` rows.
int sample_chart_height(size_t apis);

}  // namespace malscope
