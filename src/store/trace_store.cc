#include "store/trace_store.h"

#include <fmt/format.h>
#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "io/trace_batch.h"
#include "store/class_names.h"
#include "store/codec.h"
#include "store/store_writer.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace malscope {

using store::ChunkEntry;
using store::ChunkEntryV1;
using store::FileEntry;
using store::FileEntryV1;
using store::Header;
using store::Section;

struct TraceStore::Impl {
  MappedFile map;
  Header header{};
  std::vector<std::string> apis, ret_strings;
  const FileEntry* files = nullptr;
  const ChunkEntry* chunks = nullptr;
  std::vector<FileEntry> widened_files;  // version-1 tables widened, or misaligned ones copied
  std::vector<ChunkEntry> widened_chunks;
  const char* file_ids = nullptr;
  std::vector<uint32_t> chunk_file_begin;  // files of chunk c: chunk_files[begin[c] .. begin[c+1])
  std::vector<uint32_t> chunk_files;
  nlohmann::json meta;
  int num_classes = 0;
  std::vector<std::string> class_names;
  ApiNaming api_naming = ApiNaming::kAsIs;
  std::vector<uint16_t> api_view;  // stored API id -> shown id, when names are folded on open
  std::once_flag index_once;
  std::unordered_map<std::string_view, uint32_t> by_id;

  bool labeled = false, has_return_value = false, has_processes = false;

  // The metadata is an object; the flags, where present, booleans and api_names a string.
  void read_flags() {
    if (!meta.is_object()) corrupt("the metadata is not a JSON object");
    auto flag = [&](const char* key, bool& out) {
      auto it = meta.find(key);
      if (it == meta.end()) return;
      if (!it->is_boolean()) corrupt(fmt::format("metadata '{}' is not true or false", key));
      out = it->get<bool>();
    };
    flag("labeled", labeled);
    flag("has_return_value", has_return_value);
    flag("has_processes", has_processes);
    auto it = meta.find("api_names");
    if (it != meta.end() && !it->is_string()) corrupt("metadata 'api_names' is not a string");
    if (labeled)
      for (uint32_t f = 0; f < header.n_files; ++f)
        if (files[f].label < 0) corrupt(fmt::format("file {} has no label in a labeled store", f));
  }

  // Stores from before class names were kept get the defaults.
  void read_class_names() {
    auto it = meta.find("class_names");
    if (it != meta.end()) {
      if (!it->is_array() || it->size() < size_t(num_classes))
        corrupt(fmt::format("class_names must list at least {} names", num_classes));
      for (const auto& n : *it) {
        if (!n.is_string()) corrupt("class_names must be strings");
        class_names.push_back(n.get<std::string>());
      }
    } else if (num_classes > 0) {
      class_names = default_class_names(num_classes);
    }
  }

  [[noreturn]] void corrupt(const std::string& what) const {
    throw Error(fmt::format("'{}' is not a valid malscope store: {}", map.path(), what));
  }
  void check_section(const Section& s, const char* name) const {
    if (s.offset < sizeof(Header) || s.offset > map.size() || s.size > map.size() - s.offset)
      corrupt(fmt::format("{} section out of bounds", name));
  }
  std::vector<std::string> read_strings(const Section& s, const char* name) const;
  void show_api_names(std::optional<ApiNaming> names);
  void map_tables();
  void validate_tables();
};

// An as-is store shown with canonical names: names folded, and a map from the stored ids.
void TraceStore::Impl::show_api_names(std::optional<ApiNaming> names) {
  auto it = meta.find("api_names");
  api_naming = it != meta.end() && it->is_string()
                   ? parse_api_naming(it->get<std::string>(), "the store's api_names")
                   : ApiNaming::kAsIs;
  if (!names || *names == api_naming) return;
  if (*names == ApiNaming::kAsIs)
    throw Error(fmt::format(
        "'{}' was ingested with --api-names canonical; the names as read cannot be recovered "
        "from it (ingest the input again with --api-names as-is)",
        map.path()));
  std::vector<std::string> folded;
  std::unordered_map<std::string, uint16_t> id;
  api_view.resize(apis.size());
  for (size_t a = 0; a < apis.size(); ++a) {
    auto [at, fresh] = id.emplace(canonical_api_name(apis[a]), uint16_t(folded.size()));
    if (fresh) folded.push_back(at->first);
    api_view[a] = at->second;
  }
  apis = std::move(folded);
  api_naming = ApiNaming::kCanonical;
}

