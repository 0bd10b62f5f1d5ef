#include "analysis/sample_plot.h"

#include <fmt/format.h>
#include <algorithm>

#include "features/thread_traits.h"

namespace malscope {

namespace {

// Visits the rows kept at bin width w: the first call of each API in each run of positions
// [k*w, (k+1)*w) of a thread. Rows are sorted by (tid, index), so runs are contiguous and a
// generation stamp per API replaces a hash set.
template <class Fn>
void for_each_kept(const FileTrace& t, std::span<const uint32_t> pos,
                   std::span<const uint32_t> bounds, uint32_t w, std::vector<uint64_t>& stamp,
                   uint64_t& generation, Fn&& fn) {
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {
    uint64_t run = UINT64_MAX;
    for (uint32_t i = bounds[k]; i < bounds[k + 1]; ++i) {
      uint64_t r = pos[i] / w;
      if (r != run) run = r, ++generation;
      uint16_t a = t.api[i];
      if (stamp[a] == generation) continue;
      stamp[a] = generation;
      fn(i, static_cast<uint32_t>(k));
    }
  }
}

}  // namespace

std::string SamplePoints::note() const {
  if (!thinned()) return fmt::format("all {} calls shown", calls);
  std::string how = bin_width > 1 ? fmt::format(
                                        "one point per API per thread per {} consecutive "
                                        "positions",
                                        bin_width)
                                  : std::string("one point per API per thread per position");
  if (stride > 1) how += fmt::format(", then every {}th point", stride);
  return fmt::format("{} of {} calls shown ({:.1f}%): {}", size(), calls,
                     100.0 * size() / std::max<uint32_t>(calls, 1), how);
}

SamplePoints sample_points(const FileTrace& t, uint32_t max_points) {
  max_points = std::max<uint32_t>(max_points, 1);
  SamplePoints s;
  s.file = t.file;
  s.id = std::string(t.id);
  s.label = t.label;
  s.calls = t.n_rows;
  std::vector<uint32_t> bounds = thread_bounds(t.tid);
  // Ordinals by (pid, tid) when processes are known: a process's threads sit side by side.
  const size_t n_threads = bounds.size() - 1;
  std::vector<uint32_t> ordinal(n_threads);
  for (size_t k = 0; k < n_threads; ++k) ordinal[k] = static_cast<uint32_t>(k);
  const bool by_process = t.pid.size() == t.size() && t.size() > 0;
  if (by_process) {
    std::vector<uint32_t> order(ordinal);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return t.pid[bounds[a]] < t.pid[bounds[b]]; });
    for (size_t r = 0; r < n_threads; ++r) ordinal[order[r]] = static_cast<uint32_t>(r);
    for (uint32_t k : order) {
      s.tids.push_back(t.tid[bounds[k]]);
      s.pids.push_back(t.pid[bounds[k]]);
    }
  } else {
    for (size_t k = 0; k < n_threads; ++k) s.tids.push_back(t.tid[bounds[k]]);
  }
  // Position: the index column when decoded, else the row's place in its thread.
  std::vector<uint32_t> own;
  std::span<const uint32_t> pos = t.index;
  if (pos.size() != t.size()) {
    own.resize(t.size());
    for (size_t k = 0; k + 1 < bounds.size(); ++k)
      for (uint32_t i = bounds[k]; i < bounds[k + 1]; ++i) own[i] = i - bounds[k];
    pos = own;
  }
  uint16_t max_api = 0;
  uint32_t max_pos = 0;
  for (size_t i = 0; i < t.size(); ++i)
    max_api = std::max(max_api, t.api[i]), max_pos = std::max(max_pos, pos[i]);
  std::vector<uint8_t> called(size_t(max_api) + 1, 0);
  for (uint16_t a : t.api)
    if (!called[a]) called[a] = 1, s.distinct_apis++;
  auto keep = [&](uint32_t i, uint32_t k) {
    s.x.push_back(pos[i]);
    s.api.push_back(t.api[i]);
    s.thread.push_back(ordinal[k]);
  };
  if (t.size() <= max_points) {
    for (size_t k = 0; k + 1 < bounds.size(); ++k)
      for (uint32_t i = bounds[k]; i < bounds[k + 1]; ++i) keep(i, static_cast<uint32_t>(k));
    return s;
  }
  std::vector<uint64_t> stamp(size_t(max_api) + 1, 0);
  uint64_t generation = 1;
  size_t kept = 0;
  // Widen the runs until the merged points fit or one run spans a whole thread.
  for (s.bin_width = 1;; s.bin_width *= 2) {
    kept = 0;
    for_each_kept(t, pos, bounds, s.bin_width, stamp, generation,
                  [&](uint32_t, uint32_t) { ++kept; });
    if (kept <= max_points || s.bin_width > max_pos || s.bin_width >= (1u << 31)) break;
  }
  s.stride = static_cast<uint32_t>((kept + max_points - 1) / max_points);
  size_t seen = 0;
  for_each_kept(t, pos, bounds, s.bin_width, stamp, generation, [&](uint32_t i, uint32_t k) {
    if (seen++ % s.stride == 0) keep(i, k);
  });
  return s;
}

SamplePoints sample_points(const TraceStore& store, uint32_t file, uint32_t max_points) {
  OwnedTrace o = store.read_file(file, kColApi | kColTid | kColIndex | kColPid);
  return sample_points(o.trace, max_points);
}

}  // namespace malscope
