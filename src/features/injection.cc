#include "features/injection.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <unordered_map>

#include "features/pipeline.h"
#include "features/thread_traits.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace malscope {

std::string_view injection_name(InjectionKind k) {
  switch (k) {
    case InjectionKind::kThreads:
      return "threads";
    case InjectionKind::kInterleave:
      return "interleave";
    case InjectionKind::kPadding:
      return "padding";
  }
  return "?";
}

std::optional<InjectionKind> parse_injection_kind(std::string_view name) {
  for (auto k : {InjectionKind::kThreads, InjectionKind::kInterleave, InjectionKind::kPadding})
    if (injection_name(k) == name) return k;
  return std::nullopt;
}

std::string injection_amount_text(const Injection& inj) {
  if (inj.kind == InjectionKind::kThreads) {
    long n = std::lround(inj.amount);
    return fmt::format("{} thread{}", n, n == 1 ? "" : "s");
  }
  return fmt::format("{:g}%", inj.amount * 100);
}

std::vector<Injection> default_attacks() {
  using K = InjectionKind;
  return {{K::kThreads, 1},     {K::kThreads, 2},     {K::kThreads, 4},
          {K::kInterleave, .1}, {K::kInterleave, .5}, {K::kInterleave, 1},
          {K::kPadding, .1},    {K::kPadding, .5},    {K::kPadding, 1}};
}

std::span<const std::string_view> noop_api_candidates() {
  // Win32 and native spellings as CAPE, Cuckoo and the Tianchi logs write them.
  static constexpr std::string_view kNoops[] = {"Sleep",
                                                "SleepEx",
                                                "NtDelayExecution",
                                                "ZwDelayExecution",
                                                "GetTickCount",
                                                "GetTickCount64",
                                                "QueryPerformanceCounter",
                                                "NtQueryPerformanceCounter",
                                                "timeGetTime",
                                                "GetSystemTimeAsFileTime",
                                                "NtQuerySystemTime",
                                                "GetLocalTime",
                                                "GetSystemTime",
                                                "NtYieldExecution",
                                                "SwitchToThread"};
  return kNoops;
}

DonorPool::DonorPool(std::vector<std::string> api_names, bool has_return_value)
    : api_names_(std::move(api_names)), has_ret_(has_return_value) {
  for (std::string_view n : noop_api_candidates()) {
    auto it = std::find(api_names_.begin(), api_names_.end(), n);
    if (it != api_names_.end()) noop_.push_back(uint16_t(it - api_names_.begin()));
  }
  if (noop_.empty()) noop_.push_back(intern("Sleep"));
  std::sort(noop_.begin(), noop_.end());
}

uint16_t DonorPool::intern(const std::string& name) {
  auto it = std::find(api_names_.begin(), api_names_.end(), name);
  if (it != api_names_.end()) return uint16_t(it - api_names_.begin());
  if (api_names_.size() >= 0xffff)
    throw Error("donor pool: more than 65,535 distinct API names with the donors'");
  api_names_.push_back(name);
  return uint16_t(api_names_.size() - 1);
}

void DonorPool::add(const TraceStore& store, std::span<const uint32_t> files, int threads) {
  std::vector<uint16_t> map;  // donor store id -> pool id
  for (const std::string& n : store.apis()) map.push_back(intern(n));
  std::unordered_map<uint32_t, size_t> slot;  // store file -> position in `files`
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i] >= store.num_files())
      throw Error(fmt::format("{}: donor file {} is outside its {} files", store.path(), files[i],
                              store.num_files()));
    slot.emplace(files[i], i);
  }
  const bool ret = has_ret_ && store.has_return_value();
  std::vector<std::vector<uint16_t>> apis(files.size());
  std::vector<std::vector<int64_t>> rets(files.size());
  store.for_each_file(kColApi | (ret ? unsigned(kColRet) : 0u), threads,
                      [&](const FileTrace& t, int) {
                        auto it = slot.find(t.file);
                        if (it == slot.end()) return;
                        auto& a = apis[it->second];
                        for (uint16_t id : t.api) a.push_back(map[id]);
                        if (ret) rets[it->second].assign(t.ret.begin(), t.ret.end());
                      });
  for (size_t i = 0; i < files.size(); ++i) {
    api_.insert(api_.end(), apis[i].begin(), apis[i].end());
    if (has_ret_) {
      // A donor log without return values lends zeros.
      if (ret)
        ret_.insert(ret_.end(), rets[i].begin(), rets[i].end());
      else
        ret_.resize(api_.size(), 0);
    }
    offset_.push_back(api_.size());
    store_file_.push_back(files[i]);
  }
}

