#include "export/call_summary.h"

#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>
#include <unordered_map>

#include "util/csv.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/output.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace malscope {
namespace {

struct ClassKey {
  int32_t label;
  uint16_t api;
  int64_t ret;
  bool operator==(const ClassKey&) const = default;
  bool operator<(const ClassKey& o) const {
    return std::tie(label, api, ret) < std::tie(o.label, o.api, o.ret);
  }
};
struct ClassKeyHash {
  size_t operator()(const ClassKey& k) const {
    return mix64((uint64_t(uint32_t(k.label)) << 16 | k.api) ^ mix64(static_cast<uint64_t>(k.ret)));
  }
};
struct ClassCounts {
  uint64_t calls = 0;
  uint32_t files = 0;
};
using ClassTable = std::unordered_map<ClassKey, ClassCounts, ClassKeyHash>;

void add_to_class(ClassTable& table, int32_t label, const std::vector<CallCount>& counts) {
  // (api, ret) pairs of this file, each counted once for `files`.
  std::vector<std::pair<uint16_t, int64_t>> seen;
  for (const CallCount& c : counts) {
    ClassCounts& cc = table[{label, c.api, c.ret}];
    cc.calls += c.count;
    seen.emplace_back(c.api, c.ret);
  }
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  for (auto& [api, ret] : seen) table[{label, api, ret}].files++;
}

void format_file(std::string& out, const TraceStore& store, const FileTrace& t,
                 const std::vector<CallCount>& counts, uint32_t top) {
  auto it = std::back_inserter(out);
  size_t n = top ? std::min<size_t>(top, counts.size()) : counts.size();
  for (size_t i = 0; i < n; ++i) {
    const CallCount& c = counts[i];
    csv_append(out, t.id);
    if (t.label >= 0)
      fmt::format_to(it, ",{}", t.label);
    else
      out += ',';
    std::string ret = store.has_return_value() ? store.format_return(c.ret) : "";
    fmt::format_to(it, ",{},{},{},{}\n", csv_field(store.apis()[c.api]), c.tid, csv_field(ret),
                   c.count);
  }
}

}  // namespace

std::vector<CallCount> count_calls(const FileTrace& t) {
  std::vector<CallCount> keys(t.size());
  for (size_t i = 0; i < t.size(); ++i)
    keys[i] = {t.api[i], t.tid[i], t.ret.empty() ? 0 : t.ret[i], 1};
  auto key = [](const CallCount& c) { return std::tie(c.api, c.tid, c.ret); };
  std::sort(keys.begin(), keys.end(),
            [&](const CallCount& a, const CallCount& b) { return key(a) < key(b); });
  std::vector<CallCount> out;
  for (const CallCount& k : keys) {
    if (!out.empty() && key(out.back()) == key(k))
      out.back().count++;
    else
      out.push_back(k);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const CallCount& a, const CallCount& b) { return a.count > b.count; });
  return out;
}

SummaryStats write_summary(const TraceStore& store, const std::string& dir,
                           const SummaryOptions& opt) {
  OutputDir folder(dir);
  const int threads = default_threads(opt.threads);
  AtomicFile files_csv((std::filesystem::path(folder.temp_path()) / "files.csv").string());
  files_csv.write("file_id,label,api,tid,return_value,count\n");
  std::vector<ClassTable> tables(threads);
  SummaryStats stats;
  Progress progress(opt.progress, "summary", 0);
  unsigned cols = kColApi | kColTid | (store.has_return_value() ? kColRet : 0u);
  // Chunks are summarised in parallel batches and written in chunk order.
  for (uint32_t first = 0; first < store.num_chunks(); first += threads) {
    uint32_t n = std::min<uint32_t>(threads, store.num_chunks() - first);
    std::vector<std::string> text(n);
    std::vector<uint64_t> lines(n, 0);
    parallel_for(n, threads, [&](size_t k, int worker) {
      uint32_t c = first + static_cast<uint32_t>(k);
      auto members = store.chunk_files(c);
      if (members.empty()) return;
      ChunkColumns chunk = store.read_chunk(c, cols);
      for (uint32_t f : members) {
        FileTrace t = store.file_trace(chunk, f);
        std::vector<CallCount> counts = count_calls(t);
        format_file(text[k], store, t, counts, opt.top);
        lines[k] += opt.top ? std::min<size_t>(opt.top, counts.size()) : counts.size();
        add_to_class(tables[worker], t.label, counts);
      }
    });
    for (uint32_t k = 0; k < n; ++k) {
      files_csv.write(text[k]);
      stats.file_rows += lines[k];
      stats.files += static_cast<uint32_t>(store.chunk_files(first + k).size());
    }
    progress.update(files_csv.offset(), stats.files);
  }
  progress.finish();
  // Merge the per-worker class tables; order: label, then calls descending, then api and ret.
  ClassTable all = std::move(tables[0]);
  for (int w = 1; w < threads; ++w)
    for (auto& [k, v] : tables[w]) {
      all[k].calls += v.calls;
      all[k].files += v.files;
    }
  std::vector<std::pair<ClassKey, ClassCounts>> rows(all.begin(), all.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.first.label != b.first.label) return a.first.label < b.first.label;
    if (a.second.calls != b.second.calls) return a.second.calls > b.second.calls;
    return a.first < b.first;
  });
  std::string out = "label,api,return_value,calls,files\n";
  for (auto& [k, v] : rows) {
    if (k.label >= 0) out += std::to_string(k.label);
    std::string ret = store.has_return_value() ? store.format_return(k.ret) : "";
    fmt::format_to(std::back_inserter(out), ",{},{},{},{}\n", csv_field(store.apis()[k.api]),
                   csv_field(ret), v.calls, v.files);
  }
  stats.class_rows = rows.size();
  write_file_atomic((std::filesystem::path(folder.temp_path()) / "classes.csv").string(), out);
  files_csv.commit();
  folder.commit();
  return stats;
}

}  // namespace malscope
