#pragma once
// The block parser: turns a block of whole CSV lines into a TraceBatch (each maximal run of rows
// with one file_id is a BatchFile). Blocks are parsed independently, in parallel.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv_schema.h"
#include "io/trace_batch.h"

namespace malscope {

/// Parses `text`, which holds whole lines, each ending with '\n'. Blank lines are skipped. With
/// skip_bad_rows false, parsing stops at the first bad row (recorded in `bad`); line numbers are
/// within the block.
TraceBatch parse_block(std::string_view text, const CsvSchema& schema, bool skip_bad_rows);

/// Allows (the default) or forbids the AVX-512 separator scan, which is used only where the CPU
/// has AVX-512 VBMI2; returns whether it is now in use. For tests and benchmarks of both paths
/// (the environment variable MALSCOPE_NO_AVX512 forbids it from the start).
bool use_avx512_parser(bool allow);

/// Parses a canonical decimal int64 ("0", "-12", no '+', no leading zeros). Returns false for
/// anything else, so the text can be kept as a string and written back unchanged.
bool parse_canonical_int64(std::string_view s, int64_t& out);

}  // namespace malscope
