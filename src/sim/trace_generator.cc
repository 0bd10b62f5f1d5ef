#include "sim/trace_generator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace malscope::sim {
namespace {

constexpr uint64_t kFileTag = 0x66696c65ULL, kThreadTag = 0x74687264000ULL,
                   kRetTag = 0x726574000000ULL, kCopyTag = 0x636f7079ULL;

// Emits a role's calls with per-call noise until `limit` calls are out.
class Emitter {
 public:
  Emitter(const Prototype& p, double noise, Rng& rng, const std::vector<uint16_t>& background,
          std::vector<uint16_t>& out)
      : p_(p), rng_(rng), background_(background), out_(out) {
    drop_ = static_cast<uint64_t>(p.noise.drop * noise * 65536);
    insert_ = static_cast<uint64_t>(p.noise.insert * noise * 65536);
    swap_ = static_cast<uint64_t>(p.noise.swap * noise * 65536);
  }
  void set_limit(size_t n) { limit_ = n; }
  bool full() const { return out_.size() >= limit_; }

  void routine(const Routine& r) {
    bool ran = true;
    for (const Step& s : r) {
      if (full()) return;
      bool go = (!s.chained || ran) && (s.p >= 1 || rng_.uniform() < s.p);
      ran = go;
      if (!go) continue;
      int64_t n = s.lo == s.hi ? s.lo : rng_.range(s.lo, s.hi);
      for (int64_t k = 0; k < n && !full(); ++k) motif(p_.motifs[s.motif]);
    }
  }

  void background_call() { out_.push_back(background_[rng_.next() & (background_.size() - 1)]); }

 private:
  void motif(const Motif& m) {
    for (const MotifCall& c : m) {
      if (full()) return;
      int64_t reps = c.lo == c.hi ? c.lo : rng_.range(c.lo, c.hi);
      for (int64_t k = 0; k < reps; ++k) call(c.api);
    }
  }
  // One call: sometimes missing, sometimes after a benign background call, sometimes swapped
  // with the call before. One 64-bit draw decides all three.
  void call(uint16_t api) {
    uint64_t r = rng_.next();
    if ((r & 0xFFFF) < drop_) return;
    if (((r >> 16) & 0xFFFF) < insert_) out_.push_back(background_[(r >> 32) & 4095]);
    out_.push_back(api);
    size_t n = out_.size();
    if (((r >> 44) & 0xFFFF) < swap_ && n >= 2) std::swap(out_[n - 1], out_[n - 2]);
  }

  const Prototype& p_;
  Rng& rng_;
  const std::vector<uint16_t>& background_;
  std::vector<uint16_t>& out_;
  size_t limit_ = 0;
  uint64_t drop_, insert_, swap_;
};

// Calls an epilogue makes at least (steps that nearly always run, at their lowest count).
size_t min_length(const Prototype& p, const Routine& r) {
  size_t n = 0;
  for (const Step& s : r) {
    if (s.p < 0.5) continue;
    size_t m = 0;
    for (const MotifCall& c : p.motifs[s.motif]) m += c.lo;
    n += s.lo * m;
  }
  return n;
}

const Role& role_of(const Prototype& p, ThreadRole r) {
  return r == ThreadRole::kMain ? p.main : r == ThreadRole::kWorker ? p.worker : p.helper;
}

}  // namespace

TraceGenerator::TraceGenerator(const World& world, bool with_ret, double text_rate)
    : world_(world), with_ret_(with_ret), ret_model_(text_rate) {
  const ApiCatalog& cat = ApiCatalog::get();
  auto ids = cat.background();
  auto cum = cat.background_cumulative();
  background_.resize(kTable);
  for (size_t i = 0, k = 0; i < kTable; ++i) {
    double at = (i + 0.5) * cum.back() / kTable;
    while (cum[k] <= at) ++k;
    background_[i] = ids[k];
  }
}

void TraceGenerator::run_thread(const Prototype& p, const Role& role, const ThreadPlan& t,
                                double noise, Rng& rng, std::vector<uint16_t>& out) {
  size_t target = t.rows();
  out.clear();
  out.reserve(target + 16);
  Emitter em(p, noise, rng, background_, out);
  // A thread cut at the cap never reaches its epilogue.
  size_t epilogue = t.length <= kThreadCap ? min_length(p, role.epilogue) : 0;
  em.set_limit(target > epilogue ? target - epilogue : 0);
  em.routine(role.prologue);
  for (int idle = 0; !em.full();) {
    size_t before = out.size();
    em.routine(role.body);
    if (out.size() == before && ++idle >= 4)
      while (!em.full()) em.background_call();
  }
  em.set_limit(target);
  em.routine(role.epilogue);
  while (out.size() < target) em.background_call();
  out.resize(target);
}

