#include "sim/report_split.h"

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <future>

#include "io/gzip.h"
#include "sim/split_writer.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace malscope::sim {
namespace {

constexpr uint64_t kDigestTag = 0x73686132ULL, kMd5Tag = 0x6d6435ULL;
constexpr size_t kBlockReports = 32;

struct Block {
  uint64_t calls = 0, bytes = 0, max_calls = 0;
};

struct Job {
  const World& world;
  const CorpusSpec& spec;
  const SplitPlan& plan;
  const ReportSplitOptions& opt;
  const std::string& dir;
};

ReportHead head_of(const Job& job, uint64_t id) {
  ReportHead h;
  h.sha256 = report_sha256(job.spec.seed, job.plan.test, id);
  h.md5 = fake_digest(derive_key(derive_key(job.spec.seed, kMd5Tag + job.plan.test), id), 32);
  h.task_id = id + 1;
  h.key = derive_key(derive_key(job.spec.seed, kDigestTag + job.plan.test), id);
  return h;
}

void save(const Job& job, const ReportHead& head, std::string& json, Block& b) {
  std::string path = (std::filesystem::path(job.dir) / head.sha256).string();
  if (job.opt.gzip) {
    std::string gz = gzip(json, 6);
    write_file_atomic(path + ".json.gz", gz);
    b.bytes += gz.size();
  } else {
    write_file_atomic(path + ".json", json);
    b.bytes += json.size();
  }
}

// Reports [first, last) of the split: plan files, then the empty ones.
Block make_block(const Job& job, uint64_t first, uint64_t last) {
  TraceGenerator gen(job.world, true, job.opt.text_rate);
  FileCalls calls;
  std::string json;
  Block b;
  const uint64_t n = job.plan.files.size();
  for (uint64_t id = first; id < last; ++id) {
    const ReportHead head = head_of(job, id);
    json.clear();
    if (id < n) {
      const FilePlan run = run_file(job.world, job.spec, job.plan, id, gen, calls);
      const int label = job.plan.files[id].label;
      write_report(json, job.opt.shape, head, calls, plan_processes(run, calls, label, head.key));
      b.calls += calls.rows();
      b.max_calls = std::max<uint64_t>(b.max_calls, calls.rows());
    } else {
      write_empty_report(json, job.opt.shape, head, static_cast<int>((id - n) % 2));
    }
    save(job, head, json, b);
  }
  return b;
}

}  // namespace

std::string report_sha256(uint64_t seed, bool test, uint64_t id) {
  return fake_digest(derive_key(derive_key(seed, kDigestTag + test), id), 64);
}

ReportSplitStats write_report_split(const World& world, const CorpusSpec& spec,
                                    const SplitPlan& plan, const std::string& dir,
                                    const ReportSplitOptions& opt) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw Error(fmt::format("simulate: cannot create folder '{}': {}", dir,
                            ec ? ec.message() : "a file is in the way"));
  const uint64_t n = plan.files.size(), total = n + opt.empty;
  ReportSplitStats stats;
  SplitStats& split = stats.split;
  split.files = total;
  stats.empty = opt.empty;
  split.class_files.assign(spec.shares.size(), 0);
  for (const CorpusFile& f : plan.files) {
    split.exact_repeats += f.origin == Origin::kExactRepeat;
    split.near_repeats += f.origin == Origin::kNearRepeat;
  }
  for (uint64_t id = 0; id < total; ++id) {
    // An empty report takes the label of a file spread over the plan (any class can fail to run).
    int label = id < n ? plan.files[id].label
                       : plan.files[((id - n) * 7919) % std::max<uint64_t>(n, 1)].label;
    stats.labels.emplace_back(report_sha256(spec.seed, plan.test, id), label);
    split.class_files[label]++;
  }
  const Job job{world, spec, plan, opt, dir};
  const int n_threads = default_threads(opt.threads);
  Progress progress(opt.progress, "simulate " + std::filesystem::path(dir).filename().string(), 0);
  ThreadPool pool(n_threads);  // declared after everything its tasks use: joined first
  std::deque<std::future<Block>> inflight;
  uint64_t next = 0, done = 0;
  while (next < total || !inflight.empty()) {
    while (next < total && inflight.size() < static_cast<size_t>(2 * n_threads + 1)) {
      uint64_t first = next, last = std::min<uint64_t>(total, next + kBlockReports);
      inflight.push_back(pool.submit([&job, first, last] { return make_block(job, first, last); }));
      next = last;
    }
    Block b = inflight.front().get();
    inflight.pop_front();
    split.rows += b.calls;
    split.bytes += b.bytes;
    split.max_calls = std::max(split.max_calls, b.max_calls);
    done = std::min<uint64_t>(total, done + kBlockReports);
    progress.update(split.bytes, done);
  }
  progress.finish();
  return stats;
}

}  // namespace malscope::sim