// Version 2 tables are used in place; version 1 entries are copied into version-2 ones (no
// process column, no process counts), so the rest of the reader knows one layout.
namespace {

// A table of n entries at `at`, used in place. The writer aligns its tables; one that is not
// aligned (a hand-made or damaged store) is copied into `copy` rather than read through a
// misaligned pointer.
template <class T>
const T* in_place(const char* at, uint32_t n, std::vector<T>& copy) {
  if (reinterpret_cast<uintptr_t>(at) % alignof(T) == 0) return reinterpret_cast<const T*>(at);
  copy.resize(n);
  std::memcpy(copy.data(), at, size_t(n) * sizeof(T));
  return copy.data();
}

}  // namespace

void TraceStore::Impl::map_tables() {
  const Header& h = header;
  const char* base = map.data();
  const bool v1 = h.version == 1;
  const size_t file_bytes = v1 ? sizeof(FileEntryV1) : sizeof(FileEntry);
  const size_t chunk_bytes = v1 ? sizeof(ChunkEntryV1) : sizeof(ChunkEntry);
  if (h.files.size != uint64_t(h.n_files) * file_bytes ||
      h.chunks.size != uint64_t(h.n_chunks) * chunk_bytes)
    corrupt("table sizes disagree with the header");
  if (!v1) {
    files = in_place(base + h.files.offset, h.n_files, widened_files);
    chunks = in_place(base + h.chunks.offset, h.n_chunks, widened_chunks);
    return;
  }
  widened_files.resize(h.n_files);
  for (uint32_t f = 0; f < h.n_files; ++f) {
    FileEntryV1 old;
    std::memcpy(&old, base + h.files.offset + f * sizeof old, sizeof old);
    widened_files[f] = {old.id_offset, old.id_length, old.label, old.chunk, old.row_in_chunk,
                        old.n_rows,    old.n_threads, 0,         0};
  }
  widened_chunks.resize(h.n_chunks);
  for (uint32_t c = 0; c < h.n_chunks; ++c) {
    ChunkEntryV1 old;
    std::memcpy(&old, base + h.chunks.offset + c * sizeof old, sizeof old);
    ChunkEntry& e = widened_chunks[c];
    e = ChunkEntry{};
    e.n_rows = old.n_rows;
    std::copy(std::begin(old.columns), std::end(old.columns), e.columns);
  }
  files = widened_files.data();
  chunks = widened_chunks.data();
}

std::vector<std::string> TraceStore::Impl::read_strings(const Section& s, const char* name) const {
  const char* p = map.data() + s.offset;
  const char* end = p + s.size;
  auto take = [&](void* dst, size_t n) {
    if (static_cast<size_t>(end - p) < n) corrupt(fmt::format("{} dictionary truncated", name));
    std::memcpy(dst, p, n);
    p += n;
  };
  uint32_t n = 0;
  take(&n, 4);
  std::vector<std::string> out;
  out.reserve(std::min<uint32_t>(n, static_cast<uint32_t>(s.size / 4)));
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len = 0;
    take(&len, 4);
    if (static_cast<size_t>(end - p) < len) corrupt(fmt::format("{} dictionary truncated", name));
    out.emplace_back(p, len);
    p += len;
  }
  return out;
}

void TraceStore::Impl::validate_tables() {
  const Header& h = header;
  std::vector<uint32_t> per_chunk(h.n_chunks + 1, 0);
  for (uint32_t c = 0; c < h.n_chunks; ++c) {
    for (int k = 0; k < store::kNumColumns; ++k) {
      const store::ColumnFrame& col = chunks[c].columns[k];
      // Only the process column may be absent (width 0); readers decode the other four always.
      const bool present = col.width != 0 || k < store::kNumColumns - 1;
      if (present && (col.offset < sizeof(Header) || col.offset > map.size() ||
                      col.size > map.size() - col.offset))
        corrupt(fmt::format("chunk {} column {} out of bounds", c, k));
    }
  }
  uint64_t rows = 0;
  for (uint32_t f = 0; f < h.n_files; ++f) {
    const FileEntry& e = files[f];
    if (e.chunk >= h.n_chunks || uint64_t(e.row_in_chunk) + e.n_rows > chunks[e.chunk].n_rows ||
        e.id_offset > h.file_ids.size || e.id_length > h.file_ids.size - e.id_offset)
      corrupt(fmt::format("file table entry {} out of bounds", f));
    if (e.label < -1 || e.label > kMaxLabel)
      corrupt(fmt::format("file {} has label {}; labels are -1 (none) or 0 to {}", f, e.label,
                          kMaxLabel));
    if (e.n_threads > e.n_rows || (e.n_rows > 0 && e.n_threads == 0))
      corrupt(fmt::format("file {} has {} threads for {} calls", f, e.n_threads, e.n_rows));
    if (e.label > num_classes - 1) num_classes = e.label + 1;
    per_chunk[e.chunk + 1]++;
    rows += e.n_rows;
  }
  if (rows != h.n_rows) corrupt("row counts disagree");
  for (uint32_t c = 0; c < h.n_chunks; ++c) per_chunk[c + 1] += per_chunk[c];
  chunk_file_begin = per_chunk;
  chunk_files.resize(h.n_files);
  std::vector<uint32_t> fill(per_chunk.begin(), per_chunk.end() - 1);
  for (uint32_t f = 0; f < h.n_files; ++f) chunk_files[fill[files[f].chunk]++] = f;
}

