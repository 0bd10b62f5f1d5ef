#pragma once
// Chart specs for per-sample call plots (2-D: position x API, colour thread; 3-D: position x
// API x thread), shared by `malscope plot` and the report. Samples on one page share one API
// axis, ordered by API family then name, so the same call sits at the same height everywhere.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/sample_plot.h"
#include "features/thread_traits.h"

namespace malscope {

/// The API axis of a page: names in family-then-name order, and each store API id's slot.
struct ApiAxis {
  std::vector<std::string> names;
  std::vector<int32_t> slot;  ///< by store API id; -1 when no sample on the page calls it
};

/// The axis for the APIs the samples call.
ApiAxis api_axis(const std::vector<std::string>& apis, const FamilyMap& families,
                 const std::vector<SamplePoints>& samples);

/// A chart spec for HtmlPage::chart(); the page must set_shared("apis", axis.names).
/// `gl` draws the 2-D plot with WebGL (for many points; a page has a budget of ~16 contexts).
nlohmann::json sample_chart(const SamplePoints& sample, const ApiAxis& axis,
                            const std::string& title, bool three_d, bool gl);

}  // namespace malscope
