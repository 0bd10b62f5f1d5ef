#include "store/codec.h"

#include <zstd.h>

#include <fmt/format.h>
#include <cstring>
#include <type_traits>

#include "util/byte_buffer.h"
#include "util/error.h"

namespace malscope::store {
namespace {

// zstd level 1: on narrowed, delta-coded columns it already reaches ~10x at > 1 GB/s.
constexpr int kZstdLevel = 1;

inline uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t unzigzag(uint64_t c) {
  return static_cast<int64_t>(c >> 1) ^ -static_cast<int64_t>(c & 1);
}

struct ZstdContexts {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ZstdContexts() {
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, kZstdLevel);
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);  // detect corrupt chunks on read
  }
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
ZstdContexts& contexts() {
  thread_local ZstdContexts ctx;
  return ctx;
}

template <Codec C, class T>
inline uint64_t to_code(T v, T prev) {
  // Deltas wrap modulo 2^64 (a signed overflow would be undefined); decoding wraps back.
  if constexpr (C == kCodecDelta)
    return zigzag(static_cast<int64_t>(static_cast<uint64_t>(static_cast<int64_t>(v)) -
                                       static_cast<uint64_t>(static_cast<int64_t>(prev))));
  if constexpr (std::is_signed_v<T>) return zigzag(static_cast<int64_t>(v));
  return static_cast<uint64_t>(v);
}

template <class T>
T from_code(uint64_t c, T prev, Codec codec) {
  if (codec == kCodecDelta)
    return static_cast<T>(static_cast<uint64_t>(static_cast<int64_t>(prev)) +
                          static_cast<uint64_t>(unzigzag(c)));
  if constexpr (std::is_signed_v<T>) return static_cast<T>(unzigzag(c));
  return static_cast<T>(c);
}

int width_for(uint64_t max_code) {
  if (max_code <= 0xff) return 1;
  if (max_code <= 0xffff) return 2;
  if (max_code <= 0xffffffffULL) return 4;
  return 8;
}

// Codes are read and written through memcpy: a column's bytes need not be aligned for W (a
// store's raw columns sit at any offset of the mapping), and a fixed-size memcpy compiles to a
// plain load or store.
template <class W>
inline W load_code(const char* in, size_t i) {
  W w;
  std::memcpy(&w, in + i * sizeof(W), sizeof(W));
  return w;
}
template <class W>
inline void store_code(char* out, size_t i, W w) {
  std::memcpy(out + i * sizeof(W), &w, sizeof(W));
}

template <class W, Codec C, class T>
void narrow(std::span<const T> v, char* out) {
  T prev = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    store_code<W>(out, i, static_cast<W>(to_code<C>(v[i], prev)));
    prev = v[i];
  }
}

// Narrows plain codes to W; codes that do not fit below the escape (all ones) are escaped and
// appended as 8-byte codes at `exceptions`.
template <class W, class T>
void narrow_patched(std::span<const T> v, char* out, char* exceptions) {
  constexpr uint64_t kEscape = static_cast<W>(~W(0));
  size_t e = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const uint64_t c = to_code<kCodecPlain>(v[i], T(0));
    const bool fits = c < kEscape;
    store_code<W>(out, i, static_cast<W>(fits ? c : kEscape));
    if (!fits) std::memcpy(exceptions + 8 * e++, &c, 8);
  }
}

template <class W, class T>
bool widen_patched(const char* in, uint32_t n, const char* exceptions, size_t n_exceptions,
                   T* out) {
  constexpr uint64_t kEscape = static_cast<W>(~W(0));
  size_t e = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t c = load_code<W>(in, i);
    if (c == kEscape) {
      if (e == n_exceptions) return false;
      std::memcpy(&c, exceptions + 8 * e++, 8);
    }
    out[i] = from_code<T>(c, T(0), kCodecPlain);
  }
  return e == n_exceptions;
}

