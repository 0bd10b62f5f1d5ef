#include "analysis/cv_impact.h"

#include <fmt/format.h>
#include <algorithm>

#include "analysis/class_probs.h"
#include "util/error.h"

namespace malscope {

namespace {

// Files per (group, fold) and per (group, fold, class), for groups of two or more files only.
struct GroupFolds {
  std::vector<int32_t> slot;       // per group id: compact index, or -1 for singletons
  std::vector<uint32_t> files;     // [slot][fold]
  std::vector<uint32_t> by_class;  // [slot][fold][class]
  int folds, k;

  GroupFolds(std::span<const uint32_t> group, std::span<const int32_t> labels,
             std::span<const uint32_t> fold, int folds_, int k_)
      : folds(folds_), k(k_) {
    uint32_t n_groups = group.empty() ? 0 : *std::max_element(group.begin(), group.end()) + 1;
    std::vector<uint32_t> size(n_groups, 0);
    for (size_t f = 0; f < group.size(); ++f) size[group[f]] += labels[f] >= 0;
    slot.assign(n_groups, -1);
    int32_t next = 0;
    for (uint32_t g = 0; g < n_groups; ++g)
      if (size[g] > 1) slot[g] = next++;
    files.assign(size_t(next) * folds, 0);
    by_class.assign(size_t(next) * folds * k, 0);
    for (size_t f = 0; f < group.size(); ++f) {
      if (labels[f] < 0 || slot[group[f]] < 0) continue;
      size_t s = slot[group[f]];
      files[s * folds + fold[f]]++;
      by_class[(s * folds + fold[f]) * k + labels[f]]++;
    }
  }
  // Members of group g outside fold v, per class (empty if none).
  std::vector<uint32_t> train_classes(uint32_t g, int v) const {
    std::vector<uint32_t> c(k, 0);
    if (slot[g] < 0) return c;
    for (int u = 0; u < folds; ++u)
      if (u != v)
        for (int j = 0; j < k; ++j) c[j] += by_class[(size_t(slot[g]) * folds + u) * k + j];
    return c;
  }
  bool in_train(uint32_t g, int v) const {
    if (slot[g] < 0) return false;
    for (int u = 0; u < folds; ++u)
      if (u != v && files[size_t(slot[g]) * folds + u]) return true;
    return false;
  }
};

}  // namespace

CvImpact measure_cv_impact(std::span<const int32_t> labels, int k, std::span<const uint32_t> exact,
                           std::span<const uint32_t> cluster, const CvImpactOptions& o) {
  if (o.folds < 2 || o.folds > 100)
    throw UsageError(fmt::format("folds must be 2..100, got {}", o.folds));
  CvImpact out;
  out.folds = o.folds;
  out.class_files.assign(k, 0);
  out.class_cluster_in_train.assign(k, 0);
  const std::vector<uint32_t> fold = labeled_folds(labels, o.folds, o.seed);
  GroupFolds by_exact(exact, labels, fold, o.folds, k),
      by_cluster(cluster, labels, fold, o.folds, k);
  for (uint32_t v = 0; v < uint32_t(o.folds); ++v) {
    std::vector<int32_t> train;
    for (size_t f = 0; f < labels.size(); ++f)
      if (labels[f] >= 0 && fold[f] != v) train.push_back(labels[f]);
    std::vector<double> prior = class_prior(train, k);
    for (size_t f = 0; f < labels.size(); ++f) {
      if (labels[f] < 0 || fold[f] != v) continue;
      const int y = labels[f];
      out.files++;
      out.class_files[y]++;
      out.exact_in_train += by_exact.in_train(exact[f], v);
      out.prior.add(prior, y);
      if (!by_cluster.in_train(cluster[f], v)) {
        out.copy.add(prior, y);
        continue;
      }
      out.cluster_in_train++;
      out.class_cluster_in_train[y]++;
      std::vector<double> p = smoothed(by_cluster.train_classes(cluster[f], v), prior, o.alpha);
      out.copy.add(p, y);
      out.copy_covered.add(p, y);
    }
  }
  return out;
}

}  // namespace malscope
