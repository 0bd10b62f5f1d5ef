// libFuzzer target: the model bundle loader on arbitrary bytes. A blob may be refused with an
// Error, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "models/bundle.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    malscope::load_bundle(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz",
                          {0, 1});
  } catch (const malscope::Error&) {
  }
  return 0;
}
