#pragma once
// The stylesheet and boot script every malscope page carries.
#include <string_view>

namespace malscope {

/// CSS for the page layout, tables, grids and callouts.
std::string_view page_css();
/// Script that draws every chart from the page's JSON block and records the outcome on <body>.
std::string_view page_boot_js();

}  // namespace malscope
