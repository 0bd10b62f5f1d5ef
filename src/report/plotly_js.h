#pragma once
// plotly.js, embedded at build time (cmake/plotly_js.cmake), for self-contained HTML pages.
#include <string_view>

namespace malscope {

/// The minified plotly.js bundle, byte for byte as npm installed it.
std::string_view plotly_js();
/// Its version (from its package.json).
std::string_view plotly_version();

}  // namespace malscope
