#include "export/csv_export.h"

#include <fmt/format.h>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "util/csv.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/output.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace malscope {
namespace fs = std::filesystem;

std::string safe_file_name(std::string_view id) {
  bool plain = !id.empty() && id.size() <= 100 && id.front() != '.';
  for (char c : id)
    plain &= std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  if (plain) return std::string(id) + ".csv";
  std::string clean;
  for (char c : id.substr(0, 48)) clean += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return fmt::format("{}-{:016x}.csv", clean, hash_bytes(id));
}

std::string csv_header(const TraceStore& store) {
  std::string h = store.labeled() ? "file_id,label,api,tid" : "file_id,api,tid";
  h += store.has_return_value() ? ",return_value,index\n" : ",index\n";
  return h;
}

void append_csv_row(std::string& out, const TraceStore& store, const FileTrace& t, size_t i) {
  auto it = std::back_inserter(out);
  csv_append(out, t.id);
  if (store.labeled()) fmt::format_to(it, ",{}", t.label);
  out += ',';
  csv_append(out, store.apis()[t.api[i]]);
  fmt::format_to(it, ",{}", t.tid[i]);
  if (store.has_return_value()) {
    out += ',';
    if (ret_is_string(t.ret[i]))
      csv_append(out, store.format_return(t.ret[i]));
    else
      fmt::format_to(it, "{}", t.ret[i]);
  }
  fmt::format_to(it, ",{}\n", t.index[i]);
}

ExportStats export_csv(const TraceStore& store, const std::string& dir, const ExportOptions& opt) {
  OutputDir out(dir);
  std::error_code ec;
  std::vector<std::string> class_dirs;
  int k = store.labeled() ? store.num_classes() : 1;
  for (int c = 0; c < k; ++c) {
    class_dirs.push_back(
        (fs::path(out.temp_path()) / (store.labeled() ? std::to_string(c) : "unlabeled")).string());
    fs::create_directories(class_dirs.back(), ec);
    if (ec)
      throw Error(fmt::format("cannot create directory '{}': {}", class_dirs.back(), ec.message()));
  }
  const std::string header = csv_header(store);
  std::atomic<uint64_t> rows{0}, bytes{0};
  std::atomic<uint32_t> files{0};
  Progress progress(opt.progress, "export", 0);
  std::mutex progress_mu;
  unsigned cols = kColApi | kColTid | kColIndex | (store.has_return_value() ? kColRet : 0u);
  store.for_each_file(cols, opt.threads, [&](const FileTrace& t, int) {
    std::string text = header;
    text.reserve(header.size() + t.size() * 40);
    for (size_t i = 0; i < t.size(); ++i) append_csv_row(text, store, t, i);
    const std::string& d = class_dirs[store.labeled() ? t.label : 0];
    write_new_file((fs::path(d) / safe_file_name(t.id)).string(), text);
    rows += t.size();
    bytes += text.size();
    uint32_t done = ++files;
    if (progress.enabled() && done % 256 == 0) {
      std::lock_guard<std::mutex> lock(progress_mu);
      progress.update(bytes.load(), done);
    }
  });
  progress.finish();
  out.commit();
  return {files.load(), rows.load(), bytes.load()};
}

}  // namespace malscope

namespace malscope {

ExportStats export_tianchi_csv(const TraceStore& store, const std::string& path,
                               const ExportOptions& opt) {
  const bool to_stdout = path == "-";
  std::optional<AtomicFile> file;
  if (!to_stdout) file.emplace(path);
  auto put = [&](std::string_view text) {
    if (file) {
      file->write(text);
    } else if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
      throw Error("cannot write the CSV to standard output");
    }
  };
  ExportStats stats;
  std::string header = csv_header(store);
  put(header);
  stats.bytes = header.size();
  unsigned cols = kColApi | kColTid | kColIndex | (store.has_return_value() ? kColRet : 0u);
  const int threads = default_threads(opt.threads);
  Progress progress(opt.progress, "export", 0);
  // Windows of chunks: formatted in parallel, written in chunk order (memory: one window).
  const size_t window = 2 * static_cast<size_t>(threads);
  std::vector<std::string> text(window);
  std::vector<uint32_t> files(window);
  std::vector<uint64_t> rows(window);
  for (uint32_t first = 0; first < store.num_chunks(); first += window) {
    const size_t n = std::min<size_t>(window, store.num_chunks() - first);
    parallel_for(n, threads, [&](size_t k, int) {
      const uint32_t c = first + static_cast<uint32_t>(k);
      text[k].clear();
      files[k] = rows[k] = 0;
      auto in_chunk = store.chunk_files(c);
      if (in_chunk.empty()) return;  // rows superseded by a later chunk
      ChunkColumns chunk = store.read_chunk(c, cols);
      for (uint32_t f : in_chunk) {
        FileTrace t = store.file_trace(chunk, f);
        for (size_t i = 0; i < t.size(); ++i) append_csv_row(text[k], store, t, i);
        ++files[k];
        rows[k] += t.size();
      }
    });
    for (size_t k = 0; k < n; ++k) {
      put(text[k]);
      stats.files += files[k];
      stats.rows += rows[k];
      stats.bytes += text[k].size();
    }
    progress.update(stats.bytes, stats.files);
  }
  if (file) file->commit();
  progress.finish();
  return stats;
}

}  // namespace malscope
