#include "store/store_info.h"

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <cmath>

#include "util/progress.h"
#include "util/thread_pool.h"

namespace malscope {

Distribution distribution(std::vector<double>& v) {
  Distribution d;
  if (v.empty()) return d;
  std::sort(v.begin(), v.end());
  auto q = [&](double p) {
    return v[std::min(v.size() - 1, static_cast<size_t>(std::floor(p * (v.size() - 1) + 0.5)))];
  };
  d.min = v.front();
  d.max = v.back();
  d.p10 = q(0.1);
  d.p50 = q(0.5);
  d.p90 = q(0.9);
  d.p99 = q(0.99);
  double sum = 0;
  for (double x : v) sum += x;
  d.mean = sum / v.size();
  return d;
}

StoreInfo describe(const TraceStore& store) {
  StoreInfo info;
  info.path = store.path();
  info.files = store.num_files();
  info.rows = store.num_rows();
  info.chunks = store.num_chunks();
  info.distinct_apis = store.apis().size();
  info.distinct_ret_strings = store.ret_strings().size();
  info.meta = store.meta();
  std::vector<double> calls(info.files), threads(info.files), processes;
  info.has_processes = store.has_processes();
  int k = std::max(store.num_classes(), 0);
  info.classes.resize(store.labeled() ? k : 1);
  for (size_t c = 0; c < info.classes.size(); ++c) {
    info.classes[c].label = store.labeled() ? static_cast<int32_t>(c) : -1;
    if (store.labeled()) info.classes[c].name = store.class_names().at(c);
  }
  for (uint32_t f = 0; f < info.files; ++f) {
    calls[f] = store.file_rows(f);
    threads[f] = store.file_threads(f);
    info.threads += store.file_threads(f);
    info.files_without_calls += store.file_rows(f) == 0;
    if (info.has_processes) {
      processes.push_back(store.file_processes(f));
      info.processes += store.file_processes(f);
    }
    ClassCount& cc = info.classes[store.labeled() ? store.label(f) : 0];
    cc.files++;
    cc.rows += store.file_rows(f);
  }
  info.calls_per_file = distribution(calls);
  info.threads_per_file = distribution(threads);
  info.processes_per_file = distribution(processes);
  info.store_bytes = MappedFile(store.path()).size();
  return info;
}

uint64_t check_store(const TraceStore& store, int threads) {
  std::atomic<uint64_t> rows{0};
  parallel_for(store.num_chunks(), threads, [&](size_t c, int) {
    rows += store.read_chunk(static_cast<uint32_t>(c), kColAll).api.size();
  });
  return rows.load();
}

namespace {
nlohmann::json dist_json(const Distribution& d) {
  return {{"min", d.min}, {"p10", d.p10}, {"p50", d.p50},  {"p90", d.p90},
          {"p99", d.p99}, {"max", d.max}, {"mean", d.mean}};
}
std::string dist_text(const Distribution& d) {
  return fmt::format(
      "min {:.0f}  p10 {:.0f}  p50 {:.0f}  p90 {:.0f}  p99 {:.0f}  max {:.0f}  mean {:.1f}", d.min,
      d.p10, d.p50, d.p90, d.p99, d.max, d.mean);
}
}  // namespace

nlohmann::json to_json(const StoreInfo& i) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& c : i.classes)
    classes.push_back({{"label", c.label}, {"name", c.name}, {"files", c.files}, {"rows", c.rows}});
  return {
      {"path", i.path},
      {"store_bytes", i.store_bytes},
      {"files", i.files},
      {"rows", i.rows},
      {"chunks", i.chunks},
      {"distinct_apis", i.distinct_apis},
      {"distinct_return_strings", i.distinct_ret_strings},
      {"threads", i.threads},
      {"files_without_calls", i.files_without_calls},
      {"classes", classes},
      {"calls_per_file", dist_json(i.calls_per_file)},
      {"threads_per_file", dist_json(i.threads_per_file)},
      {"processes", i.has_processes ? nlohmann::json(i.processes) : nlohmann::json()},
      {"processes_per_file", i.has_processes ? dist_json(i.processes_per_file) : nlohmann::json()},
      {"ingest", i.meta}};
}

std::string to_text(const StoreInfo& i) {
  std::string out;
  auto line = [&](std::string_view k, const std::string& v) {
    out += fmt::format("{:<16}{}\n", k, v);
  };
  line("store", fmt::format("{} ({})", i.path, human_bytes(i.store_bytes)));
  uint64_t in_bytes = i.meta.value("input_bytes", uint64_t(0));
  const bool reports = i.meta.value("reader", "") == "reports";
  line("source", fmt::format("{} ({}, {}, {})", i.meta.value("source", "?"),
                             i.meta.value("format", "?"), human_bytes(in_bytes),
                             reports ? fmt::format("{} reports", i.meta.value("reports", 0))
                                     : fmt::format("{} lines", i.meta.value("input_lines", 0))));
  if (in_bytes)
    line("size", fmt::format("store is {:.1f}% of the {}", 100.0 * i.store_bytes / in_bytes,
                             reports ? "reports (as read)" : "CSV"));
  if (reports) line("API names", i.meta.value("api_names", "as-is"));
  line("files", fmt::format("{}", i.files));
  line("rows", fmt::format("{} ({})", i.rows, human_count(i.rows)));
  line("distinct APIs", fmt::format("{}", i.distinct_apis));
  line("threads", fmt::format("{} in all", i.threads));
  line("calls/file", dist_text(i.calls_per_file));
  line("threads/file", dist_text(i.threads_per_file));
  if (i.has_processes) {
    line("processes", fmt::format("{} in all", i.processes));
    line("processes/file", dist_text(i.processes_per_file));
  }
  if (i.files_without_calls)
    line("no calls",
         fmt::format("{} files (reports with no behaviour, kept)", i.files_without_calls));
  uint64_t bad = i.meta.value("bad_rows_skipped", uint64_t(0));
  if (bad) line(reports ? "bad reports" : "bad rows", fmt::format("{} skipped at ingest", bad));
  uint64_t back = i.meta.value("reappearing_files", uint64_t(0));
  if (back)
    line("regrouped", fmt::format("{} file_ids came back after other files (merged)", back));
  if (i.classes.size() == 1 && i.classes[0].label < 0) {
    line("classes", "none (unlabeled, e.g. a test set)");
  } else {
    line("classes", fmt::format("{}", i.classes.size()));
    size_t width = 5;
    for (const auto& c : i.classes) width = std::max(width, c.name.size());
    out += fmt::format("  {:>5} {:<{}} {:>10} {:>7} {:>14} {:>10}\n", "label", "name", width,
                       "files", "share", "rows", "calls/file");
    for (const auto& c : i.classes)
      out += fmt::format("  {:>5} {:<{}} {:>10} {:>6.2f}% {:>14} {:>10.0f}\n", c.label, c.name,
                         width, c.files, i.files ? 100.0 * c.files / i.files : 0.0, c.rows,
                         c.files ? double(c.rows) / c.files : 0.0);
  }
  return out;
}

}  // namespace malscope
