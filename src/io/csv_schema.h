#pragma once
// The Tianchi CSV layout: which columns a log has and where, read from its header. Columns are
// matched by name in any order: season 1 `file_id,label,api,tid,return_value,index`, season 2
// without return_value, test files without label.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/trace_batch.h"

namespace malscope {

/// What a CSV column holds.
enum class Field : uint8_t { kFileId, kLabel, kApi, kTid, kReturnValue, kIndex, kIgnored };

/// A header may have at most this many columns.
inline constexpr size_t kMaxColumns = 32;


/// The columns of one CSV, from its header line.
struct CsvSchema {
  std::vector<Field> fields;       ///< one per column, in file order
  std::vector<std::string> names;  ///< header names as given
  bool has_label = false;
  bool has_return_value = false;

  /// Parses a header line (without the line end; a UTF-8 BOM is accepted). Throws Error naming
  /// `source` if a required column is missing or a column is given twice.
  static CsvSchema from_header(std::string_view line, const std::string& source);
  /// "season1", "season2", "season1-test", "season2-test" or "custom".
  std::string format_name() const;
  /// The header names joined by commas, for messages.
  std::string header() const;
};

}  // namespace malscope