TraceStore TraceStore::open(const std::string& path, std::optional<ApiNaming> names) {
  auto impl = std::make_unique<Impl>();
  impl->map = MappedFile(path);
  const MappedFile& m = impl->map;
  if (m.size() < sizeof(store::kMagic) ||
      std::memcmp(m.data(), store::kMagic, sizeof store::kMagic) != 0)
    throw Error(
        fmt::format("'{}' is not a malscope store (no MALSCOPE magic number); create one "
                    "with `malscope ingest`",
                    path));
  if (m.size() < sizeof(Header)) impl->corrupt("truncated header");
  Header& h = impl->header;
  std::memcpy(&h, m.data(), sizeof h);
  if (h.version < store::kOldestVersion || h.version > store::kVersion)
    throw Error(
        fmt::format("'{}' is a store of format version {}, this malscope reads versions {} to {}; "
                    "ingest the input again",
                    path, h.version, store::kOldestVersion, store::kVersion));
  if (h.file_size == 0) impl->corrupt("the header was never completed (ingest interrupted?)");
  if (h.file_size != m.size())
    impl->corrupt(fmt::format("file is {} bytes, its header says {} (truncated or appended to)",
                              m.size(), h.file_size));
  impl->check_section(h.apis, "API");
  impl->check_section(h.ret_strings, "return-string");
  impl->check_section(h.file_ids, "file-id");
  impl->check_section(h.files, "file table");
  impl->check_section(h.chunks, "chunk table");
  impl->check_section(h.meta, "metadata");
  if (store::meta_checksum(m.data(), h) != h.meta_checksum)
    impl->corrupt("checksum mismatch (file damaged)");
  impl->apis = impl->read_strings(h.apis, "API");
  impl->ret_strings = impl->read_strings(h.ret_strings, "return-string");
  impl->map_tables();
  impl->file_ids = m.data() + h.file_ids.offset;
  impl->validate_tables();
  try {
    impl->meta = nlohmann::json::parse(std::string_view(m.data() + h.meta.offset, h.meta.size));
  } catch (const nlohmann::json::exception& e) {
    impl->corrupt(fmt::format("bad metadata: {}", e.what()));
  }
  impl->read_flags();
  impl->read_class_names();
  impl->show_api_names(names);
  return TraceStore(std::move(impl));
}

TraceStore::TraceStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TraceStore::TraceStore(TraceStore&&) noexcept = default;
TraceStore& TraceStore::operator=(TraceStore&&) noexcept = default;
TraceStore::~TraceStore() = default;

const std::string& TraceStore::path() const {
  return impl_->map.path();
}
uint64_t TraceStore::num_rows() const {
  return impl_->header.n_rows;
}
uint32_t TraceStore::num_files() const {
  return impl_->header.n_files;
}
uint32_t TraceStore::num_chunks() const {
  return impl_->header.n_chunks;
}
bool TraceStore::labeled() const {
  return impl_->labeled;
}
bool TraceStore::has_return_value() const {
  return impl_->has_return_value;
}
bool TraceStore::has_processes() const {
  return impl_->has_processes;
}
uint32_t TraceStore::format_version() const {
  return impl_->header.version;
}
int TraceStore::num_classes() const {
  return impl_->num_classes;
}
const std::vector<std::string>& TraceStore::class_names() const {
  return impl_->class_names;
}
const std::vector<std::string>& TraceStore::apis() const {
  return impl_->apis;
}
ApiNaming TraceStore::api_naming() const {
  return impl_->api_naming;
}
const std::vector<std::string>& TraceStore::ret_strings() const {
  return impl_->ret_strings;
}
const nlohmann::json& TraceStore::meta() const {
  return impl_->meta;
}

std::string TraceStore::format_return(int64_t v) const {
  if (!ret_is_string(v)) return std::to_string(v);
  uint32_t id = ret_string_id(v);
  return id < impl_->ret_strings.size() ? impl_->ret_strings[id] : std::string("?");
}

