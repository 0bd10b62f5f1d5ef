#include "io/csv_parser.h"

#include <emmintrin.h>
#include <immintrin.h>
#ifdef __SSE4_2__
#include <nmmintrin.h>
#endif
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "io/return_value.h"
#include "util/hash.h"
#include "util/text.h"

namespace malscope {
namespace {

// Equality of short byte strings without a call into memcmp (ids and API names are short).
inline bool same_bytes(std::string_view x, std::string_view y) {
  size_t n = x.size();
  if (n != y.size()) return false;
  const char* a = x.data();
  const char* b = y.data();
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    uint64_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Interns block-local strings (API names, text return values). Keys of up to 32 bytes are also
// kept zero-padded in `keys_`, so a lookup is two 16-byte compares against registers loaded
// straight from the input, with no pointer chase into `names` and no call to memcmp; longer
// keys fall back to comparing the stored std::string. This is on the per-row path of ingest.
class LocalInterner {
 public:
  explicit LocalInterner(std::vector<std::string>& names) : names_(names), slots_(1024) {}

  /// `readable`: the last address from which 32 bytes may be loaded (nullptr: none).
  uint32_t intern(std::string_view s, const char* readable) {
    const size_t n = s.size();
    if (n > kInline) return intern_long(s);
    Key k;
    if (s.data() <= readable) {
      k.lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data()));
      k.hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + 16));
      k.lo = _mm_and_si128(k.lo, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kMask + 32 - n)));
      k.hi = _mm_and_si128(k.hi, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kMask + 48 - n)));
    } else {  // near the end of the text: copy first
      alignas(16) char buf[kInline] = {};
      std::memcpy(buf, s.data(), n);
      k.lo = _mm_load_si128(reinterpret_cast<const __m128i*>(buf));
      k.hi = _mm_load_si128(reinterpret_cast<const __m128i*>(buf + 16));
    }
    k.len = static_cast<uint32_t>(n);
    const uint32_t h = hash(k);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kEmpty) return add(slot, h, s, &k);
      if (slot.hash == h) {
        const Key& o = keys_[slot.id];
        __m128i eq = _mm_and_si128(_mm_cmpeq_epi8(o.lo, k.lo), _mm_cmpeq_epi8(o.hi, k.hi));
        if (o.len == k.len && _mm_movemask_epi8(eq) == 0xffff) return slot.id;
      }
    }
  }

 private:
  static constexpr size_t kInline = 32;
  static constexpr uint32_t kEmpty = UINT32_MAX;
  // kMask + 32 - n: n bytes of 0xff, then zeros (n <= 32).
  static constexpr char kMask[64] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                     -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                     -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
  struct Key {
    __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
    uint32_t len = UINT32_MAX;  // UINT32_MAX: a long key, compared through names_
  };
  struct Slot {
    uint32_t hash = 0;
    uint32_t id = kEmpty;
  };

  static uint32_t hash(const Key& k) {
    uint64_t a = static_cast<uint64_t>(_mm_cvtsi128_si64(k.lo));
    uint64_t b = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(k.lo, k.lo)));
    uint64_t c = static_cast<uint64_t>(_mm_cvtsi128_si64(k.hi));
    uint64_t d = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(k.hi, k.hi)));
#ifdef __SSE4_2__
    uint64_t h = _mm_crc32_u64(k.len, a);
    h = _mm_crc32_u64(h, b);
    h = _mm_crc32_u64(h, c ^ (d * 0x9e3779b97f4a7c15ULL));
    return static_cast<uint32_t>(h);
#else
    return static_cast<uint32_t>(
        mix64(a ^ (b * 0x9e3779b97f4a7c15ULL) ^ c ^ (d << 1) ^ (uint64_t(k.len) << 56)));
#endif
  }

  uint32_t intern_long(std::string_view s) {
    const uint32_t h = static_cast<uint32_t>(hash_bytes(s));
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kEmpty) return add(slot, h, s, nullptr);
      if (slot.hash == h && keys_[slot.id].len == UINT32_MAX && names_[slot.id] == s)
        return slot.id;
    }
  }

  uint32_t add(Slot& slot, uint32_t h, std::string_view s, const Key* k) {
    const uint32_t id = static_cast<uint32_t>(names_.size());
    slot = {h, id};
    names_.emplace_back(s);
    keys_.push_back(k ? *k : Key());
    if (names_.size() * 2 > slots_.size()) grow();
    return id;
  }

  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id == kEmpty) continue;
      size_t i = s.hash & mask;
      while (slots_[i].id != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<std::string>& names_;
  std::vector<Key> keys_;
  std::vector<Slot> slots_;
};

