#pragma once
// The on-disk layout of a trace store (little-endian, version 2):
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
//
// Version 2 added a fifth column, the process id of each call (sandbox reports; a frame of width
// 0 where the input has no processes, as a CSV has not), and each file's process count. Version-1
// stores (four columns, 32-byte file entries) are still read: their entries are widened on open.
#include <cstdint>

namespace malscope::store {

inline constexpr char kMagic[8] = {'M', 'A', 'L', 'S', 'C', 'O', 'P', 'E'};
inline constexpr uint32_t kVersion = 2;
inline constexpr uint32_t kOldestVersion = 1;  // the oldest version readers still open
inline constexpr int kNumColumns = 5;          // api, tid, index, ret, pid
inline constexpr int kNumColumnsV1 = 4;        // api, tid, index, ret

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
  Section files;           // FileEntry[n_files] (FileEntryV1 in version 1)
  Section chunks;          // ChunkEntry[n_chunks] (ChunkEntryV1 in version 1)
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
  uint32_t n_processes;  // processes of the run (0: the input does not say)
  uint32_t reserved;
};
static_assert(sizeof(FileEntry) == 40);

/// A version-1 file entry: FileEntry without the process count.
struct FileEntryV1 {
  uint64_t id_offset;
  uint32_t id_length;
  int32_t label;
  uint32_t chunk;
  uint32_t row_in_chunk;
  uint32_t n_rows;
  uint32_t n_threads;
};
static_assert(sizeof(FileEntryV1) == 32);

struct ColumnFrame {
  uint64_t offset;  // absolute, in the store file
  uint32_t size;    // compressed bytes
  uint8_t width;    // bytes per value before compression: 1, 2, 4 or 8; 0: column absent
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

/// A version-1 chunk entry: four columns.
struct ChunkEntryV1 {
  uint32_t n_rows;
  uint32_t reserved;
  ColumnFrame columns[kNumColumnsV1];
};
static_assert(sizeof(ChunkEntryV1) == 8 + 16 * kNumColumnsV1);

}  // namespace malscope::store
