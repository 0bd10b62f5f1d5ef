#include "io/csv_parser.h"

#include <fmt/format.h>
#include <cstring>

#include "util/hash.h"

namespace malscope {
namespace {

// Open-addressing interner over block-local ids; strings live in `names`.
class LocalInterner {
 public:
  explicit LocalInterner(std::vector<std::string>& names) : names_(names), slots_(1024) {}

  uint32_t intern(std::string_view s) {
    uint64_t h = hash_bytes(s);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kEmpty) {
        slot = {h, static_cast<uint32_t>(names_.size())};
        names_.emplace_back(s);
        if (names_.size() * 2 > slots_.size()) grow();
        return static_cast<uint32_t>(names_.size() - 1);
      }
      if (slot.hash == h && names_[slot.id] == s) return slot.id;
    }
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = kEmpty;
  };
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id == kEmpty) continue;
      size_t i = s.hash & mask;
      while (slots_[i].id != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<std::string>& names_;
  std::vector<Slot> slots_;
};

std::string shown(std::string_view v) {
  std::string out;
  for (char c : v.substr(0, 40)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else
      out += c;
  }
  if (v.size() > 40) out += "...";
  return out;
}

// Parses digits into a uint64 no larger than `max`; false on anything else.
inline bool parse_uint(std::string_view s, uint64_t max, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    unsigned d = static_cast<unsigned char>(c) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  if (v > max) return false;
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

class BlockParser {
 public:
  BlockParser(const CsvSchema& schema, bool skip, ParsedBlock& out)
      : schema_(schema), skip_(skip), out_(out), apis_(out.apis), rets_(out.ret_strings) {}

  void run(std::string_view text) {
    const char* p = text.data();
    const char* end = p + text.size();
    bool quotes = std::memchr(p, '"', text.size()) != nullptr;
    size_t ncols = schema_.fields.size();
    std::string_view fields[kMaxColumns];
    std::vector<std::string> quoted;
    std::string error;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      if (!nl) nl = end;  // caller guarantees a final '\n'; be safe anyway
      std::string_view line(p, nl - p);
      p = nl + 1;
      ++line_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      size_t n = 0;
      if (quotes && line.find('"') != std::string_view::npos) {
        if (!split_quoted(line, quoted, error)) {
          if (!bad(error)) return;
          continue;
        }
        n = quoted.size();
        for (size_t i = 0; i < std::min(n, ncols); ++i) fields[i] = quoted[i];
      } else {
        n = split(line, fields, ncols);
      }
      if (n != ncols) {
        if (!bad(fmt::format("expected {} fields ({}), found {}", ncols, schema_.header(), n)))
          return;
        continue;
      }
      if (!row(fields) && !skip_) return;
    }
  }

 private:
  // Fills up to ncols fields; returns the number of fields on the line.
  static size_t split(std::string_view line, std::string_view* fields, size_t ncols) {
    size_t n = 0;
    const char* s = line.data();
    const char* e = s + line.size();
    for (;;) {
      const char* c = s;
      while (c < e && *c != ',') ++c;
      if (n < ncols) fields[n] = std::string_view(s, c - s);
      ++n;
      if (c == e) return n;
      s = c + 1;
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

  bool row(const std::string_view* f) {
    std::string_view file_id, api, ret_text;
    uint64_t label = 0, tid = 0, index = 0;
    bool has_ret = false;
    for (size_t i = 0; i < schema_.fields.size(); ++i) {
      std::string_view v = f[i];
      switch (schema_.fields[i]) {
        case Field::kFileId:
          if (v.empty()) return field_error(i, "a file id", v);
          file_id = v;
          break;
        case Field::kLabel:
          if (!parse_uint(v, kMaxLabel, label))
            return field_error(i, "a class number from 0 to 999", v);
          break;
        case Field::kApi:
          if (v.empty()) return field_error(i, "an API name", v);
          api = v;
          break;
        case Field::kTid:
          if (!parse_uint(v, UINT32_MAX, tid))
            return field_error(i, "a thread id (0 to 4294967295)", v);
          break;
        case Field::kIndex:
          if (!parse_uint(v, UINT32_MAX, index))
            return field_error(i, "a call index (0 to 4294967295)", v);
          break;
        case Field::kReturnValue:
          ret_text = v;
          has_ret = true;
          break;
        case Field::kIgnored:
          break;
      }
    }
    int32_t lab = schema_.has_label ? static_cast<int32_t>(label) : -1;
    if (out_.runs.empty() || out_.runs.back().file_id != file_id) {
      if (!out_.runs.empty()) out_.runs.back().row_end = static_cast<uint32_t>(out_.api.size());
      out_.runs.push_back(
          {std::string(file_id), lab, static_cast<uint32_t>(out_.api.size()), 0, line_});
    } else if (out_.runs.back().label != lab) {
      bad(fmt::format("file_id '{}' has label {} here but label {} on line {} of this block",
                      shown(file_id), lab, out_.runs.back().label, out_.runs.back().first_line));
      return false;
    }
    uint32_t api_id = apis_.intern(api);
    if (api_id > UINT16_MAX) {
      bad("more than 65536 distinct API names");
      return false;
    }
    int64_t ret = 0;
    if (has_ret && !parse_canonical_int64(ret_text, ret))
      ret = kRetStringBase + rets_.intern(ret_text);
    out_.api.push_back(static_cast<uint16_t>(api_id));
    out_.tid.push_back(static_cast<uint32_t>(tid));
    out_.index.push_back(static_cast<uint32_t>(index));
    out_.ret.push_back(ret);
    out_.runs.back().row_end = static_cast<uint32_t>(out_.api.size());
    return true;
  }

  const CsvSchema& schema_;
  bool skip_;
  ParsedBlock& out_;
  LocalInterner apis_, rets_;
  uint64_t line_ = 0;

 public:
  uint64_t lines() const { return line_; }
};

}  // namespace

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

ParsedBlock parse_block(std::string_view text, const CsvSchema& schema, bool skip_bad_rows) {
  ParsedBlock out;
  size_t guess = text.size() / 32 + 16;
  out.api.reserve(guess);
  out.tid.reserve(guess);
  out.index.reserve(guess);
  out.ret.reserve(guess);
  BlockParser parser(schema, skip_bad_rows, out);
  parser.run(text);
  out.lines = parser.lines();  // after a stop in strict mode, lines up to the bad row
  return out;
}

}  // namespace malscope