template <class W, class T>
void widen(const char* in, uint32_t n, Codec codec, T* out) {
  T prev = 0;
  for (uint32_t i = 0; i < n; ++i) {
    prev = from_code<T>(load_code<W>(in, i), prev, codec);
    out[i] = prev;
  }
}

std::string compress(const ByteBuffer& raw, ColumnFrame& frame) {
  thread_local ByteBuffer packed;  // uninitialised: std::string would zero-fill it
  packed.resize(ZSTD_compressBound(raw.size()));
  size_t n = ZSTD_compress2(contexts().c, packed.data(), packed.size(), raw.data(), raw.size());
  if (ZSTD_isError(n))
    throw Error(fmt::format("zstd compression failed: {}", ZSTD_getErrorName(n)));
  frame.size = static_cast<uint32_t>(n);
  return std::string(packed.data(), n);
}

// The patched encoding, when it beats plain codes `plain_width` wide by a tenth or more of the
// raw bytes; "" otherwise. over[k]: codes that do not fit 1, 2, 4 bytes below the escape.
template <class T>
std::string encode_patched(std::span<const T> v, int plain_width, const size_t (&over)[3],
                           ColumnFrame& frame) {
  const size_t n = v.size();
  size_t best = n * plain_width - n * plain_width / 10;
  int width = 0;
  for (int k = 0, w = 1; k < 3 && w < plain_width; ++k, w *= 2) {
    size_t cost = n * w + 8 * over[k];
    if (cost < best) best = cost, width = w;
  }
  if (!width) return "";
  const size_t exceptions = over[width == 1 ? 0 : width == 2 ? 1 : 2];
  thread_local ByteBuffer raw;
  raw.resize(n * width + 8 * exceptions);
  char* ex = raw.data() + n * width;
  if (width == 1)
    narrow_patched<uint8_t>(v, raw.data(), ex);
  else if (width == 2)
    narrow_patched<uint16_t>(v, raw.data(), ex);
  else
    narrow_patched<uint32_t>(v, raw.data(), ex);
  frame.width = static_cast<uint8_t>(width);
  frame.codec = kCodecPatched;
  return compress(raw, frame);
}

template <Codec C, class T>
std::string encode(std::span<const T> v, ColumnFrame& frame) {
  uint64_t max_code = 0;
  size_t over[3] = {0, 0, 0};  // plain codes too wide for 1, 2, 4 bytes (see encode_patched)
  T prev = 0;
  for (T x : v) {
    const uint64_t c = to_code<C>(x, prev);
    max_code |= c;  // OR bounds the max well enough for the width
    if constexpr (C == kCodecPlain) {
      over[0] += c >= 0xffu;
      over[1] += c >= 0xffffu;
      over[2] += c >= 0xffffffffULL;
    }
    prev = x;
  }
  int width = width_for(max_code);
  if (C == kCodecPlain && width > 1) {
    std::string patched = encode_patched(v, width, over, frame);
    if (!patched.empty()) return patched;
  }
  thread_local ByteBuffer raw;  // uninitialised: std::string would zero-fill it
  raw.resize(v.size() * width);
  switch (width) {
    case 1:
      narrow<uint8_t, C>(v, raw.data());
      break;
    case 2:
      narrow<uint16_t, C>(v, raw.data());
      break;
    case 4:
      narrow<uint32_t, C>(v, raw.data());
      break;
    default:
      narrow<uint64_t, C>(v, raw.data());
      break;
  }
  frame.width = static_cast<uint8_t>(width);
  frame.codec = C;
  return compress(raw, frame);
}

