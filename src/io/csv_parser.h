#pragma once
// The block parser: turns a block of whole CSV lines into columns. Blocks are parsed
// independently (in parallel); strings are interned into block-local dictionaries whose ids are
// mapped to store-wide ids later, in input order, so ids never depend on thread timing.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv_schema.h"
#include "util/uninit_vector.h"

namespace malscope {

/// A maximal run of consecutive rows with the same file_id.
struct ParsedRun {
  std::string file_id;
  int32_t label = -1;      ///< -1 when the schema has no label
  uint32_t row_begin = 0;  ///< rows [row_begin, row_end) of the block's columns
  uint32_t row_end = 0;
  uint64_t first_line = 0;  ///< line of the run's first row, counted from 1 within the block
};

/// A row that could not be parsed.
struct BadRow {
  uint64_t line = 0;  ///< within the block, from 1
  std::string message;
};

/// The columns of one block. api holds block-local ids into `apis`; string return values hold
/// kRetStringBase + a block-local id into `ret_strings`.
struct ParsedBlock {
  UninitVector<uint16_t> api;
  UninitVector<uint32_t> tid;
  UninitVector<uint32_t> index;
  UninitVector<int64_t> ret;
  std::vector<ParsedRun> runs;
  std::vector<std::string> apis;         ///< block-local API names by first appearance
  std::vector<std::string> ret_strings;  ///< block-local non-numeric return values
  std::vector<BadRow> bad;               ///< bad rows, in line order
  uint64_t lines = 0;                    ///< lines in the block
  size_t rows() const { return api.size(); }
};

/// Parses `text`, which holds whole lines, each ending with '\n'. Blank lines are skipped. With
/// skip_bad_rows false, parsing stops at the first bad row (recorded in `bad`).
ParsedBlock parse_block(std::string_view text, const CsvSchema& schema, bool skip_bad_rows);

/// Allows (the default) or forbids the AVX-512 separator scan, which is used only where the CPU
/// has AVX-512 VBMI2; returns whether it is now in use. For tests and benchmarks of both paths
/// (the environment variable MALSCOPE_NO_AVX512 forbids it from the start).
bool use_avx512_parser(bool allow);

/// Parses a canonical decimal int64 ("0", "-12", no '+', no leading zeros). Returns false for
/// anything else, so the text can be kept as a string and written back unchanged.
bool parse_canonical_int64(std::string_view s, int64_t& out);

}  // namespace malscope
