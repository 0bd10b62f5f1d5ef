#pragma once
// How a call's return value is held, for every reader and the store: an int64 where the input
// gives a canonical integer, otherwise the text interned in a dictionary and held as
// kRetStringBase + its id. The lowest 2^32 int64 values are therefore not numbers; an input
// integer that falls among them is kept as text too, so every value is written back as given.
#include <climits>
#include <cstdint>

namespace malscope {

/// The int64 of interned text number 0.
inline constexpr int64_t kRetStringBase = INT64_MIN;
/// Values below this stand for interned text.
inline constexpr int64_t kRetStringLimit = INT64_MIN + (int64_t(1) << 32);

/// Whether a held return value stands for interned text.
inline bool ret_is_string(int64_t v) {
  return v < kRetStringLimit;
}
/// The dictionary id of a held return value for which ret_is_string() holds.
inline uint32_t ret_string_id(int64_t v) {
  return static_cast<uint32_t>(v - kRetStringBase);
}
/// The held value of interned text number `id`.
inline int64_t ret_string_value(uint32_t id) {
  return kRetStringBase + static_cast<int64_t>(id);
}

}  // namespace malscope
