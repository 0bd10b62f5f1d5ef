#include "eval/csv_lines.h"

#include <fmt/format.h>
#include <charconv>
#include <cmath>

#include "util/error.h"
#include "util/fs.h"

namespace malscope {

CsvLines::CsvLines(const std::string& path) : path_(path), text_(read_file(path)) {}

bool CsvLines::next(std::vector<std::string_view>& fields) {
  while (pos_ < text_.size()) {
    size_t end = text_.find('\n', pos_);
    if (end == std::string::npos) end = text_.size();
    std::string_view line(text_.data() + pos_, end - pos_);
    pos_ = end + 1;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    fields.clear();
    size_t start = 0;
    for (size_t comma; (comma = line.find(',', start)) != std::string_view::npos; start = comma + 1)
      fields.push_back(line.substr(start, comma - start));
    fields.push_back(line.substr(start));
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
    fail(fmt::format("header is '{}', expected '{}'", fmt::join(got, ","), fmt::join(names, ",")));
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
