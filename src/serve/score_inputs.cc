#include "serve/score_inputs.h"

#include <fmt/format.h>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>

#include "io/report_reader.h"
#include "serve/traces.h"
#include "store/format.h"
#include "store/ingest.h"
#include "store/trace_store.h"
#include "util/error.h"
#include "util/temp_files.h"
#include "util/thread_pool.h"

namespace malscope {
namespace {

bool ends_with(std::string_view s, std::string_view x) {
  return s.size() >= x.size() && s.substr(s.size() - x.size()) == x;
}

bool starts_like_store(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[sizeof store::kMagic] = {};
  return in.read(magic, sizeof magic) && std::equal(magic, magic + sizeof magic, store::kMagic);
}

size_t score_store(const Scorer& scorer, const std::string& path, const ScoreOptions& opt,
                   const std::function<void(std::vector<Verdict>&)>& sink) {
  // Read as predict reads it: with the API names the model was trained on.
  TraceStore store = TraceStore::open(path, scorer.reading(true).api_names);
  Sketches s = Sketches::extract(store, scorer.feature_config(), opt.threads);
  std::vector<Verdict> v = scorer.score(s, opt.reasons);
  sink(v);
  return v.size();
}

size_t score_reports(const Scorer& scorer, std::span<const std::string> inputs,
                     const ScoreOptions& opt,
                     const std::function<void(std::vector<Verdict>&)>& sink) {
  SourceOptions so;
  so.skip_bad = true;  // bad reports come back as records; stop or skip here
  std::unique_ptr<ReportSource> source = open_report_source(inputs, so);
  ThreadPool pool(opt.threads);
  TraceReading how = scorer.reading(true);
  how.one_record_per_file = true;
  std::deque<std::future<std::pair<std::vector<Verdict>, std::vector<BadRecord>>>> pending;
  size_t scored = 0;
  auto take = [&] {
    auto [verdicts, bad] = pending.front().get();
    pending.pop_front();
    for (const BadRecord& b : bad) {
      if (!opt.skip_bad) throw Error(b.message + " (use --skip-bad to skip such input)");
      if (opt.log) opt.log("skipping " + b.message);
    }
    scored += verdicts.size();
    sink(verdicts);
  };
  // Units (a report, or a few small ones) in groups: one sketch and one prediction per group
  // amortise what every scoring pass pays (the vocabulary maps, the model calls).
  constexpr size_t kGroupBytes = 16u << 20, kGroupUnits = 64;
  std::vector<TraceSource::Unit> group;
  uint64_t group_from = 0;
  auto submit = [&] {
    pending.push_back(pool.submit([&scorer, &opt, how, units = std::move(group)] {
      std::vector<TraceBatch> batches;
      for (const TraceSource::Unit& u : units) batches.push_back(u());
      TraceBatch batch = join_batches(batches);
      std::vector<Verdict> v;
      if (!batch.files.empty())
        v = scorer.score(sketch_batch(batch, how, scorer.feature_config()), opt.reasons);
      return std::make_pair(std::move(v), std::move(batch.bad));
    }));
    group = {};
    group_from = source->bytes_read();
    // A few groups ahead of the output per worker: memory stays bounded by the reports in flight.
    if (pending.size() >= size_t(2 * opt.threads)) take();
  };
  for (TraceSource::Unit unit = source->next(); unit; unit = source->next()) {
    group.push_back(std::move(unit));
    if (group.size() >= kGroupUnits || source->bytes_read() - group_from >= kGroupBytes) submit();
  }
  if (!group.empty()) submit();
  while (!pending.empty()) take();
  source->finish();
  return scored;
}

}  // namespace

std::string input_kind(std::span<const std::string> inputs) {
  if (inputs.size() == 1) {
    const std::string& in = inputs[0];
    if (in == "-") return "csv";
    std::error_code ec;
    if (std::filesystem::is_regular_file(in, ec)) {
      if (starts_like_store(in)) return "store";
      if (ends_with(in, ".csv") || ends_with(in, ".csv.gz")) return "csv";
    }
  }
  for (const std::string& in : inputs)
    if (ends_with(in, ".csv") || starts_like_store(in))
      throw UsageError(
          fmt::format("'{}': a store or a CSV is scored on its own, not with other inputs", in));
  return "reports";
}

size_t score_inputs(const Scorer& scorer, std::span<const std::string> inputs,
                    const ScoreOptions& opt,
                    const std::function<void(std::vector<Verdict>&)>& sink) {
  const std::string kind = input_kind(inputs);
  if (kind == "store") return score_store(scorer, inputs[0], opt, sink);
  if (kind == "csv") {
    // Through a temporary store: a CSV's files may come back after others and are merged.
    std::string tmp =
        (std::filesystem::temp_directory_path() / ("malscope-score-" + random_suffix() + ".store"))
            .string();
    TempRegistration reg(tmp);
    struct Remove {
      std::string path;
      ~Remove() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
      }
    } remove{tmp};
    IngestOptions io;
    io.threads = opt.threads;
    io.api_names = ApiNaming::kAsIs;  // folded when the store is read, as predict does
    io.log = opt.log;
    ingest_csv(inputs[0], tmp, io);
    return score_store(scorer, tmp, opt, sink);
  }
  return score_reports(scorer, inputs, opt, sink);
}

}  // namespace malscope
