#include "sim/simulator.h"

#include <fmt/format.h>
#include <chrono>
#include <filesystem>

#include "sim/report_split.h"
#include "sim/split_writer.h"
#include "store/class_names.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/progress.h"
#include "util/stopwatch.h"

namespace malscope {
namespace {

namespace fs = std::filesystem;
using sim::SplitPlan;

void require(bool ok, std::string_view what) {
  if (!ok) throw UsageError(fmt::format("simulate: {}", what));
}

std::string class_list(const std::vector<uint64_t>& counts) {
  std::string s;
  for (size_t c = 0; c < counts.size(); ++c)
    s += fmt::format("{}{} {}", c ? ", " : "", sim::label_name(static_cast<int>(c)), counts[c]);
  return s;
}

SimSplitSummary summarize(const std::string& path, const sim::SplitStats& s) {
  SimSplitSummary out;
  out.path = path;
  out.files = s.files;
  out.rows = s.rows;
  out.bytes = s.bytes;
  out.max_calls = s.max_calls;
  out.exact_repeats = s.exact_repeats;
  out.near_repeats = s.near_repeats;
  out.class_files = s.class_files;
  return out;
}

void log_split(std::ostream& log, const SimSplitSummary& s) {
  double files = s.files ? static_cast<double>(s.files) : 1;
  double rows = s.rows ? static_cast<double>(s.rows) : 1;
  log << fmt::format(
      "{}: {} files, {} rows, {} ({:.1f} B/row); calls/file mean {:.0f}, max {}; repeats {} "
      "exact, {} near\n  files per class: {}\n",
      s.path, s.files, human_count(static_cast<double>(s.rows)),
      human_bytes(static_cast<double>(s.bytes)), s.bytes / rows, s.rows / files, s.max_calls,
      s.exact_repeats, s.near_repeats, class_list(s.class_files));
  if (s.empty_reports) log << fmt::format("  reports with no behaviour: {}\n", s.empty_reports);
}

void write_labels(const SplitPlan& test, const std::string& path) {
  AtomicFile out(path);
  std::string text = "file_id,label\n";
  for (size_t i = 0; i < test.files.size(); ++i) {
    text += fmt::format("{},{}\n", i, test.files[i].label);
    if (text.size() > (1 << 20)) {
      out.write(text);
      text.clear();
    }
  }
  out.write(text);
  out.commit();
}

bool is_report_format(SimFormat f) {
  return f == SimFormat::kCape || f == SimFormat::kCuckoo;
}

std::string_view format_name(SimFormat f) {
  switch (f) {
    case SimFormat::kSeason1:
      return "season1";
    case SimFormat::kSeason2:
      return "season2";
    case SimFormat::kCape:
      return "cape";
    case SimFormat::kCuckoo:
      return "cuckoo";
  }
  return "?";
}

// labels.csv of a report folder: sha256 and the class name malscope gives the label by default,
// so `ingest --labels` numbers the classes as the simulator does.
void write_name_labels(const std::vector<std::pair<std::string, int>>& labels, int classes,
                       const std::string& path) {
  const std::vector<std::string> names = default_class_names(classes);
  std::string text = "sha256,label\n";
  for (const auto& [sha, label] : labels) text += fmt::format("{},{}\n", sha, names[label]);
  write_file_atomic(path, text);
}

void write_number_labels(const std::vector<std::pair<std::string, int>>& labels,
                         const std::string& path) {
  std::string text = "file_id,label\n";
  for (const auto& [sha, label] : labels) text += fmt::format("{},{}\n", sha, label);
  write_file_atomic(path, text);
}

// The report formats: DIR/train/ and DIR/test/ folders, DIR/labels.csv (train, by class name)
// and DIR/test_labels.csv (test, by number, as `evaluate` reads).
void write_reports(const SimulateOptions& o, const sim::World& world, const sim::CorpusSpec& spec,
                   const sim::SplitPlan& train, const sim::SplitPlan& test,
                   SimulateSummary& summary) {
  const fs::path dir(o.output_dir);
  sim::ReportSplitOptions ro;
  ro.shape = o.format == SimFormat::kCape ? sim::ReportShape::kCape : sim::ReportShape::kCuckoo;
  ro.gzip = o.gzip;
  ro.text_rate = o.text_rate;
  ro.threads = o.threads;
  ro.progress = o.progress;
  auto empty = [&](size_t files) {
    return o.empty_reports >= 0 ? static_cast<uint64_t>(o.empty_reports)
                                : (files ? 1 + files / 500 : 0);
  };
  ro.empty = empty(train.files.size());
  sim::ReportSplitStats tr =
      sim::write_report_split(world, spec, train, (dir / "train").string(), ro);
  ro.empty = empty(test.files.size());
  sim::ReportSplitStats te =
      sim::write_report_split(world, spec, test, (dir / "test").string(), ro);
  summary.train = summarize((dir / "train").string(), tr.split);
  summary.train.empty_reports = tr.empty;
  summary.test = summarize((dir / "test").string(), te.split);
  summary.test.empty_reports = te.empty;
  summary.train_labels_path = (dir / "labels.csv").string();
  write_name_labels(tr.labels, o.classes, summary.train_labels_path);
  write_number_labels(te.labels, summary.labels_path);
}

}  // namespace

void validate(const SimulateOptions& o) {
  require(!o.output_dir.empty(), "an output directory is required (-o DIR)");
  require(o.classes == 6 || o.classes == 8,
          fmt::format("--classes must be 6 or 8, not {}", o.classes));
  require(o.size_bytes > 0 || (o.train_files >= 1 && o.train_files <= (1u << 31)),
          fmt::format("--train-files must be in 1..2^31, not {}", o.train_files));
  require(o.size_bytes == 0 || o.size_bytes >= (64 << 10),
          fmt::format("--size must be at least 64K, not {} bytes", o.size_bytes));
  simulate_params().check(o);
  require(o.threads >= 0, "--threads must not be negative");
  require(!is_report_format(o.format) || o.size_bytes == 0,
          "--size sizes a CSV; give report formats --train-files");
  require(!o.gzip || is_report_format(o.format), "--gzip applies to --format cape or cuckoo");
}

const ParamTable<SimulateOptions>& simulate_params() {
  using C = SimulateOptions;
  static const ParamTable<C> table{
      {"test-files", &C::test_files, 0, double(1u << 31),
       "Test files (file_ids start again at 0, as in Tianchi); --size leaves it as is"},
      {"mean-calls", &C::mean_calls, 20, 200000,
       "Mean API calls per file after the 5,000-per-thread cap (heavy-tailed)"},
      {"repeat-rate", &C::repeat_rate, 0, 0.95,
       "Share of files that re-run another file of the same label (half exact copies, half near "
       "copies)"},
      {"id-leak", &C::id_leak, 0, 1,
       "0..1: how strongly file_id order follows the label (0 = shuffled, 1 = sorted by label, "
       "as leaked in the real competition)"},
      {"text-returns", &C::text_rate, 0, 0.5,
       "Share of return values that are not numbers (NULL, 0x1F; not season2)"},
  };
  return table;
}

SimulateSummary simulate(const SimulateOptions& o, std::ostream* log) {
  auto start = std::chrono::steady_clock::now();
  validate(o);
  std::error_code ec;
  fs::create_directories(o.output_dir, ec);
  if (ec || !fs::is_directory(o.output_dir))
    throw Error(fmt::format("simulate: cannot create output directory '{}': {}", o.output_dir,
                            ec ? ec.message() : "a file is in the way"));
  const bool with_ret = o.format != SimFormat::kSeason2;
  const double text_rate = with_ret ? o.text_rate : 0;
  const sim::World world = sim::build_world(o.seed);
  sim::CorpusSpec spec;
  spec.seed = o.seed;
  spec.shares = sim::class_shares(o.classes, o.imbalance);
  spec.repeat_rate = o.repeat_rate;
  spec.id_leak = o.id_leak;
  spec.with_ret = with_ret;
  spec.scale = sim::calibrate_scale(world, spec.shares, o.mean_calls, o.seed);
  spec.content = sim::content_widths(world, with_ret, text_rate, spec.scale, o.seed);
  uint64_t n_train =
      o.size_bytes ? sim::train_files_for_size(world, spec, o.size_bytes) : o.train_files;
  SplitPlan train = sim::plan_split(world, spec, false, n_train, nullptr);
  SplitPlan test = sim::plan_split(world, spec, true, o.test_files, &train);
  if (log)
    *log << fmt::format(
        "simulate: seed {}, {} classes, {}, {}: {} train files (~{} as CSV), {} test\n", o.seed,
        o.classes, format_name(o.format),
        o.imbalance == sim::Imbalance::kSeason1 ? "season-1 imbalance" : "balanced", n_train,
        human_bytes(static_cast<double>(train.est_bytes)), o.test_files);
  SimulateSummary summary;
  const fs::path dir(o.output_dir);
  const std::string train_path = (dir / "train.csv").string();
  const std::string test_path = (dir / "test.csv").string();
  summary.labels_path = (dir / "test_labels.csv").string();
  if (is_report_format(o.format)) {
    write_reports(o, world, spec, train, test, summary);
  } else {
    sim::RowWriter train_rows(true, with_ret), test_rows(false, with_ret);
    summary.train =
        summarize(train_path, sim::write_split(world, spec, train, train_rows, text_rate,
                                               train_path, o.threads, o.progress));
    summary.test = summarize(test_path, sim::write_split(world, spec, test, test_rows, text_rate,
                                                         test_path, o.threads, o.progress));
    write_labels(test, summary.labels_path);
  }
  summary.seconds = seconds_since(start);
  if (log) {
    log_split(*log, summary.train);
    log_split(*log, summary.test);
    if (!summary.train_labels_path.empty())
      *log << fmt::format("{}: {} labels by class name\n", summary.train_labels_path,
                          summary.train.files);
    *log << fmt::format("{}: {} labels\ndone in {:.1f}s\n", summary.labels_path, summary.test.files,
                        summary.seconds);
  }
  return summary;
}

}  // namespace malscope
