#pragma once
// Return values as the logs show them: mostly 0 or 1, NTSTATUS/HRESULT failure codes (large
// negative numbers), Win32 error numbers, counts, handles and addresses, and now and then a value
// that is not a number at all ("NULL", "0x1F"): the anonymised Tianchi logs have a few.
#include <cstdint>
#include <string_view>

#include "io/return_value.h"
#include "sim/api_catalog.h"
#include "sim/rng.h"

namespace malscope::sim {

/// Number of distinct non-numeric return values, held as ret_string_value(0..3) of
/// io/return_value.h (the row writer prints their text).
inline constexpr int kNumRetStrings = 4;

/// Whether a generated return value stands for a non-numeric text.
inline bool ret_is_text(int64_t v) {
  return ret_is_string(v) && ret_string_id(v) < kNumRetStrings;
}
/// The text of a non-numeric return value.
std::string_view ret_text(int64_t v);

/// Draws return values for calls.
class ReturnModel {
 public:
  /// `text_rate`: share of values that are not numbers (0 for season 2, which has no column).
  explicit ReturnModel(double text_rate);
  /// The return value of one call of `api` in a run whose failure rates are scaled by
  /// `err_scale`.
  int64_t draw(uint16_t api, double err_scale, Rng& rng) const;

 private:
  const ApiCatalog& cat_;
  uint64_t text_threshold_;  // out of 2^20
};

}  // namespace malscope::sim
