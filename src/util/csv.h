#pragma once
// The one CSV writer and reader for everything malscope writes and reads back outside ingest's
// fast parser (submissions, labels, groups, matches, summaries, exports): RFC 4180 both ways, so
// a file_id or API name holding a comma, a quote or a line end round-trips. The reader holds the
// whole file in memory and names the file and line in every error.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace malscope {

/// Appends `field` to `out`, quoted (quotes doubled) when it holds a comma, quote, CR or LF.
void csv_append(std::string& out, std::string_view field);
/// `field` as one CSV field (see csv_append).
std::string csv_field(std::string_view field);

class CsvLines {
 public:
  /// Reads `path` ("-" for stdin); throws Error if it cannot be read.
  explicit CsvLines(const std::string& path);
  /// Reads the next non-blank record into fields (views that stay valid until the next call);
  /// false at the end. Throws Error for an unterminated quoted field.
  bool next(std::vector<std::string_view>& fields);
  /// Reads the header and throws Error unless its fields are exactly `names`.
  void expect_header(std::initializer_list<std::string_view> names);
  /// Reads the header line; throws Error if the file is empty.
  std::vector<std::string_view> header();
  /// Throws Error "PATH:LINE: message" for the record last read.
  [[noreturn]] void fail(const std::string& message) const;
  /// Line number where the record last read starts (from 1).
  uint64_t line() const { return line_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_, text_;
  size_t pos_ = 0;
  uint64_t line_ = 0, next_line_ = 1;
  std::vector<std::string> unquoted_;  // storage for fields that needed unquoting
};

/// Parses a whole field as a finite double; false if it is not one.
bool parse_double(std::string_view s, double& out);
/// Parses a whole field as a decimal int32; false if it is not one.
bool parse_int(std::string_view s, int32_t& out);

}  // namespace malscope