std::string shown(std::string_view v) {
  return excerpt(v);
}

// Eight ASCII digits at once (SWAR): p[0] is the most significant. n in [1, 8]; 8 bytes at p
// must be readable. Returns false if any of the n bytes is not a digit.
inline bool parse_digits8(const char* p, size_t n, uint64_t& out) {
  if (n <= 4) {  // labels, thread ids, most indexes and return values: 32-bit, one step less
    uint32_t w;
    std::memcpy(&w, p, 4);
    const unsigned pad4 = static_cast<unsigned>(4 - n) * 8;
    if (pad4) w = (w << pad4) | (0x30303030u >> (32 - pad4));
    if ((w & 0xF0F0F0F0u) != 0x30303030u || ((w + 0x06060606u) & 0xF0F0F0F0u) != 0x30303030u)
      return false;
    w = ((w & 0x0F0F0F0Fu) * 2561) >> 8;
    out = ((w & 0x00FF00FFu) * 6553601) >> 16;
    return true;
  }
  uint64_t v;
  std::memcpy(&v, p, 8);
  const unsigned pad = static_cast<unsigned>(8 - n) * 8;
  if (pad) v = (v << pad) | (0x3030303030303030ULL >> (64 - pad));  // leading '0's
  if ((v & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL ||
      ((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL)
    return false;
  v = ((v & 0x0F0F0F0F0F0F0F0FULL) * 2561) >> 8;
  v = ((v & 0x00FF00FF00FF00FFULL) * 6553601) >> 16;
  out = ((v & 0x0000FFFF0000FFFFULL) * 42949672960001ULL) >> 32;
  return true;
}

// Parses 1 to 19 digits. The SWAR path reads 8 bytes at a time, so it is taken only for p below
// `safe` (32 bytes before the end of the text; nullptr when unknown).
inline bool parse_digits(const char* p, size_t n, const char* safe, uint64_t& out) {
  if (p < safe && n - 1 < 8) return parse_digits8(p, n, out);  // the common case: 1..8 digits
  if (n == 0 || n > 19) return false;
  if (p < safe) {
    uint64_t v = 0, part;
    size_t head = n % 8 ? n % 8 : 8;
    if (!parse_digits8(p, head, v)) return false;
    for (size_t i = head; i < n; i += 8) {
      if (!parse_digits8(p + i, 8, part)) return false;
      v = v * 100000000ULL + part;
    }
    out = v;
    return true;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned d = static_cast<unsigned char>(p[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

// Parses digits into a uint64 no larger than `max`; false on anything else.
inline bool parse_uint(std::string_view s, const char* safe, uint64_t max, uint64_t& out) {
  uint64_t v;
  if (!parse_digits(s.data(), s.size(), safe, v) || v > max) return false;
  out = v;
  return true;
}

// Splits one line into fields, undoing RFC 4180 quoting ("a ""b""" -> a "b").
bool split_quoted(std::string_view line, std::vector<std::string>& fields, std::string& error) {
  fields.clear();
  std::string cur;
  size_t i = 0;
  for (;;) {
    cur.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) {
          error = "unterminated quoted field";
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cur += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cur += line[i++];
      }
      if (i < line.size() && line[i] != ',') {
        error = "text after a closing quote";
        return false;
      }
    } else {
      size_t j = line.find(',', i);
      if (j == std::string_view::npos) j = line.size();
      cur.assign(line.substr(i, j - i));
      i = j;
    }
    fields.push_back(cur);
    if (i >= line.size()) return true;
    ++i;  // the comma
    if (i == line.size()) {
      fields.emplace_back();
      return true;
    }
  }
}

// Separator index over 64-byte steps with AVX-512 (VBMI2): one mask of ',' and '\n' per step,
// the byte offsets of its set bits packed by VPCOMPRESSB and widened to uint32 sixteen at a time
// (Tianchi rows have ~11 separators per 64 bytes, so one store usually does). Writes the
// positions of [off, end) rounded down to whole steps at `out`, up to 64 entries past the
// count; returns where it stopped and ORs quotes seen into `quoted`.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define MALSCOPE_HAVE_AVX512_INDEX 1
// GCC 12 warns inside its own headers that _mm512_undefined_* values "may be used
// uninitialized" (GCC bug 105593); the intrinsics below are used as documented.
#pragma GCC diagnostic push
#ifndef __clang__  // a GCC-only warning (clang builds the fuzz targets)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
__attribute__((target("avx512f,avx512bw,avx512vbmi2"))) size_t index_separators_avx512(
    const char* base, size_t off, size_t end, uint32_t*& out, bool& quoted) {
  const __m512i comma = _mm512_set1_epi8(','), newline = _mm512_set1_epi8('\n');
  const __m512i quote = _mm512_set1_epi8('"');
  alignas(64) static constexpr uint8_t kIota[64] = {
      0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
      22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
      44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};
  const __m512i iota = _mm512_load_si512(kIota);
  __mmask64 quotes = 0;
  uint32_t* o = out;
  for (; off + 64 <= end; off += 64) {
    const __m512i v = _mm512_loadu_si512(base + off);
    const __mmask64 m = _mm512_cmpeq_epi8_mask(v, comma) | _mm512_cmpeq_epi8_mask(v, newline);
    quotes |= _mm512_cmpeq_epi8_mask(v, quote);
    const __m512i packed = _mm512_maskz_compress_epi8(m, iota);
    const __m512i at = _mm512_set1_epi32(static_cast<int>(off));
    const int count = __builtin_popcountll(m);
    _mm512_storeu_si512(o,
                        _mm512_add_epi32(at, _mm512_cvtepu8_epi32(_mm512_castsi512_si128(packed))));
    if (count > 16) {
      _mm512_storeu_si512(
          o + 16, _mm512_add_epi32(at, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 1))));
      if (count > 32) {
        _mm512_storeu_si512(
            o + 32,
            _mm512_add_epi32(at, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 2))));
        _mm512_storeu_si512(
            o + 48,
            _mm512_add_epi32(at, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 3))));
      }
    }
    o += count;
  }
  out = o;
  quoted |= quotes != 0;
  return off;
}
#pragma GCC diagnostic pop

