#pragma once
// A reader for the small comma-separated tables of evaluation (submissions, labels, groups):
// the whole file in memory, one line at a time split into fields, every error naming the file
// and line. No quoting: these tables hold ids and numbers only.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace malscope {

class CsvLines {
 public:
  /// Reads `path` ("-" for stdin); throws Error if it cannot be read.
  explicit CsvLines(const std::string& path);
  /// Reads the next non-blank line into fields (views into the file); false at the end.
  bool next(std::vector<std::string_view>& fields);
  /// Reads the header and throws Error unless its fields are exactly `names`.
  void expect_header(std::initializer_list<std::string_view> names);
  /// Reads the header line; throws Error if the file is empty.
  std::vector<std::string_view> header();
  /// Throws Error "PATH:LINE: message" for the line last read.
  [[noreturn]] void fail(const std::string& message) const;
  /// Line number of the line last read (from 1).
  uint64_t line() const { return line_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_, text_;
  size_t pos_ = 0;
  uint64_t line_ = 0;
};

/// Parses a whole field as a finite double; false if it is not one.
bool parse_double(std::string_view s, double& out);
/// Parses a whole field as a decimal int32; false if it is not one.
bool parse_int(std::string_view s, int32_t& out);

}  // namespace malscope
