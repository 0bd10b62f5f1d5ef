#pragma once
// The Tianchi CSV reader: a file (memory-mapped in spans) or standard input ("-", read into
// buffers), cut into blocks of whole lines that parse_block() turns into TraceBatches.
#include <memory>
#include <string>

#include "io/trace_source.h"

namespace malscope {

/// Opens a Tianchi CSV (a path, or "-" for standard input) and reads its header; throws Error
/// naming the input when it cannot be opened, is empty or its header lacks a required column.
std::unique_ptr<TraceSource> open_csv_source(const std::string& path,
                                             const SourceOptions& options = {});

}  // namespace malscope
