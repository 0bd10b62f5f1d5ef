#include "report/sample_charts.h"

#include <algorithm>
#include <numeric>

namespace malscope {

ApiAxis api_axis(const std::vector<std::string>& apis, const FamilyMap& families,
                 const std::vector<SamplePoints>& samples) {
  std::vector<uint8_t> used(apis.size(), 0);
  for (const auto& s : samples)
    for (uint16_t a : s.api)
      if (a < used.size()) used[a] = 1;
  std::vector<uint32_t> order;
  for (uint32_t a = 0; a < apis.size(); ++a)
    if (used[a]) order.push_back(a);
  auto family = [&](uint32_t a) {
    return a < families.family_of_api.size() ? families.family_of_api[a] : 255;
  };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return family(a) != family(b) ? family(a) < family(b) : apis[a] < apis[b];
  });
  ApiAxis axis;
  axis.slot.assign(apis.size(), -1);
  for (uint32_t a : order) {
    axis.slot[a] = static_cast<int32_t>(axis.names.size());
    axis.names.push_back(apis[a]);
  }
  return axis;
}

nlohmann::json sample_chart(const SamplePoints& s, const ApiAxis& axis, const std::string& title,
                            bool three_d, bool gl) {
  std::vector<int32_t> a(s.api.size());
  for (size_t i = 0; i < s.api.size(); ++i) a[i] = axis.slot[s.api[i]];
  return {{"sample",
           {{"mode", three_d ? "3d" : "2d"},
            {"gl", gl},
            {"title", title},
            {"x", s.x},
            {"a", a},
            {"t", s.thread},
            {"tids", s.tids},
            {"pids", s.pids}}}};
}

}  // namespace malscope
