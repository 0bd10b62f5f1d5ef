#pragma once
// Writes runs as Tianchi CSV rows, fast: API names, thread ids and index values are formatted
// once and copied, integers are formatted by hand, and rows go into a growable buffer that is
// never zero-filled.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace_generator.h"

namespace malscope::sim {

/// A growable byte buffer that is not zero-filled on growth.
class CharBuffer {
 public:
  /// Makes room for n more bytes; returns where they go.
  char* reserve(size_t n);
  /// Marks n bytes after the current end as written.
  void commit(size_t n) { size_ += n; }
  void append(std::string_view s) {
    std::memcpy(reserve(s.size()), s.data(), s.size());
    commit(s.size());
  }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, cap_ = 0;
};

/// Formats rows for one CSV layout.
class RowWriter {
 public:
  /// Columns: file_id[,label],api,tid[,return_value],index.
  RowWriter(bool with_label, bool with_ret);
  /// The header line, with its line end.
  std::string header() const;
  /// Appends the rows of `calls` as file `file_id` with `label`.
  void append(CharBuffer& out, uint64_t file_id, int label, const FileCalls& calls) const;

 private:
  bool with_label_, with_ret_;
  std::vector<std::string> api_;  // "Name,"
  size_t max_api_ = 0;
};

}  // namespace malscope::sim
