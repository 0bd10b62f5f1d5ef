#pragma once
// gzip in memory, with libdeflate (whole-buffer DEFLATE, several times zlib's speed): reports
// are a few kB to a few hundred MB, read whole anyway for the JSON parser.
#include <cstddef>
#include <string>
#include <string_view>

#include "util/byte_buffer.h"

namespace malscope {

/// Whether bytes start like a gzip member (magic 1f 8b, method 8).
bool looks_gzipped(std::string_view bytes);

/// Decompresses every gzip member of `gz` into `out` (replacing its contents), leaving room for
/// `padding` more bytes after the data. Throws Error naming `name` when the data is not gzip, is
/// damaged or cut short, or would decompress to more than `max_bytes` (a bound against a
/// decompression bomb).
void gunzip(std::string_view name, std::string_view gz, ByteBuffer& out, size_t max_bytes,
            size_t padding = 0);

/// One gzip member of `data` at libdeflate's `level` (1 fastest .. 12 smallest; 6 as gzip -6).
std::string gzip(std::string_view data, int level = 6);

}  // namespace malscope