template <class T>
void decode(const char* data, const ColumnFrame& frame, uint32_t n, std::vector<T>& out,
            const std::string& what) {
  if (frame.width != 1 && frame.width != 2 && frame.width != 4 && frame.width != 8)
    throw Error(fmt::format("{}: corrupt column (width {})", what, frame.width));
  if (frame.codec > kCodecPatched)
    throw Error(fmt::format("{}: unknown column codec {}", what, frame.codec));
  thread_local ByteBuffer raw;
  const size_t narrow_bytes = size_t(n) * frame.width;
  size_t expect = narrow_bytes;
  if (frame.codec == kCodecPatched) {  // the exceptions follow: the frame says how many bytes
    unsigned long long content = ZSTD_getFrameContentSize(data, frame.size);
    if (content == ZSTD_CONTENTSIZE_UNKNOWN || content == ZSTD_CONTENTSIZE_ERROR ||
        frame.width == 8 || content < narrow_bytes || (content - narrow_bytes) % 8 != 0 ||
        content - narrow_bytes > 8 * size_t(n))
      throw Error(fmt::format("{}: corrupt column data (patched frame)", what));
    expect = static_cast<size_t>(content);
  }
  // A zstd block of 128 KB takes at least 4 bytes (an RLE block): a frame claiming more than
  // 32768 bytes per byte of it is crafted, and is refused before anything is allocated.
  if (expect / 32768 > size_t(frame.size) + 64)
    throw Error(
        fmt::format("{}: corrupt column ({} rows in a frame of {} bytes)", what, n, frame.size));
  raw.resize(expect);
  size_t got = ZSTD_decompressDCtx(contexts().d, raw.data(), expect, data, frame.size);
  if (ZSTD_isError(got) || got != expect)
    throw Error(fmt::format("{}: corrupt column data ({})", what,
                            ZSTD_isError(got) ? ZSTD_getErrorName(got) : "wrong length"));
  out.resize(n);
  Codec codec = static_cast<Codec>(frame.codec);
  if (codec == kCodecPatched) {
    const char* ex = raw.data() + narrow_bytes;
    const size_t n_ex = (expect - narrow_bytes) / 8;
    bool ok = frame.width == 1   ? widen_patched<uint8_t>(raw.data(), n, ex, n_ex, out.data())
              : frame.width == 2 ? widen_patched<uint16_t>(raw.data(), n, ex, n_ex, out.data())
                                 : widen_patched<uint32_t>(raw.data(), n, ex, n_ex, out.data());
    if (!ok) throw Error(fmt::format("{}: corrupt column data (escape count)", what));
    return;
  }
  switch (frame.width) {
    case 1:
      widen<uint8_t>(raw.data(), n, codec, out.data());
      break;
    case 2:
      widen<uint16_t>(raw.data(), n, codec, out.data());
      break;
    case 4:
      widen<uint32_t>(raw.data(), n, codec, out.data());
      break;
    default:
      widen<uint64_t>(raw.data(), n, codec, out.data());
      break;
  }
}

}  // namespace

std::string encode_column(std::span<const uint16_t> v, Codec c, ColumnFrame& f) {
  return c == kCodecDelta ? encode<kCodecDelta>(v, f) : encode<kCodecPlain>(v, f);
}
std::string encode_column(std::span<const uint32_t> v, Codec c, ColumnFrame& f) {
  return c == kCodecDelta ? encode<kCodecDelta>(v, f) : encode<kCodecPlain>(v, f);
}
std::string encode_column(std::span<const int64_t> v, Codec c, ColumnFrame& f) {
  return c == kCodecDelta ? encode<kCodecDelta>(v, f) : encode<kCodecPlain>(v, f);
}

void decode_column(const char* d, const ColumnFrame& f, uint32_t n, std::vector<uint16_t>& o,
                   const std::string& w) {
  decode(d, f, n, o, w);
}
void decode_column(const char* d, const ColumnFrame& f, uint32_t n, std::vector<uint32_t>& o,
                   const std::string& w) {
  decode(d, f, n, o, w);
}
void decode_column(const char* d, const ColumnFrame& f, uint32_t n, std::vector<int64_t>& o,
                   const std::string& w) {
  decode(d, f, n, o, w);
}

}  // namespace malscope::store