std::string_view TraceStore::file_id(uint32_t f) const {
  const FileEntry& e = impl_->files[f];
  return std::string_view(impl_->file_ids + e.id_offset, e.id_length);
}
int32_t TraceStore::label(uint32_t f) const {
  return impl_->files[f].label;
}
uint32_t TraceStore::file_rows(uint32_t f) const {
  return impl_->files[f].n_rows;
}
uint32_t TraceStore::file_threads(uint32_t f) const {
  return impl_->files[f].n_threads;
}
uint32_t TraceStore::file_processes(uint32_t f) const {
  return impl_->files[f].n_processes;
}

std::optional<uint32_t> TraceStore::find_file(std::string_view id) const {
  std::call_once(impl_->index_once, [this] {
    impl_->by_id.reserve(num_files());
    for (uint32_t f = 0; f < num_files(); ++f) impl_->by_id.emplace(file_id(f), f);
  });
  auto it = impl_->by_id.find(id);
  if (it == impl_->by_id.end()) return std::nullopt;
  return it->second;
}

ChunkColumns TraceStore::read_chunk(uint32_t c, unsigned columns) const {
  if (c >= num_chunks())
    throw Error(fmt::format("chunk {} out of range ({} chunks)", c, num_chunks()));
  const ChunkEntry& e = impl_->chunks[c];
  const char* base = impl_->map.data();
  ChunkColumns out;
  std::string what = fmt::format("'{}' chunk {}", path(), c);
  if (columns & kColApi) {
    store::decode_column(base + e.columns[0].offset, e.columns[0], e.n_rows, out.api, what);
    const std::vector<uint16_t>& view = impl_->api_view;
    if (!view.empty())
      for (uint16_t& a : out.api) a = a < view.size() ? view[a] : a;
  }
  if (columns & kColTid)
    store::decode_column(base + e.columns[1].offset, e.columns[1], e.n_rows, out.tid, what);
  if (columns & kColIndex)
    store::decode_column(base + e.columns[2].offset, e.columns[2], e.n_rows, out.index, what);
  if (columns & kColRet)
    store::decode_column(base + e.columns[3].offset, e.columns[3], e.n_rows, out.ret, what);
  if ((columns & kColPid) && e.columns[4].width != 0)  // width 0: the input had no processes
    store::decode_column(base + e.columns[4].offset, e.columns[4], e.n_rows, out.pid, what);
  // Ids index the dictionaries: a crafted chunk must not send a reader past their ends.
  if (!out.api.empty()) {
    uint16_t top = *std::max_element(out.api.begin(), out.api.end());
    if (top >= impl_->apis.size())
      impl_->corrupt(fmt::format("chunk {} holds API id {}, the dictionary has {} names", c, top,
                                 impl_->apis.size()));
  }
  for (int64_t v : out.ret)
    if (ret_is_string(v) && ret_string_id(v) >= impl_->ret_strings.size())
      impl_->corrupt(fmt::format("chunk {} holds return text {}, the dictionary has {}", c,
                                 ret_string_id(v), impl_->ret_strings.size()));
  return out;
}

std::span<const uint32_t> TraceStore::chunk_files(uint32_t c) const {
  const auto& b = impl_->chunk_file_begin;
  return std::span<const uint32_t>(impl_->chunk_files).subspan(b[c], b[c + 1] - b[c]);
}

FileTrace TraceStore::file_trace(const ChunkColumns& chunk, uint32_t f) const {
  const FileEntry& e = impl_->files[f];
  FileTrace t;
  t.file = f;
  t.id = file_id(f);
  t.label = e.label;
  t.n_rows = e.n_rows;
  auto cut = [&](const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    return v.empty() ? std::span<const T>()
                     : std::span<const T>(v).subspan(e.row_in_chunk, e.n_rows);
  };
  t.api = cut(chunk.api);
  t.tid = cut(chunk.tid);
  t.index = cut(chunk.index);
  t.ret = cut(chunk.ret);
  t.pid = cut(chunk.pid);
  return t;
}

OwnedTrace TraceStore::read_file(uint32_t f, unsigned columns) const {
  if (f >= num_files())
    throw Error(fmt::format("file number {} out of range ({} files)", f, num_files()));
  OwnedTrace out;
  out.columns = read_chunk(impl_->files[f].chunk, columns);
  out.trace = file_trace(out.columns, f);
  return out;
}

void TraceStore::for_each_file(unsigned columns, int threads,
                               const std::function<void(const FileTrace&, int)>& fn) const {
  parallel_for(num_chunks(), threads, [&](size_t c, int worker) {
    auto files = chunk_files(static_cast<uint32_t>(c));
    if (files.empty()) return;  // only rows superseded by a later chunk
    ChunkColumns cols = read_chunk(static_cast<uint32_t>(c), columns);
    for (uint32_t f : files) fn(file_trace(cols, f), worker);
  });
}

}  // namespace malscope
