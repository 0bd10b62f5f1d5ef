// libFuzzer target: the model bundle loader on arbitrary bytes. A blob may be refused with an
// Error, never crash. The bundle's checksum is unkeyed (a crafted bundle passes it too), so the
// target sets it for whatever the mutation made: the payload behind it is what gets fuzzed.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "models/bundle.h"
#include "util/error.h"
#include "util/hash.h"

namespace {

// Layout: "MSBUNDLE", u32 version, u64 payload length, payload, u64 hash of the payload.
void fix_checksum(std::string& b) {
  constexpr size_t kHead = 8 + 4 + 8;
  if (b.size() < kHead) return;
  uint64_t n;
  std::memcpy(&n, b.data() + 12, 8);
  if (n > b.size() - kHead || b.size() - kHead - n < 8) return;
  const uint64_t h = malscope::hash_bytes(std::string_view(b.data() + kHead, n));
  std::memcpy(b.data() + kHead + n, &h, 8);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  fix_checksum(bytes);
  try {
    malscope::load_bundle(bytes, "fuzz", {0, 1});
  } catch (const malscope::Error&) {
  }
  return 0;
}
