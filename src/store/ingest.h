#pragma once
// Ingest: any input a reader in io/ takes -> a trace store, streaming in bounded memory. The
// source cuts its input into units; units are parsed on a pool, several in flight, and their
// batches go to the StoreBuilder in input order, which encodes chunks on the same pool.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/api_names.h"
#include "io/trace_source.h"
#include "util/log.h"

namespace malscope {

struct IngestOptions {
  bool skip_bad_rows = false;      ///< skip and count bad rows (or reports) instead of stopping
  int threads = 0;                 ///< 0 = all cores
  uint32_t chunk_rows = 1u << 20;  ///< target rows per chunk (whole files per chunk)
  size_t block_bytes = 8u << 20;   ///< bytes of text per parse task
  size_t bad_rows_shown = 5;       ///< how many skipped rows to log
  std::vector<std::string> class_names;    ///< one per class (empty: store/class_names.h defaults)
  ApiNaming api_names = ApiNaming::kAsIs;  ///< keep API names as read, or fold them
  std::shared_ptr<const LabelMap> labels;  ///< labels by file_id for sandbox reports (null: none)
  size_t units_in_flight = 0;  ///< units read ahead of the store builder (0: 2 x threads + 1)
  LogFn log;                   ///< skipped rows and warnings (empty: dropped)
  ProgressFn progress;         ///< progress of the read (empty: none)
};

struct IngestStats {
  uint64_t bytes = 0;                     ///< bytes of input read
  uint64_t lines = 0;                     ///< lines read, the header included (text input)
  uint64_t rows = 0;                      ///< rows stored
  uint32_t files = 0;                     ///< files stored
  uint32_t chunks = 0;                    ///< chunks written
  uint64_t bad_rows = 0;                  ///< rows (or reports) skipped (with skip_bad_rows)
  uint32_t reappearing_files = 0;         ///< file_ids whose rows came back after other files
  std::vector<std::string> bad_examples;  ///< the first bad rows, with where they were
  double seconds = 0;
};

/// Reads every unit of `source` and writes the store at `store_path`. Throws Error naming the
/// input, line and what was expected on bad input; no store is left behind then.
IngestStats ingest(TraceSource& source, const std::string& store_path,
                   const IngestOptions& options = {});
/// Opens `inputs` with the reader that takes them (io/trace_source.h) and ingests them.
IngestStats ingest_inputs(std::span<const std::string> inputs, const std::string& store_path,
                          const IngestOptions& options = {});
/// Reads the Tianchi CSV `input` ("-" = stdin) into the store at `store_path`.
IngestStats ingest_csv(const std::string& input, const std::string& store_path,
                       const IngestOptions& options = {});

}  // namespace malscope
