#pragma once
// Column codec: values are mapped to unsigned codes (optionally as zigzag deltas), narrowed to the
// fewest bytes that hold the largest code in the column, then zstd-compressed. Narrowing first
// makes zstd several times faster and the frames smaller than compressing raw 8-byte values.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "store/format.h"

namespace malscope::store {

enum Codec : uint8_t {
  kCodecPlain = 0,  ///< code = zigzag(value) for signed types, value otherwise
  kCodecDelta = 1,  ///< code = zigzag(value[i] - value[i-1]), value[-1] = 0
  /// Plain codes narrowed to a width most fit; the rest are written as the escape code (all ones
  /// at that width) and listed, as 8-byte codes in row order, after the narrowed values. Chosen
  /// by encode_column(kCodecPlain) when it is smaller: a return-value column of 4-byte NTSTATUS
  /// codes with a few interned strings (ids near INT64_MIN) stays 4 bytes wide instead of 8.
  kCodecPatched = 2,
};

/// Encodes a column; fills frame.width/codec (not offset) and returns the compressed bytes.
std::string encode_column(std::span<const uint16_t> v, Codec codec, ColumnFrame& frame);
std::string encode_column(std::span<const uint32_t> v, Codec codec, ColumnFrame& frame);
std::string encode_column(std::span<const int64_t> v, Codec codec, ColumnFrame& frame);

/// Decodes a frame of n values into out; throws Error (mentioning `what`) if it is corrupt.
void decode_column(const char* data, const ColumnFrame& frame, uint32_t n,
                   std::vector<uint16_t>& out, const std::string& what);
void decode_column(const char* data, const ColumnFrame& frame, uint32_t n,
                   std::vector<uint32_t>& out, const std::string& what);
void decode_column(const char* data, const ColumnFrame& frame, uint32_t n,
                   std::vector<int64_t>& out, const std::string& what);

}  // namespace malscope::store
