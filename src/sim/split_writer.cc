#include "sim/split_writer.h"

#include <algorithm>
#include <cassert>
#include <deque>
#include <filesystem>
#include <future>

#include "sim/file_plan.h"
#include "util/fs.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace malscope::sim {
namespace {

// Blocks of about 8 MB: big enough that a thread does real work per hand-off, small enough that
// a few in flight stay far below the memory budget.
constexpr uint64_t kBlockBytes = 8 << 20;
constexpr size_t kBlockFiles = 4096;

struct Block {
  CharBuffer text;
  uint64_t rows = 0, max_calls = 0;
};

std::vector<size_t> block_starts(const SplitPlan& plan) {
  std::vector<size_t> starts{0};
  uint64_t bytes = 0;
  const size_t n = plan.files.size();
  for (size_t i = 0; i < n; ++i) {
    bytes += plan.files[i].bytes_sans_id;
    if ((bytes >= kBlockBytes || i + 1 - starts.back() >= kBlockFiles) && i + 1 < n) {
      starts.push_back(i + 1);
      bytes = 0;
    }
  }
  starts.push_back(n);
  return starts;
}

struct Context {
  const World& world;
  const CorpusSpec& spec;
  const SplitPlan& plan;
  const RowWriter& writer;
  double text_rate;
};

Block make_block(const Context& cx, size_t first, size_t last) {
  TraceGenerator gen(cx.world, cx.spec.with_ret, cx.text_rate);
  FileCalls calls;
  Block b;
  for (size_t id = first; id < last; ++id) {
    const CorpusFile& f = cx.plan.files[id];
    run_file(cx.world, cx.spec, cx.plan, id, gen, calls);
    cx.writer.append(b.text, id, f.label, calls);
    b.rows += calls.rows();
    b.max_calls = std::max<uint64_t>(b.max_calls, calls.rows());
  }
  return b;
}

}  // namespace

FilePlan run_file(const World& world, const CorpusSpec& spec, const SplitPlan& plan, size_t id,
                  TraceGenerator& gen, FileCalls& calls) {
  const CorpusFile& f = plan.files[id];
  const uint64_t key = file_key(spec.seed, plan.test, f.draw);
  FilePlan run;
  if (f.origin == Origin::kOriginal) {
    run = plan_file(world, f.label, plan.test, key, spec.scale);
    gen.generate(run, key, calls);
  } else {  // a repeat is its source's run, regenerated from the source's key
    uint64_t src = file_key(spec.seed, f.source_test, f.source);
    run = plan_file(world, f.label, f.source_test, src, spec.scale);
    gen.generate(run, src, calls);
    if (f.origin == Origin::kNearRepeat) gen.perturb(calls, key);
  }
  assert(calls.rows() == f.rows);
  return run;
}

SplitStats write_split(const World& world, const CorpusSpec& spec, const SplitPlan& plan,
                       const RowWriter& writer, double text_rate, const std::string& path,
                       int threads, const ProgressFn& progress_fn) {
  SplitStats stats;
  stats.files = plan.files.size();
  stats.class_files.assign(spec.shares.size(), 0);
  for (const CorpusFile& f : plan.files) {
    stats.class_files[f.label]++;
    stats.exact_repeats += f.origin == Origin::kExactRepeat;
    stats.near_repeats += f.origin == Origin::kNearRepeat;
  }
  const Context cx{world, spec, plan, writer, text_rate};
  const std::vector<size_t> starts = block_starts(plan);
  const size_t blocks = starts.size() - 1;
  AtomicFile out(path);
  out.write(writer.header());
  Progress progress(progress_fn, "simulate " + std::filesystem::path(path).filename().string(),
                    plan.est_bytes);
  const int n_threads = default_threads(threads);
  ThreadPool pool(n_threads);  // declared after everything its tasks use: joined first
  std::deque<std::future<Block>> inflight;
  size_t next = 0;
  for (size_t done = 0; done < blocks; ++done) {
    while (next < blocks && inflight.size() < static_cast<size_t>(2 * n_threads + 1)) {
      size_t first = starts[next], last = starts[next + 1];
      inflight.push_back(pool.submit([&cx, first, last] { return make_block(cx, first, last); }));
      ++next;
    }
    Block b = inflight.front().get();
    inflight.pop_front();
    out.write(b.text.data(), b.text.size());
    stats.rows += b.rows;
    stats.max_calls = std::max(stats.max_calls, b.max_calls);
    progress.update(out.offset(), starts[done + 1]);
  }
  stats.bytes = out.offset();
  out.commit();
  progress.finish();
  return stats;
}

}  // namespace malscope::sim
