#include "store/ingest.h"

#include <fmt/format.h>
#include <chrono>
#include <deque>
#include <future>

#include "io/csv_reader.h"
#include "store/store_builder.h"
#include "util/error.h"
#include "util/progress.h"
#include "util/stopwatch.h"
#include "util/thread_pool.h"

namespace malscope {
namespace {

SourceOptions source_options(const IngestOptions& opt) {
  return {.skip_bad = opt.skip_bad_rows,
          .block_bytes = opt.block_bytes,
          .labels = opt.labels,
          .log = opt.log};
}

}  // namespace

IngestStats ingest(TraceSource& source, const std::string& store_path, const IngestOptions& opt) {
  auto start = std::chrono::steady_clock::now();
  ThreadPool pool(default_threads(opt.threads));
  // Reports are few and whole: every skipped one is listed, not the first few.
  const bool records = source.one_record_per_file();
  StoreBuilder builder(store_path, source.name(), pool,
                       {.skip_bad = opt.skip_bad_rows,
                        .chunk_rows = opt.chunk_rows,
                        .bad_shown = records ? SIZE_MAX : opt.bad_rows_shown,
                        .class_names = opt.class_names,
                        .with_pid = source.has_processes(),
                        .one_record_per_file = records,
                        .api_names = opt.api_names,
                        .log = opt.log});
  Progress progress(opt.progress, "ingest", source.total_bytes());
  IngestStats stats;
  // Units in flight: enough to keep every worker busy while the builder takes them in order.
  std::deque<std::future<TraceBatch>> parsing;
  const size_t depth =
      opt.units_in_flight ? opt.units_in_flight : 2 * static_cast<size_t>(pool.size()) + 1;
  bool more = true;
  uint64_t rows = 0;
  for (;;) {
    while (more && parsing.size() < depth) {
      TraceSource::Unit unit = source.next();
      if (!unit) {
        more = false;
        break;
      }
      parsing.push_back(pool.submit(std::move(unit)));
    }
    if (parsing.empty()) break;
    TraceBatch batch = parsing.front().get();
    parsing.pop_front();
    builder.add(batch);
    stats.lines += batch.lines;
    rows += batch.rows();
    progress.update(source.bytes_read(), rows);
  }
  progress.finish();
  source.finish();
  stats.bytes = source.bytes_read();
  if (!records) stats.lines += 1;  // the header
  if (builder.num_files() == 0) {
    BuildStats partial = builder.stats();
    throw Error(source.nothing_read(partial.bad));
  }
  nlohmann::json meta = source.describe();
  meta["malscope_version"] = "0.1.0";
  meta["source"] = source.name();
  meta["labeled"] = source.labeled();
  meta["has_return_value"] = source.has_return_value();
  meta["has_processes"] = source.has_processes();
  meta["input_bytes"] = stats.bytes;
  meta["input_lines"] = stats.lines;
  BuildStats b = builder.finish(std::move(meta));
  stats.rows = b.rows;
  stats.files = b.files;
  stats.chunks = b.chunks;
  stats.bad_rows = b.bad;
  stats.reappearing_files = b.reappearing_files;
  stats.bad_examples = std::move(b.bad_examples);
  stats.seconds = seconds_since(start);
  return stats;
}

IngestStats ingest_inputs(std::span<const std::string> inputs, const std::string& store_path,
                          const IngestOptions& opt) {
  std::unique_ptr<TraceSource> source = open_trace_source(inputs, source_options(opt));
  return ingest(*source, store_path, opt);
}

IngestStats ingest_csv(const std::string& input, const std::string& store_path,
                       const IngestOptions& opt) {
  std::unique_ptr<TraceSource> source = open_csv_source(input, source_options(opt));
  return ingest(*source, store_path, opt);
}

}  // namespace malscope
