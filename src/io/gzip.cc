#include "io/gzip.h"

#include <libdeflate.h>

#include <fmt/format.h>
#include <algorithm>
#include <cstring>
#include <memory>

#include "util/error.h"
#include "util/progress.h"

namespace malscope {
namespace {

struct FreeDecompressor {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
struct FreeCompressor {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

libdeflate_decompressor* decompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, FreeDecompressor> d(
      libdeflate_alloc_decompressor());
  if (!d) throw Error("out of memory (gzip decompressor)");
  return d.get();
}

// The size a member says it holds: ISIZE, its last four bytes (the size mod 2^32).
uint32_t stated_size(std::string_view member) {
  uint32_t v = 0;
  if (member.size() >= 4) std::memcpy(&v, member.data() + member.size() - 4, 4);
  return v;
}

}  // namespace

bool looks_gzipped(std::string_view b) {
  return b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0x1f &&
         static_cast<unsigned char>(b[1]) == 0x8b && b[2] == 8;
}

void gunzip(std::string_view name, std::string_view gz, ByteBuffer& out, size_t max_bytes,
            size_t padding) {
  out.clear();
  if (!looks_gzipped(gz))
    throw Error(
        fmt::format("{}: not gzip data (no 1f 8b header); expected a .json.gz report", name));
  // Members one after another (as `cat a.gz b.gz` makes); the last one's ISIZE sizes the first
  // try for a single-member file, and the buffer doubles when it is short.
  size_t room = std::min<size_t>(std::max<size_t>(stated_size(gz), gz.size() * 4), max_bytes);
  size_t at = 0;
  while (at < gz.size()) {
    std::string_view member = gz.substr(at);
    if (!looks_gzipped(member))
      throw Error(fmt::format("{}: at byte {}: trailing bytes that are not gzip", name, at));
    for (;;) {
      out.reserve(out.size() + room + padding);
      size_t in_used = 0, produced = 0;
      libdeflate_result r =
          libdeflate_gzip_decompress_ex(decompressor(), member.data(), member.size(),
                                        out.data() + out.size(), room, &in_used, &produced);
      if (r == LIBDEFLATE_SUCCESS) {
        out.resize(out.size() + produced);
        at += in_used;
        break;
      }
      if (r != LIBDEFLATE_INSUFFICIENT_SPACE)
        throw Error(fmt::format("{}: at byte {}: damaged or cut-short gzip data", name, at));
      if (out.size() + room >= max_bytes)
        throw Error(fmt::format("{}: decompresses to more than {}; refused", name,
                                human_bytes(static_cast<double>(max_bytes))));
      room = std::min(2 * room, max_bytes - out.size());
    }
    room = std::min<size_t>(std::max<size_t>(room, 1 << 16), max_bytes - out.size());
  }
  out.reserve(out.size() + padding);
}

std::string gzip(std::string_view data, int level) {
  thread_local std::unique_ptr<libdeflate_compressor, FreeCompressor> c;
  thread_local int c_level = -1;
  if (!c || c_level != level) {
    c.reset(libdeflate_alloc_compressor(level));
    c_level = level;
  }
  if (!c) throw Error(fmt::format("cannot make a gzip compressor at level {}", level));
  std::string out(libdeflate_gzip_compress_bound(c.get(), data.size()), '\0');
  size_t n = libdeflate_gzip_compress(c.get(), data.data(), data.size(), out.data(), out.size());
  if (n == 0) throw Error("gzip compression failed");
  out.resize(n);
  return out;
}

}  // namespace malscope
