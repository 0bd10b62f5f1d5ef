#pragma once
// Ingest: a Tianchi CSV (file or stdin) -> a trace store, streaming in bounded memory.
// The input is read in blocks cut at line ends; blocks are parsed in parallel; an in-order
// assembler maps block-local ids to store-wide ones, groups rows into files and files into
// chunks; chunks are sorted and encoded in parallel and appended in order.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace malscope {

struct IngestOptions {
  bool skip_bad_rows = false;      ///< skip and count bad rows instead of stopping
  int threads = 0;                 ///< 0 = all cores
  uint32_t chunk_rows = 1u << 20;  ///< target rows per chunk (whole files per chunk)
  size_t block_bytes = 8u << 20;   ///< bytes of CSV per parse task
  size_t bad_rows_shown = 5;       ///< how many skipped rows to print
  std::FILE* log = stderr;         ///< where skipped rows and warnings go (nullptr: nowhere)
  bool progress = true;            ///< progress line on a terminal
};

struct IngestStats {
  uint64_t bytes = 0;                     ///< bytes of CSV read
  uint64_t lines = 0;                     ///< lines read, the header included
  uint64_t rows = 0;                      ///< rows stored
  uint32_t files = 0;                     ///< files stored
  uint32_t chunks = 0;                    ///< chunks written
  uint64_t bad_rows = 0;                  ///< rows skipped (with skip_bad_rows)
  uint32_t reappearing_files = 0;         ///< file_ids whose rows came back after other files
  std::vector<std::string> bad_examples;  ///< the first bad rows, with their line numbers
  double seconds = 0;
};

/// Reads `input` ("-" = stdin) and writes the store at `store_path`. Throws Error naming the
/// input, line, column and what was expected on bad input; no store is left behind then.
IngestStats ingest_csv(const std::string& input, const std::string& store_path,
                       const IngestOptions& options = {});

}  // namespace malscope
