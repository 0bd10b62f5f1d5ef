#include "store/store_writer.h"

#include <fmt/format.h>
#include <algorithm>
#include <cstring>

#include "store/codec.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/text.h"

namespace malscope::store {
namespace {

template <class T>
void permute(std::vector<T>& v, size_t begin, const std::vector<uint32_t>& order) {
  if (v.empty()) return;
  std::vector<T> tmp(order.size());
  for (size_t i = 0; i < order.size(); ++i) tmp[i] = v[begin + order[i]];
  std::copy(tmp.begin(), tmp.end(), v.begin() + begin);
}

// The order that sorts rows [b, e) by (tid, index), stable. Logs usually hold each thread as
// one run in index order, with threads out of tid order: then ordering the runs is enough.
std::vector<uint32_t> sort_order(const ChunkColumns& c, size_t b, size_t e) {
  struct Run {
    uint32_t tid, start, end;
  };
  std::vector<Run> runs;
  for (size_t i = b; i < e; ++i) {
    if (i == b || c.tid[i] != c.tid[i - 1] || c.index[i] < c.index[i - 1])
      runs.push_back({c.tid[i], static_cast<uint32_t>(i - b), 0});
    runs.back().end = static_cast<uint32_t>(i - b + 1);
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [](const Run& x, const Run& y) { return x.tid < y.tid; });
  std::vector<uint32_t> order;
  order.reserve(e - b);
  bool one_run_per_thread = true;
  for (size_t r = 0; r < runs.size(); ++r) {
    one_run_per_thread &= r == 0 || runs[r].tid != runs[r - 1].tid;
    for (uint32_t i = runs[r].start; i < runs[r].end; ++i) order.push_back(i);
  }
  if (one_run_per_thread) return order;
  // General case: a full sort on (key, position), which is stable by construction.
  std::vector<std::pair<uint64_t, uint32_t>> keyed(e - b);
  for (size_t i = b; i < e; ++i)
    keyed[i - b] = {(uint64_t(c.tid[i]) << 32) | c.index[i], static_cast<uint32_t>(i - b)};
  std::sort(keyed.begin(), keyed.end());
  for (size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
  return order;
}

uint32_t count_threads(const ChunkColumns& c, size_t b, size_t e) {
  uint32_t n = e > b ? 1 : 0;
  for (size_t i = b + 1; i < e; ++i) n += c.tid[i] != c.tid[i - 1];
  return n;
}

void write_strings(AtomicFile& out, const std::vector<std::string>& v, Section& s) {
  s.offset = out.offset();
  uint32_t n = static_cast<uint32_t>(v.size());
  out.write(&n, 4);
  for (const auto& x : v) {
    uint32_t len = static_cast<uint32_t>(x.size());
    out.write(&len, 4);
    out.write(x);
  }
  s.size = out.offset() - s.offset;
}

}  // namespace

void sort_file_rows(ChunkColumns& c, size_t b, size_t e) {
  bool sorted = true;
  for (size_t i = b + 1; i < e && sorted; ++i)
    sorted = c.tid[i - 1] < c.tid[i] || (c.tid[i - 1] == c.tid[i] && c.index[i - 1] <= c.index[i]);
  if (sorted) return;
  std::vector<uint32_t> order = sort_order(c, b, e);
  permute(c.api, b, order);
  permute(c.tid, b, order);
  permute(c.index, b, order);
  permute(c.ret, b, order);
  permute(c.pid, b, order);
}

EncodedChunk encode_chunk(ChunkRows rows) {
  EncodedChunk out;
  ChunkColumns& c = rows.cols;
  for (size_t k = 0; k < rows.files.size(); ++k) {
    sort_file_rows(c, rows.file_begin[k], rows.file_begin[k + 1]);
    out.n_threads.push_back(count_threads(c, rows.file_begin[k], rows.file_begin[k + 1]));
  }
  out.entry.n_rows = static_cast<uint32_t>(rows.rows());
  // api plain (ids are small), tid delta (runs -> zeros), index delta (steps of 1), ret plain.
  out.frames[0] =
      encode_column(std::span<const uint16_t>(c.api), kCodecPlain, out.entry.columns[0]);
  out.frames[1] =
      encode_column(std::span<const uint32_t>(c.tid), kCodecDelta, out.entry.columns[1]);
  out.frames[2] =
      encode_column(std::span<const uint32_t>(c.index), kCodecDelta, out.entry.columns[2]);
  out.frames[3] = encode_column(std::span<const int64_t>(c.ret), kCodecPlain, out.entry.columns[3]);
  // pid delta (constant within a thread -> zeros); absent (width 0) when the input has none.
  if (!c.pid.empty())
    out.frames[4] =
        encode_column(std::span<const uint32_t>(c.pid), kCodecDelta, out.entry.columns[4]);
  out.files = std::move(rows.files);
  out.file_begin = std::move(rows.file_begin);
  return out;
}

uint64_t meta_checksum(const char* data, const Header& h) {
  uint64_t sum = 0;
  for (const Section* s : {&h.apis, &h.ret_strings, &h.file_ids, &h.files, &h.chunks, &h.meta})
    sum = mix64(sum ^ hash_bytes(std::string_view(data + s->offset, s->size)));
  return sum;
}

StoreWriter::StoreWriter(const std::string& path) : out_(path) {
  Header h{};
  out_.write(&h, sizeof h);  // placeholder, rewritten by finish()
}

uint32_t StoreWriter::add_file(std::string_view id, int32_t label, uint32_t processes) {
  FileEntry e{};
  e.id_offset = file_ids_.size();
  e.id_length = static_cast<uint32_t>(id.size());
  e.label = label;
  e.n_processes = processes;
  file_ids_.append(id);
  files_.push_back(e);
  return static_cast<uint32_t>(files_.size() - 1);
}

std::string_view StoreWriter::file_id(uint32_t f) const {
  return std::string_view(file_ids_).substr(files_[f].id_offset, files_[f].id_length);
}

uint32_t StoreWriter::write_chunk(const EncodedChunk& c) {
  uint32_t number = static_cast<uint32_t>(chunks_.size());
  ChunkEntry entry = c.entry;
  for (int k = 0; k < kNumColumns; ++k) {
    if (entry.columns[k].width == 0) continue;  // an absent column
    entry.columns[k].offset = out_.offset();
    out_.write(c.frames[k]);
  }
  chunks_.push_back(entry);
  for (size_t k = 0; k < c.files.size(); ++k) {
    FileEntry& f = files_[c.files[k]];
    n_rows_ -= f.n_rows;  // a file placed again (its rows came back) replaces its old rows
    f.chunk = number;
    f.row_in_chunk = c.file_begin[k];
    f.n_rows = c.file_begin[k + 1] - c.file_begin[k];
    f.n_threads = c.n_threads[k];
    n_rows_ += f.n_rows;
  }
  return number;
}

ChunkColumns StoreWriter::read_chunk(uint32_t c) {
  const ChunkEntry& e = chunks_[c];
  ChunkColumns cols;
  std::string buf;
  auto load = [&](int k, auto& vec) {
    buf.resize(e.columns[k].size);
    out_.pread(e.columns[k].offset, buf.data(), buf.size());
    decode_column(buf.data(), e.columns[k], e.n_rows, vec, fmt::format("chunk {}", c));
  };
  load(0, cols.api);
  load(1, cols.tid);
  load(2, cols.index);
  load(3, cols.ret);
  if (e.columns[4].width != 0) load(4, cols.pid);
  return cols;
}

void StoreWriter::finish(const std::vector<std::string>& apis,
                         const std::vector<std::string>& ret_strings, const nlohmann::json& meta) {
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.header_size = sizeof(Header);
  h.n_rows = n_rows_;
  h.n_files = static_cast<uint32_t>(files_.size());
  h.n_chunks = static_cast<uint32_t>(chunks_.size());
  write_strings(out_, apis, h.apis);
  write_strings(out_, ret_strings, h.ret_strings);
  h.file_ids = {out_.offset(), file_ids_.size()};
  out_.write(file_ids_);
  h.files = {out_.offset(), files_.size() * sizeof(FileEntry)};
  out_.write(files_.data(), h.files.size);
  h.chunks = {out_.offset(), chunks_.size() * sizeof(ChunkEntry)};
  out_.write(chunks_.data(), h.chunks.size);
  std::string m = dump_json(meta, -1);
  h.meta = {out_.offset(), m.size()};
  out_.write(m);
  h.file_size = out_.offset();
  // The checksum covers the metadata sections, read back from the file just written.
  std::string tables(h.file_size - h.apis.offset, '\0');
  out_.pread(h.apis.offset, tables.data(), tables.size());
  Header shifted = h;
  for (Section* s : {&shifted.apis, &shifted.ret_strings, &shifted.file_ids, &shifted.files,
                     &shifted.chunks, &shifted.meta})
    s->offset -= h.apis.offset;
  h.meta_checksum = meta_checksum(tables.data(), shifted);
  out_.pwrite(0, &h, sizeof h);
  out_.commit();
}

}  // namespace malscope::store