std::span<const uint16_t> DonorPool::api(size_t d) const {
  return std::span<const uint16_t>(api_).subspan(offset_[d], offset_[d + 1] - offset_[d]);
}

std::span<const int64_t> DonorPool::ret(size_t d) const {
  if (!has_ret_) return {};
  return std::span<const int64_t>(ret_).subspan(offset_[d], offset_[d + 1] - offset_[d]);
}

std::vector<uint32_t> choose_donors(const Injection& inj, std::span<const uint32_t> allowed,
                                    Rng& rng, int64_t exclude) {
  const size_t need = inj.kind == InjectionKind::kThreads
                          ? size_t(std::max(0L, std::lround(inj.amount)))
                      : inj.kind == InjectionKind::kInterleave ? 1
                                                               : 0;
  std::vector<uint32_t> out;
  if (need == 0) return out;
  if (allowed.empty()) throw Error("benign behaviour to inject, but no donor files (class 0)");
  const bool has_self = std::find(allowed.begin(), allowed.end(), exclude) != allowed.end();
  const size_t others = allowed.size() - (has_self && allowed.size() > 1);
  auto draw = [&] {
    for (;;) {  // the excluded file is one of several: redraws end quickly
      uint32_t d = allowed[rng.below(allowed.size())];
      if (d != exclude || others == allowed.size()) return d;
    }
  };
  // Distinct donors while there are enough (need is a handful: redraw on a repeat), then any.
  const size_t distinct = std::min(need, others);
  for (size_t tries = 0; out.size() < distinct && tries < 64 * need; ++tries) {
    uint32_t d = draw();
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
  }
  while (out.size() < need) out.push_back(draw());
  return out;
}

namespace {

// Appends to `out` the thread rows [b, e) of `t` with `extra` calls scattered among them at
// uniformly random positions (each arrangement equally likely); the thread's calls keep their
// order, their `index` shifts by the calls inserted before them, an inserted call takes the
// index after the one before it.
template <typename Extra>
void merge_thread(const FileTrace& t, uint32_t b, uint32_t e, size_t extra, Extra next_extra,
                  Rng& rng, InjectedTrace& out) {
  const bool ret = !t.ret.empty();
  size_t left = e - b, add = extra;
  uint32_t i = b, shift = 0;
  int64_t last = -1;
  while (left + add > 0) {
    if (add > 0 && rng.below(left + add) < add) {
      auto [api, rv] = next_extra();
      uint32_t idx = last < 0 ? (i < e ? t.index[i] : 0) : uint32_t(last + 1);
      out.api.push_back(api);
      out.tid.push_back(t.tid[b]);
      out.index.push_back(idx);
      if (ret) out.ret.push_back(rv);
      last = idx;
      ++shift, --add;
    } else {
      out.api.push_back(t.api[i]);
      out.tid.push_back(t.tid[i]);
      out.index.push_back(t.index[i] + shift);
      if (ret) out.ret.push_back(t.ret[i]);
      last = t.index[i] + shift;
      ++i, --left;
    }
  }
}

void copy_rows(const FileTrace& t, uint32_t b, uint32_t e, InjectedTrace& out) {
  out.api.insert(out.api.end(), t.api.begin() + b, t.api.begin() + e);
  out.tid.insert(out.tid.end(), t.tid.begin() + b, t.tid.begin() + e);
  out.index.insert(out.index.end(), t.index.begin() + b, t.index.begin() + e);
  if (!t.ret.empty()) out.ret.insert(out.ret.end(), t.ret.begin() + b, t.ret.begin() + e);
}

size_t share_of(double amount, size_t len) {
  return size_t(std::llround(std::max(0.0, amount) * double(len)));
}

}  // namespace

