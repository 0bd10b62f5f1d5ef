#include "util/csv.h"

#include <fmt/format.h>
#include <charconv>
#include <cmath>

#include "util/error.h"
#include "util/fs.h"
#include "util/text.h"

namespace malscope {

void csv_append(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(s);
    return;
  }
  out += '"';
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

std::string csv_field(std::string_view s) {
  std::string out;
  csv_append(out, s);
  return out;
}

CsvLines::CsvLines(const std::string& path) : path_(path), text_(read_file(path)) {
  if (text_.starts_with("\xEF\xBB\xBF")) text_.erase(0, 3);  // a UTF-8 byte order mark
}

bool CsvLines::next(std::vector<std::string_view>& fields) {
  fields.clear();
  unquoted_.clear();
  const std::string_view t = text_;
  while (pos_ < t.size()) {
    line_ = next_line_;
    // A blank line (or one holding only CR) is skipped.
    size_t eol = t.find('\n', pos_);
    std::string_view rest = t.substr(pos_, eol == std::string_view::npos ? eol : eol - pos_);
    if (rest.empty() || rest == "\r") {
      pos_ = eol == std::string_view::npos ? t.size() : eol + 1;
      ++next_line_;
      continue;
    }
    // Fields: unquoted ones are views into the text; quoted ones are unquoted into storage (views
    // into it are made once the record is complete, so growing it moves nothing viewed).
    std::vector<std::pair<bool, size_t>> where;  // (quoted, index into unquoted_ or offset)
    std::vector<size_t> lengths;
    size_t p = pos_;
    for (;;) {
      if (p < t.size() && t[p] == '"') {
        std::string value;
        size_t q = p + 1;
        for (;;) {
          if (q >= t.size()) {
            pos_ = t.size();
            fail("unterminated quoted field");
          }
          if (t[q] == '"') {
            if (q + 1 < t.size() && t[q + 1] == '"') {
              value += '"';
              q += 2;
              continue;
            }
            ++q;
            break;
          }
          if (t[q] == '\n') ++next_line_;
          value += t[q++];
        }
        unquoted_.push_back(std::move(value));
        where.emplace_back(true, unquoted_.size() - 1);
        lengths.push_back(0);
        p = q;
        if (p < t.size() && t[p] == '\r') ++p;
        if (p < t.size() && t[p] != ',' && t[p] != '\n')
          fail(fmt::format("text after a closing quote: '{}'", excerpt(t.substr(p, 20))));
      } else {
        size_t e = t.find_first_of(",\n", p);
        if (e == std::string_view::npos) e = t.size();
        size_t len = e - p;
        if (len && t[p + len - 1] == '\r' && (e == t.size() || t[e] == '\n')) --len;
        where.emplace_back(false, p);
        lengths.push_back(len);
        p = e;
      }
      if (p < t.size() && t[p] == ',') {
        ++p;
        continue;
      }
      break;  // end of line or of text
    }
    pos_ = p < t.size() ? p + 1 : t.size();
    ++next_line_;
    for (size_t i = 0; i < where.size(); ++i)
      fields.push_back(where[i].first ? std::string_view(unquoted_[where[i].second])
                                      : t.substr(where[i].second, lengths[i]));
    return true;
  }
  return false;
}

std::vector<std::string_view> CsvLines::header() {
  std::vector<std::string_view> f;
  if (!next(f)) throw Error(fmt::format("'{}' is empty, expected a header line", path_));
  return f;
}

void CsvLines::expect_header(std::initializer_list<std::string_view> names) {
  auto got = header();
  if (!std::equal(got.begin(), got.end(), names.begin(), names.end()))
    fail(fmt::format("header is '{}', expected '{}'",
                     excerpt(fmt::format("{}", fmt::join(got, ",")), 200), fmt::join(names, ",")));
}

void CsvLines::fail(const std::string& message) const {
  throw Error(fmt::format("{}:{}: {}", path_, line_, message));
}

bool parse_double(std::string_view s, double& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}

bool parse_int(std::string_view s, int32_t& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace malscope
