#include "analysis/audit.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>

#include "analysis/class_probs.h"
#include "util/error.h"
#include "util/stopwatch.h"

namespace malscope {

namespace {

// Size ranges of the cluster-size histogram.
constexpr std::pair<uint32_t, const char*> kSizeRanges[] = {
    {2, "2"}, {3, "3-4"}, {5, "5-9"}, {10, "10-99"}, {100, "100-999"}, {1000, "1000+"}};

size_t distinct_labels(const std::vector<uint32_t>& classes) {
  return std::count_if(classes.begin(), classes.end(), [](uint32_t n) { return n > 0; });
}

// Files, classes, distinct exact traces and first file ids of every cluster.
std::vector<ClusterSummary> cluster_summaries(const TraceStore& store, const DuplicateClusters& dc,
                                              int k) {
  std::vector<ClusterSummary> clusters(dc.num_clusters);
  std::vector<uint8_t> seen_exact(dc.num_exact, 0);  // every exact group lies inside one cluster
  for (uint32_t f = 0; f < store.num_files(); ++f) {
    ClusterSummary& c = clusters[dc.cluster[f]];
    c.id = dc.cluster[f];
    c.classes.resize(k, 0);
    c.files++;
    if (c.examples.size() < 3) c.examples.emplace_back(store.file_id(f));
    if (store.label(f) >= 0 && store.label(f) < k) c.classes[store.label(f)]++;
    if (!seen_exact[dc.exact[f]]) seen_exact[dc.exact[f]] = 1, c.exact_groups++;
  }
  return clusters;
}

// Exact groups of 2+ files, and those with more than one label.
void count_exact(const TraceStore& store, const DuplicateClusters& dc, int k,
                 DuplicateFindings& d) {
  std::vector<uint32_t> size(dc.num_exact, 0);
  std::vector<std::vector<uint32_t>> classes(dc.num_exact, std::vector<uint32_t>(k, 0));
  for (uint32_t f = 0; f < store.num_files(); ++f) {
    size[dc.exact[f]]++;
    if (store.label(f) >= 0 && store.label(f) < k) classes[dc.exact[f]][store.label(f)]++;
  }
  for (uint32_t g = 0; g < dc.num_exact; ++g) {
    if (size[g] < 2) continue;
    d.exact_groups++;
    d.exact_files += size[g];
    if (distinct_labels(classes[g]) > 1) d.exact_conflicts++, d.exact_conflict_files += size[g];
  }
}

DuplicateFindings summarise(const TraceStore& store, const DuplicateClusters& dc, int k,
                            size_t top) {
  DuplicateFindings d;
  count_exact(store, dc, k, d);
  std::vector<ClusterSummary> clusters = cluster_summaries(store, dc, k);
  for (auto [lo, name] : kSizeRanges) d.size_histogram.emplace_back(name, 0);
  std::vector<ClusterSummary> conflicts;
  for (const ClusterSummary& c : clusters) {
    if (c.files < 2) continue;
    d.clusters++;
    d.cluster_files += c.files;
    d.near_clusters += c.exact_groups > 1;
    size_t r = 0;
    while (r + 1 < std::size(kSizeRanges) && c.files >= kSizeRanges[r + 1].first) ++r;
    d.size_histogram[r].second++;
    if (distinct_labels(c.classes) > 1) {
      d.cluster_conflicts++;
      d.cluster_conflict_files += c.files;
      conflicts.push_back(c);
    }
  }
  auto by_size = [](const ClusterSummary& a, const ClusterSummary& b) {
    return a.files != b.files ? a.files > b.files : a.id < b.id;
  };
  std::vector<ClusterSummary> multi;
  for (ClusterSummary& c : clusters)
    if (c.files > 1) multi.push_back(std::move(c));
  size_t keep = std::min(top, multi.size());
  std::partial_sort(multi.begin(), multi.begin() + keep, multi.end(), by_size);
  d.largest.assign(multi.begin(), multi.begin() + keep);
  keep = std::min(top, conflicts.size());
  std::partial_sort(conflicts.begin(), conflicts.begin() + keep, conflicts.end(), by_size);
  conflicts.resize(keep);
  d.conflicts = std::move(conflicts);
  return d;
}

}  // namespace

const ParamTable<AuditOptions>& audit_params() {
  using C = AuditOptions;
  static const ParamTable<C> table{{"top", &C::top, "Clusters listed per table"}};
  return table;
}

Audit run_audit(const TraceStore& store, const CorpusScan& scan, const AuditOptions& opt) {
  auto start = std::chrono::steady_clock::now();
  if (scan.keys.size() != store.num_files())
    throw Error("the audit needs a scan with duplicate fingerprints");
  Audit a;
  a.store = store.path();
  a.files = store.num_files();
  a.num_classes = store.labeled() ? store.num_classes() : 0;
  for (int c = 0; c < a.num_classes; ++c)
    a.class_names.push_back(class_name(c, a.num_classes, opt.class_names));
  a.minhash = scan.minhash;
  a.duplicate_options = opt.duplicates;
  a.id_leak_options = opt.id_leak;
  a.cv_options = opt.cv;
  a.clusters = find_duplicates(scan.keys, scan.signatures, scan.num_hashes, opt.duplicates);
  a.duplicates = summarise(store, a.clusters, a.num_classes, opt.top);
  if (a.num_classes > 0) {
    std::vector<std::string_view> ids(a.files);
    std::vector<int32_t> labels(a.files);
    for (uint32_t f = 0; f < a.files; ++f) ids[f] = store.file_id(f), labels[f] = store.label(f);
    a.id_leak = measure_id_leakage(ids, labels, a.num_classes, opt.id_leak);
    a.cv = measure_cv_impact(labels, a.num_classes, a.clusters.exact, a.clusters.cluster, opt.cv);
  }
  a.scan_seconds = scan.seconds;
  a.seconds = scan.seconds + seconds_since(start);
  return a;
}

namespace {

nlohmann::json loss_json(const LossSum& l) {
  return {{"logloss", l.mean_logloss()},
          {"tianchi_logloss", l.mean_tianchi()},
          {"accuracy", l.accuracy()},
          {"files", l.n}};
}

nlohmann::json cluster_json(const ClusterSummary& c) {
  return {{"cluster", c.id},
          {"files", c.files},
          {"exact_traces", c.exact_groups},
          {"classes", c.classes},
          {"examples", c.examples}};
}

}  // namespace

nlohmann::json to_json(const Audit& a) {
  const DuplicateFindings& d = a.duplicates;
  nlohmann::json hist = nlohmann::json::array(), largest = nlohmann::json::array(),
                 conflicts = nlohmann::json::array();
  for (auto& [range, n] : d.size_histogram) hist.push_back({{"size", range}, {"clusters", n}});
  for (auto& c : d.largest) largest.push_back(cluster_json(c));
  for (auto& c : d.conflicts) conflicts.push_back(cluster_json(c));
  nlohmann::json j = {{"store", a.store},
                      {"files", a.files},
                      {"classes", a.num_classes},
                      {"class_names", a.class_names},
                      {"seconds", a.seconds},
                      {"method",
                       {{"shingle_ngram", a.minhash.ngram},
                        {"minhash", a.minhash.num_hashes},
                        {"weighted", a.minhash.weighted},
                        {"threshold", a.duplicate_options.threshold},
                        {"bands", a.duplicate_options.bands}}},
                      {"duplicates",
                       {{"exact_groups", d.exact_groups},
                        {"exact_files", d.exact_files},
                        {"clusters", d.clusters},
                        {"cluster_files", d.cluster_files},
                        {"near_clusters", d.near_clusters},
                        {"groups", a.clusters.num_clusters},
                        {"compared_pairs", a.clusters.compared_pairs},
                        {"similar_pairs", a.clusters.similar_pairs},
                        {"size_histogram", hist},
                        {"largest", largest}}},
                      {"label_conflicts",
                       {{"exact_groups", d.exact_conflicts},
                        {"exact_files", d.exact_conflict_files},
                        {"clusters", d.cluster_conflicts},
                        {"cluster_files", d.cluster_conflict_files},
                        {"largest", conflicts}}}};
  if (a.id_leak) {
    const IdLeakage& l = *a.id_leak;
    auto test = [](const LeakTest& t) {
      nlohmann::json j = loss_json(t.real);
      j.update(
          {{"shuffled_logloss", t.shuffled}, {"p_value", t.p_value}, {"z", t.z}, {"leak", t.leak}});
      return j;
    };
    j["id_order_leakage"] = {{"order", l.order},
                             {"neighbours", a.id_leak_options.neighbours},
                             {"bins", a.id_leak_options.bins},
                             {"prior", loss_json(l.prior)},
                             {"neighbour_vote", test(l.neighbours)},
                             {"binned_vote", test(l.binned)},
                             {"detected", l.detected},
                             {"class_mix_by_id_bin", l.bin_classes}};
  }
  if (a.cv) {
    const CvImpact& c = *a.cv;
    j["cv_impact"] = {{"folds", c.folds},
                      {"seed", a.cv_options.seed},
                      {"files", c.files},
                      {"exact_in_train", c.exact_in_train},
                      {"cluster_in_train", c.cluster_in_train},
                      {"class_files", c.class_files},
                      {"class_cluster_in_train", c.class_cluster_in_train},
                      {"prior", loss_json(c.prior)},
                      {"copy_duplicate_label", loss_json(c.copy)},
                      {"copy_on_covered_files", loss_json(c.copy_covered)}};
  }
  return j;
}

}  // namespace malscope
