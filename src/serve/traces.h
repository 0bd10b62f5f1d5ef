#pragma once
// Traces scored without a store: the files of a TraceBatch (one report, a request's CSV, a unit
// of a report folder) made whole, sorted and named exactly as ingest would store them, then
// sketched with the features/ code a store goes through, so a verdict does not depend on whether
// the trace came through a store.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "features/pipeline.h"
#include "features/sketches.h"
#include "io/api_names.h"
#include "io/trace_batch.h"

namespace malscope {

/// How the traces of a batch are read.
struct TraceReading {
  ApiNaming api_names = ApiNaming::kAsIs;  ///< fold names as the model was trained (canonical)
  bool has_return_value = true;            ///< the input has return values (CSV: its header)
  /// Each run of the batch is a file of its own (reports: a sample analysed twice is two
  /// traces), instead of runs of one file_id being merged (CSV).
  bool one_record_per_file = false;
};

/// Sketches of the files of `batch`, one row per file_id in order of first appearance (runs of
/// one file_id merged, as the store builder merges them; one row per run with
/// one_record_per_file); each file's calls in store order (tid, index, input order). Only cfg's
/// n-gram fields matter (as for Sketches::extract).
Sketches sketch_batch(const TraceBatch& batch, const TraceReading& how, const FeatureConfig& cfg);

/// The batches joined into one (their dictionaries merged, rows and files in order), so that
/// many small units are sketched and scored in one pass. Throws Error past 65,536 API names.
TraceBatch join_batches(std::vector<TraceBatch>& batches);

/// Reads one CAPEv2 or Cuckoo report held in memory (any bytes: copied into a padded buffer)
/// into a batch of one file. The file_id is target.file.sha256 (then .md5, then `fallback_id`).
/// Throws Error naming `name`, the byte and the JSON path on bad input.
TraceBatch read_report_text(std::string_view json, const std::string& name,
                            const std::string& fallback_id);

/// read_report_text() of `json` without a copy: simdjson's padding is appended in place (no
/// reallocation when the capacity has room for it) and taken off again.
TraceBatch read_report_in_place(std::string& json, const std::string& name,
                                const std::string& fallback_id);

/// Reads a Tianchi CSV held in memory (header line first; labels, if any, are kept) into one
/// batch. Throws Error naming `name`, the line and the column on bad input. `has_return_value`
/// is set from the header.
TraceBatch read_csv_text(std::string_view csv, const std::string& name, bool& has_return_value);

}  // namespace malscope
