#include "store/shard.h"

#include <fmt/format.h>
#include <algorithm>
#include <map>

#include "store/store_builder.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/output.h"
#include "util/thread_pool.h"

namespace malscope {

nlohmann::json ShardInfo::to_json() const {
  return {{"source_id", source_id},
          {"shards", shards},
          {"index", index},
          {"source_files", source_files},
          {"source_rows", source_rows}};
}

ShardInfo ShardInfo::of_store(const TraceStore& store) {
  const nlohmann::json& m = store.meta();
  if (!m.contains("shard"))
    throw Error(
        fmt::format("'{}' is not a shard (make shards with `malscope shard`)", store.path()));
  try {
    const nlohmann::json& j = m.at("shard");
    ShardInfo s;
    s.source_id = j.at("source_id").get<std::string>();
    s.shards = j.at("shards").get<uint32_t>();
    s.index = j.at("index").get<uint32_t>();
    s.source_files = j.at("source_files").get<uint32_t>();
    s.source_rows = j.at("source_rows").get<std::vector<uint32_t>>();
    if (s.shards == 0 || s.index >= s.shards || s.source_rows.size() != store.num_files())
      throw Error("inconsistent");
    for (uint32_t r : s.source_rows)
      if (r >= s.source_files) throw Error("a source row out of range");
    return s;
  } catch (const std::exception& e) {
    throw Error(fmt::format("'{}': bad \"shard\" metadata ({})", store.path(), e.what()));
  }
}

std::string store_identity(const TraceStore& store) {
  uint64_t h = hash_bytes("malscope store identity");
  for (uint32_t f = 0; f < store.num_files(); ++f) {
    h = hash_bytes(store.file_id(f), h);
    h = mix64(h ^ uint64_t(uint32_t(store.label(f))) ^ (uint64_t(store.file_rows(f)) << 32));
  }
  for (const std::string& a : store.apis()) h = hash_bytes(a, h);
  h = mix64(h ^ store.num_rows());
  return fmt::format("{:016x}", h);
}

std::vector<uint32_t> assign_shards(const TraceStore& store, uint32_t n) {
  std::map<int32_t, uint32_t> seen;  // per class: files so far
  std::vector<uint32_t> shard(store.num_files());
  for (uint32_t f = 0; f < store.num_files(); ++f) shard[f] = seen[store.label(f)]++ % n;
  return shard;
}

namespace {

// The rows of `files` (all in one decoded chunk) as one batch in the source's own dictionaries,
// so a shard's API and return-text ids are the source's.
TraceBatch shard_batch(const TraceStore& store, const ChunkColumns& chunk,
                       const std::vector<uint32_t>& files) {
  TraceBatch b;
  b.apis = store.apis();
  b.ret_strings = store.ret_strings();
  for (uint32_t f : files) {
    FileTrace t = store.file_trace(chunk, f);
    BatchFile run;
    run.file_id = std::string(t.id);
    run.label = t.label;
    run.row_begin = static_cast<uint32_t>(b.api.size());
    run.processes = store.file_processes(f);
    run.origin = store.path();
    for (size_t i = 0; i < t.size(); ++i) {
      b.api.push_back(t.api[i]);
      b.tid.push_back(t.tid[i]);
      b.index.push_back(t.index[i]);
      b.ret.push_back(t.ret[i]);
      if (!t.pid.empty()) b.pid.push_back(t.pid[i]);
    }
    run.row_end = static_cast<uint32_t>(b.api.size());
    b.files.push_back(std::move(run));
  }
  return b;
}

}  // namespace

nlohmann::json write_shards(const TraceStore& store, uint32_t n, const std::string& dir,
                            int threads) {
  if (n < 1) throw UsageError("shards: -n must be at least 1");
  if (n > store.num_files())
    throw UsageError(fmt::format("shards: {} shards for {} files", n, store.num_files()));
  const std::string id = store_identity(store);
  const std::vector<uint32_t> shard = assign_shards(store, n);
  OutputDir out(dir);
  ThreadPool pool(default_threads(threads));
  BuildOptions opt;
  opt.class_names = store.class_names();
  opt.with_pid = store.has_processes();
  opt.api_names = store.api_naming();
  std::vector<std::unique_ptr<StoreBuilder>> builders;
  std::vector<ShardInfo> infos(n);
  auto name = [](uint32_t i) { return fmt::format("shard-{:03d}.store", i); };
  for (uint32_t i = 0; i < n; ++i) {
    builders.push_back(
        std::make_unique<StoreBuilder>(out.temp_path() + "/" + name(i), store.path(), pool, opt));
    infos[i] = {id, n, i, store.num_files(), {}};
  }
  const unsigned cols = kColApi | kColTid | kColIndex | kColRet | (opt.with_pid ? kColPid : 0u);
  for (uint32_t c = 0; c < store.num_chunks(); ++c) {
    ChunkColumns chunk = store.read_chunk(c, cols);
    std::vector<std::vector<uint32_t>> files(n);
    for (uint32_t f : store.chunk_files(c)) files[shard[f]].push_back(f);
    for (uint32_t i = 0; i < n; ++i) {
      if (files[i].empty()) continue;
      TraceBatch b = shard_batch(store, chunk, files[i]);
      builders[i]->add(b);
      // A shard numbers its files as they arrive: record each one's source position so.
      infos[i].source_rows.insert(infos[i].source_rows.end(), files[i].begin(), files[i].end());
    }
  }
  nlohmann::json manifest = {{"source", store.path()},
                             {"source_id", id},
                             {"shards", n},
                             {"files", store.num_files()},
                             {"stores", nlohmann::json::array()}};
  for (uint32_t i = 0; i < n; ++i) {
    nlohmann::json meta = store.meta();
    meta["shard"] = infos[i].to_json();
    BuildStats st = builders[i]->finish(std::move(meta));
    manifest["stores"].push_back({{"path", name(i)}, {"files", st.files}, {"rows", st.rows}});
  }
  write_new_file(out.temp_path() + "/shards.json", manifest.dump(2) + "\n");
  out.commit();
  return manifest;
}

void check_shard_set(const std::vector<ShardInfo>& infos) {
  if (infos.empty()) throw Error("no shards");
  const ShardInfo& a = infos[0];
  std::vector<uint8_t> seen(a.shards, 0);
  for (const ShardInfo& s : infos) {
    if (s.source_id != a.source_id)
      throw Error(fmt::format("shards of different stores: {} and {}", a.source_id, s.source_id));
    if (s.shards != a.shards)
      throw Error(fmt::format("shards of one store split {} and {} ways", a.shards, s.shards));
    if (seen[s.index]++) throw Error(fmt::format("shard {} given twice", s.index));
  }
  if (infos.size() != a.shards)
    throw Error(fmt::format("{} of the {} shards given", infos.size(), a.shards));
}

}  // namespace malscope
