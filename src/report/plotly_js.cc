#include "report/plotly_js.h"

// The assembler copies the 4.8 MB bundle byte for byte: nothing to compile, nothing to escape.
asm(".section .rodata.malscope_plotly,\"a\",@progbits\n"
    ".global malscope_plotly_js_begin\n"
    "malscope_plotly_js_begin:\n"
    ".incbin \"" MALSCOPE_PLOTLY_JS_PATH
    "\"\n"
    ".global malscope_plotly_js_end\n"
    "malscope_plotly_js_end:\n"
    ".previous\n");

extern "C" const char malscope_plotly_js_begin[];
extern "C" const char malscope_plotly_js_end[];

namespace malscope {

std::string_view plotly_js() {
  return std::string_view(malscope_plotly_js_begin,
                          static_cast<size_t>(malscope_plotly_js_end - malscope_plotly_js_begin));
}

std::string_view plotly_version() {
  return MALSCOPE_PLOTLY_VERSION;
}

}  // namespace malscope
