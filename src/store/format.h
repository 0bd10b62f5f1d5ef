#pragma once
// The on-disk layout of a trace store (little-endian, version 1):
//
//   [Header, 144 bytes]                       magic, version, counts, section offsets, file size
//   [chunk column frames ...]                 zstd frames, one per column per chunk
//   [API dictionary]  [return-string dictionary]  [file-id bytes]
//   [FileEntry x n_files]  [ChunkEntry x n_chunks]  [metadata JSON]
//
// A chunk holds the rows of whole files, in file order; each file's rows are sorted by
// (tid, index, input row order). Columns are narrowed, delta-coded or patched (a few wide values
// listed apart) before compression (see codec.h), which keeps a store near 3% of a Tianchi CSV
// and decodable at GB/s. The patched codec (2) came after the first stores; readers accept all.
#include <cstdint>

namespace malscope::store {

inline constexpr char kMagic[8] = {'M', 'A', 'L', 'S', 'C', 'O', 'P', 'E'};
inline constexpr uint32_t kVersion = 1;
inline constexpr int kNumColumns = 4;  // api, tid, index, ret

struct Section {
  uint64_t offset;
  uint64_t size;
};

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t header_size;
  uint64_t file_size;  // total bytes; a shorter file is truncated
  uint64_t n_rows;
  uint32_t n_files;
  uint32_t n_chunks;
  Section apis;            // u32 count, then (u32 length, bytes) per name
  Section ret_strings;     // same layout
  Section file_ids;        // concatenated file_id bytes
  Section files;           // FileEntry[n_files]
  Section chunks;          // ChunkEntry[n_chunks]
  Section meta;            // JSON object
  uint64_t meta_checksum;  // hash of every metadata section, catches corruption
};
static_assert(sizeof(Header) == 144);

struct FileEntry {
  uint64_t id_offset;  // into the file_ids section
  uint32_t id_length;
  int32_t label;  // -1: unlabeled
  uint32_t chunk;
  uint32_t row_in_chunk;
  uint32_t n_rows;
  uint32_t n_threads;
};
static_assert(sizeof(FileEntry) == 32);

struct ColumnFrame {
  uint64_t offset;  // absolute, in the store file
  uint32_t size;    // compressed bytes
  uint8_t width;    // bytes per value before compression: 1, 2, 4 or 8
  uint8_t codec;    // see codec.h
  uint16_t reserved;
};
static_assert(sizeof(ColumnFrame) == 16);

struct ChunkEntry {
  uint32_t n_rows;
  uint32_t reserved;
  ColumnFrame columns[kNumColumns];
};
static_assert(sizeof(ChunkEntry) == 8 + 16 * kNumColumns);

}  // namespace malscope::store