bool cpu_has_avx512_index() {
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vbmi2");
  }();
  return yes;
}
#endif

// MALSCOPE_NO_AVX512 (any value) forbids the AVX-512 scan, to compare the two paths.
std::atomic<bool> g_allow_avx512{std::getenv("MALSCOPE_NO_AVX512") == nullptr};

class BlockParser {
 public:
  BlockParser(const CsvSchema& schema, bool skip, TraceBatch& out)
      : schema_(schema),
        cols_(columns_of(schema)),
        skip_(skip),
        out_(out),
        apis_(out.apis),
        rets_(out.ret_strings) {}

  void run(std::string_view text) {
    safe_ = text.size() > 32 ? text.data() + text.size() - 32 : nullptr;
    run_fast(text);  // switches to run_lines at the first slice holding a quote
  }

 private:
  // Two stages, as in simdjson: (1) the positions of every ',' and '\n' in a slice of the block
  // are found 16 bytes at a time (SSE2) and written to an index; (2) rows are cut from the index
  // ncols separators at a time. Splitting the stages keeps both loops free of hard-to-predict
  // branches. This is the hot loop of ingest.
  void run_fast(std::string_view text) {
    const char* base = text.data();
    const size_t n = text.size();
    const size_t ncols = schema_.fields.size();
    constexpr size_t kSlice = 1 << 16;
    std::vector<uint32_t> idx(std::min(n, kSlice) + 80);  // grown below for a long row
    size_t pending = 0;    // separators of the row in progress, at the front of idx
    size_t row_start = 0;  // byte where that row starts
    const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n');
    const __m128i quote = _mm_set1_epi8('"');
    for (size_t slice = 0; slice < n; slice += kSlice) {
      const size_t end = std::min(n, slice + kSlice);
      if (idx.size() < pending + (end - slice) + 80) idx.resize(pending + (end - slice) + 80);
      uint32_t* out = idx.data() + pending;
      size_t off = slice;
      bool quoted = false;
#ifdef MALSCOPE_HAVE_AVX512_INDEX
      if (avx512_) off = index_separators_avx512(base, off, end, out, quoted);
#endif
      __m128i quotes = _mm_setzero_si128();
      // 32 bytes a step: Tianchi rows are ~35 bytes with 5-6 separators, so eight unconditional
      // writes cover almost every step and the extra loop rarely runs.
      for (; off + 32 <= end; off += 32) {
        __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + off));
        __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + off + 16));
        quotes = _mm_or_si128(quotes,
                              _mm_or_si128(_mm_cmpeq_epi8(v0, quote), _mm_cmpeq_epi8(v1, quote)));
        uint64_t m0 = static_cast<uint32_t>(_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v0, comma), _mm_cmpeq_epi8(v0, newline))));
        uint64_t m1 = static_cast<uint32_t>(_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(v1, comma), _mm_cmpeq_epi8(v1, newline))));
        uint64_t mask = m0 | (m1 << 16);
        const uint32_t count = static_cast<uint32_t>(__builtin_popcountll(mask));
        const uint32_t at = static_cast<uint32_t>(off);
        for (int i = 0; i < 8; ++i) {  // written even past count; overwritten by the next step
          out[i] = at + static_cast<uint32_t>(__builtin_ctzll(mask | (uint64_t(1) << 32)));
          mask &= mask - 1;
        }
        for (uint32_t i = 8; i < count; ++i) {
          out[i] = at + static_cast<uint32_t>(__builtin_ctzll(mask));
          mask &= mask - 1;
        }
        out += count;
      }
      quoted |= _mm_movemask_epi8(quotes) != 0;
      for (; off < end; ++off) {
        if (base[off] == ',' || base[off] == '\n') *out++ = static_cast<uint32_t>(off);
        quoted |= base[off] == '"';
      }
      if (quoted) {  // quoted fields from here on: the careful line-by-line path
        run_lines(text.substr(row_start));
        return;
      }
      const size_t total = static_cast<size_t>(out - idx.data());
      ensure_room((end - row_start) / ncols + 2);  // a kept row has ncols separators at least
      size_t k = 0;
      bool go_on;
      switch (ncols) {  // the common widths get loops the compiler unrolls
        case 4:
          go_on = cut_rows<4>(base, idx.data(), total, ncols, k, row_start);
          break;
        case 5:
          go_on = cut_rows<5>(base, idx.data(), total, ncols, k, row_start);
          break;
        case 6:
          go_on = cut_rows<6>(base, idx.data(), total, ncols, k, row_start);
          break;
        default:
          go_on = cut_rows<0>(base, idx.data(), total, ncols, k, row_start);
          break;
      }
      if (!go_on) return;
      pending = total - k;
      std::copy(idx.begin() + k, idx.begin() + total, idx.begin());
    }
    // What is left: lines with fewer fields than ncols (short or blank), and perhaps a last
    // line without '\n' (callers normally add one).
    std::string_view fields[kMaxColumns];
    ensure_room(pending / ncols + 2);
    size_t col = 0, start = row_start;
    for (size_t i = 0; i < pending; ++i) {
      if (col < ncols) fields[col] = std::string_view(base + start, idx[i] - start);
      ++col;
      start = idx[i] + 1;
      if (base[idx[i]] == '\n' && !end_of_line(fields, col)) return;
    }
    if (start < n) {
      if (col < ncols) fields[col] = std::string_view(base + start, n - start);
      ++col;
      end_of_line(fields, col);
    }
  }

  // Cuts whole rows from separators idx[k..total); advances k and row_start past them.
  template <size_t N>  // N = ncols, or 0 when it is not known at compile time
  bool cut_rows(const char* base, const uint32_t* idx, size_t total, size_t dynamic_ncols,
                size_t& k, size_t& row_start) {
    const size_t ncols = N ? N : dynamic_ncols;
    std::string_view fields[kMaxColumns];
    while (k + ncols <= total) {
      size_t start = row_start;
      bool regular = base[idx[k + ncols - 1]] == '\n';
      for (size_t i = 0; i + 1 < ncols; ++i) regular &= base[idx[k + i]] == ',';
      if (regular) {
        for (size_t i = 0; i < ncols; ++i) {
          fields[i] = std::string_view(base + start, idx[k + i] - start);
          start = idx[k + i] + 1;
        }
        k += ncols;
        row_start = start;
        size_t col = ncols;
        if (!end_of_line(fields, col)) return false;
        continue;
      }
      // A line with too few or too many fields, or a blank line: up to its '\n'.
      size_t col = 0;
      while (k < total) {
        uint32_t pos = idx[k++];
        if (col < ncols) fields[col] = std::string_view(base + start, pos - start);
        ++col;
        start = pos + 1;
        if (base[pos] == '\n') break;
      }
      if (base[start - 1] != '\n') {  // the line goes on in the next slice: wait for it
        k -= col;
        return true;
      }
      row_start = start;
      if (!end_of_line(fields, col)) return false;
    }
    return true;
  }

  // A row of `col` fields ended; returns whether parsing goes on.
  bool end_of_line(std::string_view* fields, size_t& col) {
    ++line_;
    size_t got = col;
    col = 0;
    size_t ncols = schema_.fields.size();
    if (got <= ncols) {
      std::string_view& last = fields[got - 1];
      if (!last.empty() && last.back() == '\r') last.remove_suffix(1);
      if (got == 1 && last.empty()) return true;  // blank line
    }
    if (got != ncols)
      return bad(fmt::format("expected {} fields ({}), found {}", ncols, schema_.header(), got));
    return row(fields) || skip_;
  }

  void run_lines(std::string_view text) {
    safe_ = nullptr;  // fields may live in `quoted`, outside the text: no 8-byte reads
    const char* p = text.data();
    const char* end = p + text.size();
    size_t ncols = schema_.fields.size();
    std::string_view fields[kMaxColumns];
    std::vector<std::string> quoted;
    std::string error;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      if (!nl) nl = end;
      std::string_view line(p, nl - p);
      p = nl + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) {
        ++line_;
        continue;
      }
      if (!split_quoted(line, quoted, error)) {
        ++line_;
        if (!bad(error)) return;
        continue;
      }
      size_t col = quoted.size();
      for (size_t i = 0; i < std::min(col, ncols); ++i) fields[i] = quoted[i];
      ensure_room(1);
      if (!end_of_line(fields, col)) return;
    }
  }

  // Records a bad row; returns whether parsing goes on.
  bool bad(std::string message) {
    out_.bad.push_back({line_, std::move(message)});
    return skip_;
  }

  bool field_error(size_t col, const char* expected, std::string_view got) {
    bad(fmt::format("column {} ({}): expected {}, got '{}'", col + 1, schema_.names[col], expected,
                    shown(got)));
    return false;
  }

  // Column positions, looked up once: the row loop indexes fields directly.
  struct Columns {
    size_t file_id = 0, label = 0, api = 0, tid = 0, ret = 0, index = 0;
    bool has_label = false, has_ret = false;
  };
  static Columns columns_of(const CsvSchema& s) {
    Columns c;
    for (size_t i = 0; i < s.fields.size(); ++i) {
      switch (s.fields[i]) {
        case Field::kFileId:
          c.file_id = i;
          break;
        case Field::kLabel:
          c.label = i, c.has_label = true;
          break;
        case Field::kApi:
          c.api = i;
          break;
        case Field::kTid:
          c.tid = i;
          break;
        case Field::kReturnValue:
          c.ret = i, c.has_ret = true;
          break;
        case Field::kIndex:
          c.index = i;
          break;
        case Field::kIgnored:
          break;
      }
    }
    return c;
  }

  bool row(const std::string_view* f) {
    const Columns& c = cols_;
    std::string_view file_id = f[c.file_id], api = f[c.api];
    uint64_t label = 0, tid = 0, index = 0;
    if (file_id.empty()) return field_error(c.file_id, "a file id", file_id);
    if (c.has_label && !parse_uint(f[c.label], safe_, kMaxLabel, label))
      return field_error(c.label, "a class number from 0 to 999", f[c.label]);
    if (api.empty()) return field_error(c.api, "an API name", api);
    if (!parse_uint(f[c.tid], safe_, UINT32_MAX, tid))
      return field_error(c.tid, "a thread id (0 to 4294967295)", f[c.tid]);
    if (!parse_uint(f[c.index], safe_, UINT32_MAX, index))
      return field_error(c.index, "a call index (0 to 4294967295)", f[c.index]);
    const bool has_ret = c.has_ret;
    std::string_view ret_text = has_ret ? f[c.ret] : std::string_view();
    int32_t lab = schema_.has_label ? static_cast<int32_t>(label) : -1;
    const uint32_t r = static_cast<uint32_t>(rows_);
    if (out_.files.empty() || !same_bytes(out_.files.back().file_id, file_id)) {
      if (!out_.files.empty()) out_.files.back().row_end = r;
      out_.files.push_back({std::string(file_id), lab, r, 0, line_});
    } else if (out_.files.back().label != lab) {
      out_.bad.push_back({line_,
                          fmt::format("file_id '{}' has label {} here but label {}", shown(file_id),
                                      lab, out_.files.back().label),
                          out_.files.back().first_line});
      return false;
    }
    uint32_t api_id = apis_.intern(api, safe_);
    if (api_id > UINT16_MAX) {
      bad("more than 65536 distinct API names");
      return false;
    }
    int64_t ret = 0;
    if (has_ret && !parse_int64(ret_text, ret))
      ret = kRetStringBase + rets_.intern(ret_text, safe_);
    out_.api[r] = static_cast<uint16_t>(api_id);  // room made by ensure_room
    out_.tid[r] = static_cast<uint32_t>(tid);
    out_.index[r] = static_cast<uint32_t>(index);
    out_.ret[r] = ret;
    rows_ = r + 1;
    return true;
  }

  // Makes room in the columns for `n` more rows (sizes are an upper bound until finish()).
  void ensure_room(size_t n) {
    if (rows_ + n <= out_.api.size()) return;
    const size_t size = std::max(rows_ + n, out_.api.size() * 2);
    out_.api.resize(size);
    out_.tid.resize(size);
    out_.index.resize(size);
    out_.ret.resize(size);
  }

 public:
  /// Trims the columns to the rows kept and closes the last run.
  void finish() {
    out_.api.resize(rows_);
    out_.tid.resize(rows_);
    out_.index.resize(rows_);
    out_.ret.resize(rows_);
    if (!out_.files.empty()) out_.files.back().row_end = static_cast<uint32_t>(rows_);
  }

 private:
  // Canonical int64 (see parse_canonical_int64) with the fast digit parser.
  bool parse_int64(std::string_view s, int64_t& out) const {
    bool neg = !s.empty() && s[0] == '-';
    std::string_view d = neg ? s.substr(1) : s;
    if (d.empty() || (d[0] == '0' && (d.size() > 1 || neg))) return false;
    uint64_t v;
    if (!parse_digits(d.data(), d.size(), safe_, v)) return false;
    if (neg ? v > (uint64_t(1) << 63) : v > uint64_t(INT64_MAX)) return false;
    out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    return out >= kRetStringLimit;
  }

  const CsvSchema& schema_;
  const Columns cols_;
