#pragma once
// Writing a trace store: chunks of whole files are sorted and encoded (in parallel, by the
// caller's threads), then appended in order; finish() writes the tables and the header and
// renames the store into place. Until then the store exists only under a temporary name.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/format.h"
#include "store/trace_store.h"
#include "util/fs.h"

namespace malscope::store {

/// Rows of whole files, in file order, before sorting and encoding.
struct ChunkRows {
  std::vector<uint32_t> files;  ///< store file numbers
  std::vector<uint32_t>
      file_begin;  ///< first row of each file in `cols`; one more entry at the end
  ChunkColumns cols;
  size_t rows() const { return cols.api.size(); }
};

/// A chunk ready to be appended.
struct EncodedChunk {
  ChunkEntry entry{};
  std::string frames[kNumColumns];
  std::vector<uint32_t> files;
  std::vector<uint32_t> file_begin;
  std::vector<uint32_t> n_threads;  ///< distinct threads per file
};

/// Sorts each file's rows by (tid, index, input order) and encodes the columns.
EncodedChunk encode_chunk(ChunkRows rows);
/// Sorts rows [begin, end) of `c`, one file's, into store order (tid, index, input order): what
/// a trace scored without a store needs to be featurized exactly as a stored one.
void sort_file_rows(ChunkColumns& c, size_t begin, size_t end);

class StoreWriter {
 public:
  /// Starts a store at `path` (written under a temporary name until finish()).
  explicit StoreWriter(const std::string& path);

  /// Registers a file with the number of processes of its run (0: unknown); returns its number.
  /// Files are numbered in registration order.
  uint32_t add_file(std::string_view id, int32_t label, uint32_t processes = 0);
  /// Number of files registered.
  uint32_t num_files() const { return static_cast<uint32_t>(files_.size()); }
  /// file_id of a registered file.
  std::string_view file_id(uint32_t f) const;

  /// Appends an encoded chunk and points its files at it. Returns the chunk number.
  uint32_t write_chunk(const EncodedChunk& c);
  /// Decodes every column of a chunk already written (to merge a file whose rows came back).
  ChunkColumns read_chunk(uint32_t c);
  /// Where a file's rows are now.
  const FileEntry& entry(uint32_t f) const { return files_[f]; }

  /// Writes dictionaries, tables and metadata, then the header, and renames the store into place.
  void finish(const std::vector<std::string>& apis, const std::vector<std::string>& ret_strings,
              const nlohmann::json& meta);

 private:
  AtomicFile out_;
  std::vector<FileEntry> files_;
  std::string file_ids_;
  std::vector<ChunkEntry> chunks_;
  uint64_t n_rows_ = 0;
};

/// Hash used for the store's metadata checksum.
uint64_t meta_checksum(const char* data, const Header& h);

}  // namespace malscope::store
