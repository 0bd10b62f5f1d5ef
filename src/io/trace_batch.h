#pragma once
// TraceBatch: what every reader hands the store builder. A batch holds the calls of whole or
// partial file traces as columns, each file a run of consecutive rows; strings (API names, text
// return values) are interned into batch-local dictionaries, which the builder maps to store-wide
// ids in input order, so ids never depend on which thread read which batch.
#include <cstdint>
#include <string>
#include <vector>

#include "io/return_value.h"
#include "util/uninit_vector.h"

namespace malscope {

/// Labels are class numbers in [0, kMaxLabel] (-1: unlabeled), for every reader and the store.
inline constexpr int kMaxLabel = 999;

/// One file's rows in a batch: rows [row_begin, row_end) of the columns. A file may continue in
/// the next batch (its rows are joined) or come back later (its rows are merged).
struct BatchFile {
  std::string file_id;
  int32_t label = -1;       ///< class, or -1 when unlabeled
  uint32_t row_begin = 0;   ///< first row in the batch's columns
  uint32_t row_end = 0;     ///< one past the last
  uint64_t first_line = 0;  ///< line of its first row within the batch, from 1 (0: not a line)
  uint32_t processes = 0;   ///< processes of the run (sandbox reports; 0: the input does not say)
  std::string origin;       ///< where it was read when not a line: a report's path ("" for CSV)
};

/// Input that could not be read: a row (CSV) or a whole report.
struct BadRecord {
  uint64_t line = 0;      ///< line within the batch, from 1 (0: none; `message` says where)
  std::string message;    ///< what was wrong, and where when `line` is 0
  uint64_t ref_line = 0;  ///< another line of the batch the message refers to ("... on line N")
};

struct TraceBatch {
  UninitVector<uint16_t> api;  ///< batch-local ids into `apis`
  UninitVector<uint32_t> tid;
  UninitVector<uint32_t> index;
  UninitVector<int64_t> ret;   ///< io/return_value.h; text as ret_string_value(id in ret_strings)
  UninitVector<uint32_t> pid;  ///< process id of each row; empty when the input has none (CSV)
  std::vector<BatchFile> files;
  std::vector<std::string> apis;         ///< batch-local API names by first appearance
  std::vector<std::string> ret_strings;  ///< batch-local text return values
  std::vector<BadRecord> bad;            ///< unreadable input, in input order
  uint64_t lines = 0;                    ///< input lines this batch covers (0 for non-line input)
  size_t rows() const { return api.size(); }
};

}  // namespace malscope
