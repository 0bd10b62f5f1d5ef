#pragma once
// What a reader of records (sandbox reports) needs besides the walk: the batch-local
// dictionaries of API names and text return values, kept across the records of one unit of work
// and able to take back what a record that failed half-way added, and the parsing of return
// values given as text.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "io/trace_batch.h"

namespace malscope {

/// Batch-local interning of API names and text return values, kept across the reports of one
/// unit of work.
class BatchDictionaries {
 public:
  explicit BatchDictionaries(TraceBatch& batch) : batch_(batch) {}
  /// The batch-local id of an API name.
  uint16_t api(std::string_view name);
  /// The held value (io/return_value.h) of a text return value.
  int64_t text(std::string_view value);
  /// Forgets names and texts added after the batch had `apis` and `texts` of them (a report that
  /// failed half-way takes back what it added).
  void truncate(size_t apis, size_t texts);

 private:
  struct Hash {  // util/hash.h's: several times std::hash's speed on short names
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
  };
  static constexpr size_t kCacheSlots = 1024;
  TraceBatch& batch_;
  std::array<uint32_t, kCacheSlots> cache_{};  // batch-local id + 1 of a recent name, or 0
  std::unordered_map<std::string, uint16_t, Hash, std::equal_to<>> apis_;
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> texts_;
};

/// Parses a return value given as text: "0x" + 1-16 hex digits, or a decimal integer that fits
/// in 64 bits. False for anything else (text kept as text).
bool parse_int_text(std::string_view text, int64_t& value);

}  // namespace malscope