void TraceGenerator::light_noise(std::vector<uint16_t>& calls, double rate, Rng& rng) const {
  auto threshold = static_cast<uint64_t>(rate * 65536);
  for (uint16_t& c : calls) {
    uint64_t r = rng.next();
    if ((r & 0xFFFF) < threshold) c = background((r >> 16));
  }
}

void TraceGenerator::generate(const FilePlan& plan, uint64_t key, FileCalls& out) {
  const Prototype& p = world_.classes[plan.label][plan.proto];
  Rng file_rng(derive_key(key, kFileTag));
  double noise = 0.5 + file_rng.uniform();
  double err_scale = p.err_scale * std::exp(0.3 * file_rng.normal());
  size_t n = plan.threads.size();
  if (threads_.size() < n) threads_.resize(n);
  for (size_t t = 0; t < n; ++t) {
    const ThreadPlan& tp = plan.threads[t];
    std::vector<uint16_t>& calls = threads_[t];
    Rng rng(derive_key(key, kThreadTag + t));
    if (tp.copy_of < 0) {
      run_thread(p, role_of(p, tp.role), tp, noise, rng, calls);
      continue;
    }
    const std::vector<uint16_t>& src = threads_[tp.copy_of];
    calls.assign(src.begin(), src.begin() + std::min<size_t>(src.size(), tp.rows()));
    while (calls.size() < tp.rows()) calls.push_back(background(rng.next()));
    if (!tp.exact) light_noise(calls, 0.02, rng);
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return plan.threads[a].tid < plan.threads[b].tid; });
  out.api.clear();
  out.tid.clear();
  out.thread_begin.assign(1, 0);
  out.anomaly_thread = -1;
  for (size_t k = 0; k < n; ++k) {
    const std::vector<uint16_t>& calls = threads_[order[k]];
    out.api.insert(out.api.end(), calls.begin(), calls.end());
    out.tid.push_back(plan.threads[order[k]].tid);
    out.thread_begin.push_back(static_cast<uint32_t>(out.api.size()));
    if (static_cast<int32_t>(order[k]) == plan.anomaly_thread) {
      out.anomaly_thread = static_cast<int32_t>(k);
      out.anomaly_pos = plan.anomaly_pos;
      out.anomaly_shift = plan.anomaly_shift;
    }
  }
  draw_returns(order, err_scale, key, out);
}

void TraceGenerator::draw_returns(const std::vector<uint32_t>& order, double err_scale,
                                  uint64_t key, FileCalls& out) const {
  out.ret.clear();
  if (!with_ret_) return;
  out.ret.resize(out.api.size());
  for (size_t k = 0; k < order.size(); ++k) {
    Rng rng(derive_key(key, kRetTag + order[k]));
    for (uint32_t i = out.thread_begin[k]; i < out.thread_begin[k + 1]; ++i)
      out.ret[i] = ret_model_.draw(out.api[i], err_scale, rng);
  }
}

void TraceGenerator::perturb(FileCalls& calls, uint64_t key) {
  Rng rng(derive_key(key, kCopyTag));
  // New thread ids in the same order: the re-run's threads start in the same sequence.
  std::vector<uint32_t> tids;
  while (tids.size() < calls.tid.size()) {
    uint32_t t = 4 * static_cast<uint32_t>(rng.range(25, 2499));
    if (std::find(tids.begin(), tids.end(), t) == tids.end()) tids.push_back(t);
  }
  std::sort(tids.begin(), tids.end());
  calls.tid = tids;
  for (size_t k = 0; k < calls.threads(); ++k) {
    for (uint32_t i = calls.thread_begin[k]; i < calls.thread_begin[k + 1]; ++i) {
      uint64_t r = rng.next();
      if ((r & 0xFFFF) < 328) {  // 0.5%: a different benign call
        calls.api[i] = background(r >> 16);
      } else if (((r >> 16) & 0xFFFF) < 197 && i > calls.thread_begin[k]) {  // 0.3%: swapped
        std::swap(calls.api[i], calls.api[i - 1]);
      }
      if (with_ret_ && ((r >> 32) & 0xFFFF) < 1966)  // 3%: another outcome
        calls.ret[i] = ret_model_.draw(calls.api[i], 1.0, rng);
    }
  }
}

}  // namespace malscope::sim
