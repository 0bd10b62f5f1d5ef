#include "eval/folds.h"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>

#include "features/thread_traits.h"
#include "store/trace_store.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/random.h"
#include "util/thread_pool.h"

namespace malscope {
namespace {

std::vector<uint32_t> plain_folds(std::span<const int32_t> labels, int k, Rng& rng) {
  const int classes = label_classes(labels);
  std::vector<std::vector<uint32_t>> by_class(classes);
  for (uint32_t i = 0; i < labels.size(); ++i) by_class[labels[i]].push_back(i);
  std::vector<uint32_t> fold(labels.size());
  uint32_t next = 0;  // carries over between classes so remainders land in different folds
  for (auto& rows : by_class) {
    shuffle(rows, rng);
    for (uint32_t r : rows) fold[r] = next++ % k;
  }
  return fold;
}

struct Group {
  std::map<int32_t, uint32_t> classes;  // label -> rows
  uint32_t rows = 0;
  uint32_t order = 0;  // seeded tie-break
};

std::vector<uint32_t> grouped_folds(std::span<const int32_t> labels, int k, Rng& rng,
                                    std::span<const uint32_t> groups) {
  const int classes = label_classes(labels);
  std::unordered_map<uint32_t, uint32_t> index;
  std::vector<Group> g;
  std::vector<uint32_t> group_of(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    auto [it, added] = index.emplace(groups[i], uint32_t(g.size()));
    if (added) g.emplace_back();
    group_of[i] = it->second;
    ++g[it->second].classes[labels[i]];
    ++g[it->second].rows;
  }
  if (g.size() < size_t(k)) throw Error(fmt::format("{} groups cannot fill {} folds", g.size(), k));
  std::vector<uint32_t> order(g.size());
  std::iota(order.begin(), order.end(), 0u);
  shuffle(order, rng);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return g[a].rows > g[b].rows; });
  std::vector<double> total(classes, 0);
  for (int32_t y : labels) total[y] += 1;
  // share[f][c]: share of class c's rows placed in fold f. Adding a group to fold f raises the
  // sum of squared shares by sum_c d_c (2 share[f][c] + d_c); the fold minimising it keeps each
  // class's spread over folds smallest (means are the same whichever fold is chosen).
  std::vector<std::vector<double>> share(k, std::vector<double>(classes, 0));
  std::vector<uint64_t> fold_rows(k, 0);
  std::vector<uint32_t> fold_of_group(g.size());
  for (uint32_t gi : order) {
    int best = 0;
    double best_cost = 0;
    for (int f = 0; f < k; ++f) {
      double cost = 0;
      for (auto [c, n] : g[gi].classes) {
        double d = n / total[c];
        cost += d * (2 * share[f][c] + d);
      }
      if (f == 0 || cost < best_cost - 1e-12 ||
          (cost < best_cost + 1e-12 && fold_rows[f] < fold_rows[best])) {
        best = f;
        best_cost = cost;
      }
    }
    fold_of_group[gi] = best;
    fold_rows[best] += g[gi].rows;
    for (auto [c, n] : g[gi].classes) share[best][c] += n / total[c];
  }
  std::vector<uint32_t> fold(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) fold[i] = fold_of_group[group_of[i]];
  return fold;
}

}  // namespace

std::vector<uint32_t> assign_folds(std::span<const int32_t> labels, int k, uint64_t seed,
                                   std::span<const uint32_t> groups) {
  if (k < 2) throw UsageError(fmt::format("--folds must be at least 2, got {}", k));
  // Too few files or groups is the data's problem, not the command line's (exit 1, not 2).
  if (labels.size() < size_t(k))
    throw Error(fmt::format("{} files cannot fill {} folds", labels.size(), k));
  if (!groups.empty() && groups.size() != labels.size())
    throw Error(fmt::format("{} groups for {} files", groups.size(), labels.size()));
  Rng rng(seed);
  return groups.empty() ? plain_folds(labels, k, rng) : grouped_folds(labels, k, rng, groups);
}

CopyGroups copy_groups(std::span<const uint64_t> keys) {
  CopyGroups g;
  std::unordered_map<uint64_t, uint32_t> first;
  first.reserve(keys.size());
  std::vector<uint32_t> group(keys.size());
  std::vector<uint32_t> size(keys.size(), 0);
  for (uint32_t i = 0; i < keys.size(); ++i) {
    group[i] = first.emplace(keys[i], i).first->second;
    if (++size[group[i]] == 2) ++g.sets;
  }
  if (g.sets == 0) return g;
  for (uint32_t i = 0; i < keys.size(); ++i) g.files += size[group[i]] > 1;
  g.group = std::move(group);
  return g;
}

CopyGroups copy_groups(const TraceStore& store, int threads) {
  std::vector<uint64_t> keys(store.num_files());
  store.for_each_file(kColApi | kColTid, default_threads(threads),
                      [&](const FileTrace& t, int) { keys[t.file] = trace_key(t); });
  return copy_groups(keys);
}

std::string copy_groups_text(const CopyGroups& g) {
  if (g.sets == 0) return "";
  return fmt::format("folds: {} sets of identical traces ({} files) each kept in one fold", g.sets,
                     g.files);
}

void split_fold(std::span<const uint32_t> folds, uint32_t f, std::vector<uint32_t>& train,
                std::vector<uint32_t>& valid) {
  train.clear();
  valid.clear();
  for (uint32_t i = 0; i < folds.size(); ++i) (folds[i] == f ? valid : train).push_back(i);
}

std::vector<uint32_t> read_groups(const std::string& path, const TraceStore& store,
                                  const LogFn& log) {
  CsvLines csv(path);
  csv.expect_header({"file_id", "group"});
  const uint32_t n = store.num_files();
  std::vector<uint32_t> group(n, UINT32_MAX);
  std::unordered_map<std::string, uint32_t> ids;
  size_t skipped = 0;
  std::vector<std::string_view> f;
  while (csv.next(f)) {
    if (f.size() != 2) csv.fail(fmt::format("expected 2 fields (file_id,group), got {}", f.size()));
    auto file = store.find_file(f[0]);
    if (!file) {
      ++skipped;
      continue;
    }
    if (group[*file] != UINT32_MAX) csv.fail(fmt::format("file_id '{}' is listed twice", f[0]));
    group[*file] = ids.emplace(std::string(f[1]), uint32_t(ids.size())).first->second;
  }
  for (uint32_t i = 0; i < n; ++i)
    if (group[i] == UINT32_MAX) group[i] = uint32_t(ids.size()) + i;  // a group of its own
  if (skipped && log)
    log(fmt::format("{}: {} file_ids not in the store were ignored", path, skipped));
  return group;
}

}  // namespace malscope