#ifdef MALSCOPE_HAVE_AVX512_INDEX
  const bool avx512_ = g_allow_avx512.load(std::memory_order_relaxed) && cpu_has_avx512_index();
#endif
  const char* safe_ = nullptr;  // see parse_digits
  bool skip_;
  TraceBatch& out_;
  LocalInterner apis_, rets_;
  uint64_t line_ = 0;
  size_t rows_ = 0;  // rows kept so far

 public:
  uint64_t lines() const {
    return line_;
  }
};

}  // namespace

bool use_avx512_parser(bool allow) {
  g_allow_avx512.store(allow);
#ifdef MALSCOPE_HAVE_AVX512_INDEX
  return allow && cpu_has_avx512_index();
#else
  return false;
#endif
}

bool parse_canonical_int64(std::string_view s, int64_t& out) {
  bool neg = !s.empty() && s[0] == '-';
  std::string_view d = neg ? s.substr(1) : s;
  if (d.empty() || d.size() > 19) return false;
  if (d[0] == '0' && (d.size() > 1 || neg)) return false;
  uint64_t v = 0;
  for (char c : d) {
    unsigned x = static_cast<unsigned char>(c) - '0';
    if (x > 9) return false;
    v = v * 10 + x;
  }
  if (neg) {
    if (v > (uint64_t(1) << 63)) return false;
    out = static_cast<int64_t>(0 - v);
  } else {
    if (v > uint64_t(INT64_MAX)) return false;
    out = static_cast<int64_t>(v);
  }
  return out >= kRetStringLimit;  // the lowest 2^32 values encode strings
}

TraceBatch parse_block(std::string_view text, const CsvSchema& schema, bool skip_bad_rows) {
  TraceBatch out;
  BlockParser parser(schema, skip_bad_rows, out);
  parser.run(text);
  parser.finish();
  out.lines = parser.lines();  // after a stop in strict mode, lines up to the bad row
  return out;
}

}  // namespace malscope
