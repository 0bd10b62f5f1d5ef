#include "export/csv_export.h"

#include <fmt/format.h>
#include <atomic>
#include <filesystem>

#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/output.h"
#include "util/progress.h"

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
  out.append(t.id);
  if (store.labeled()) fmt::format_to(it, ",{}", t.label);
  out += ',';
  out += store.apis()[t.api[i]];
  fmt::format_to(it, ",{}", t.tid[i]);
  if (store.has_return_value()) {
    out += ',';
    if (ret_is_string(t.ret[i]))
      out += store.format_return(t.ret[i]);
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