void inject(const FileTrace& t, const InjectionJob& job, const DonorPool& pool,
            InjectedTrace& out) {
  out.api.clear(), out.tid.clear(), out.index.clear(), out.ret.clear();
  const bool ret = pool.has_return_value() && !t.ret.empty();
  FileTrace view = t;
  if (!ret) view.ret = {};
  Rng rng(job.seed);
  const std::vector<uint32_t> bounds = thread_bounds(t.tid);
  const size_t threads = bounds.size() - 1;
  switch (job.injection.kind) {
    case InjectionKind::kThreads: {
      copy_rows(view, 0, t.n_rows, out);
      uint32_t tid = t.n_rows ? *std::max_element(t.tid.begin(), t.tid.end()) + 1 : 1;
      for (uint32_t d : job.donors) {
        auto api = pool.api(d);
        auto rv = pool.ret(d);
        for (size_t i = 0; i < api.size(); ++i) {
          out.api.push_back(api[i]);
          out.tid.push_back(tid);
          out.index.push_back(uint32_t(i));
          if (ret) out.ret.push_back(rv[i]);
        }
        ++tid;
      }
      break;
    }
    case InjectionKind::kInterleave: {
      if (threads == 0 || job.donors.empty() || pool.api(job.donors[0]).empty()) {
        copy_rows(view, 0, t.n_rows, out);
        break;
      }
      size_t longest = 0;
      for (size_t k = 1; k < threads; ++k)
        if (bounds[k + 1] - bounds[k] > bounds[longest + 1] - bounds[longest]) longest = k;
      auto api = pool.api(job.donors[0]);
      auto rv = pool.ret(job.donors[0]);
      // A contiguous window of the donor (wrapping), so benign n-grams stay benign n-grams.
      size_t pos = rng.below(api.size());
      auto next = [&] {
        std::pair<uint16_t, int64_t> c{api[pos], rv.empty() ? 0 : rv[pos]};
        pos = (pos + 1) % api.size();
        return c;
      };
      copy_rows(view, 0, bounds[longest], out);
      merge_thread(view, bounds[longest], bounds[longest + 1],
                   share_of(job.injection.amount, bounds[longest + 1] - bounds[longest]), next, rng,
                   out);
      copy_rows(view, bounds[longest + 1], t.n_rows, out);
      break;
    }
    case InjectionKind::kPadding: {
      const auto& noop = pool.noop_apis();
      auto next = [&] { return std::pair<uint16_t, int64_t>{noop[rng.below(noop.size())], 0}; };
      for (size_t k = 0; k < threads; ++k)
        merge_thread(view, bounds[k], bounds[k + 1],
                     share_of(job.injection.amount, bounds[k + 1] - bounds[k]), next, rng, out);
      break;
    }
  }
  out.trace = FileTrace{};
  out.trace.file = t.file;
  out.trace.id = t.id;
  out.trace.label = t.label;
  out.trace.api = out.api;
  out.trace.tid = out.tid;
  out.trace.index = out.index;
  out.trace.ret = out.ret;
  out.trace.n_rows = uint32_t(out.api.size());
}

Sketches extract_injected(const TraceStore& store, const DonorPool& pool,
                          std::span<const InjectionJob> jobs, bool with_store,
                          const FeatureConfig& cfg, int threads) {
  validate(cfg);
  const int workers = std::min(default_threads(threads), 1024);
  const uint32_t n = with_store ? store.num_files() : 0;
  // Jobs of each file, so the store is read once.
  std::vector<std::vector<uint32_t>> by_file(store.num_files());
  for (uint32_t j = 0; j < jobs.size(); ++j) {
    if (jobs[j].file >= store.num_files())
      throw Error(fmt::format("injection job for file {}, the store has {}", jobs[j].file,
                              store.num_files()));
    by_file[jobs[j].file].push_back(j);
  }
  SketchBuilder builder(pool.api_names(), store.has_return_value(), cfg, n + jobs.size(), workers);
  const unsigned cols =
      kColApi | kColTid | kColIndex | (store.has_return_value() ? unsigned(kColRet) : 0u);
  std::vector<InjectedTrace> buf(workers);
  store.for_each_file(cols, workers, [&](const FileTrace& t, int wk) {
    if (with_store) builder.add(t.file, t, wk);
    for (uint32_t j : by_file[t.file]) {
      inject(t, jobs[j], pool, buf[wk]);
      builder.add(n + j, buf[wk].trace, wk);
    }
  });
  return builder.finish();
}

}  // namespace malscope
