// The audit as text tables, and the CV groups file.
#include <fmt/format.h>
#include <algorithm>

#include "analysis/audit.h"
#include "analysis/text_table.h"
#include "util/csv.h"

namespace malscope {

namespace {

std::string pct(double part, double whole) {
  return whole > 0 ? fmt::format("{:.1f}%", 100.0 * part / whole) : "-";
}

std::string class_mix(const std::vector<uint32_t>& classes, const std::vector<std::string>& names) {
  std::string s;
  for (size_t c = 0; c < classes.size(); ++c)
    if (classes[c]) s += fmt::format("{}{}:{}", s.empty() ? "" : " ", names[c], classes[c]);
  return s.empty() ? "unlabeled" : s;
}

std::string cluster_table(const std::vector<ClusterSummary>& list, const Audit& a) {
  TextTable t({"cluster", "files", "traces", "<classes", "<examples"});
  for (const ClusterSummary& c : list) {
    std::string ex;
    for (const auto& id : c.examples) ex += (ex.empty() ? "" : " ") + id;
    t.add({fmt::format("{}", c.id), fmt::format("{}", c.files), fmt::format("{}", c.exact_groups),
           class_mix(c.classes, a.class_names), ex});
  }
  return t.str(4);
}

void loss_row(TextTable& t, const std::string& name, const LossSum& l) {
  t.add({name, fmt::format("{:.4f}", l.mean_logloss()), fmt::format("{:.4f}", l.mean_tianchi()),
         fmt::format("{:.4f}", l.accuracy())});
}

std::string duplicates_text(const Audit& a) {
  const DuplicateFindings& d = a.duplicates;
  std::string out = fmt::format(
      "duplicates (exact: equal API sequence per thread; near: estimated Jaccard >= {:.2f} over "
      "API {}-gram shingles{}, MinHash {}, LSH {} bands)\n",
      a.duplicate_options.threshold, a.minhash.ngram,
      a.minhash.weighted ? " weighted by repeats" : "", a.minhash.num_hashes,
      a.duplicate_options.bands);
  out += fmt::format(
      "  exact groups       {} groups of 2+ files hold {} files ({}); {} copies are redundant\n",
      d.exact_groups, d.exact_files, pct(d.exact_files, a.files), d.exact_files - d.exact_groups);
  out += fmt::format(
      "  clusters           {} clusters of 2+ files hold {} files ({}); {} join distinct traces\n",
      d.clusters, d.cluster_files, pct(d.cluster_files, a.files), d.near_clusters);
  if (a.num_classes > 0)
    out += fmt::format("  label conflicts    {} exact groups ({} files), {} clusters ({} files)\n",
                       d.exact_conflicts, d.exact_conflict_files, d.cluster_conflicts,
                       d.cluster_conflict_files);
  std::string hist;
  for (auto& [range, n] : d.size_histogram) hist += fmt::format("  {}: {}", range, n);
  out += "  cluster sizes    " + hist + "\n";
  out += fmt::format("  CV groups          {} (one per cluster, singletons included)\n",
                     a.clusters.num_clusters);
  if (!d.largest.empty()) out += "  largest clusters\n" + cluster_table(d.largest, a);
  if (!d.conflicts.empty())
    out += "  clusters with conflicting labels\n" + cluster_table(d.conflicts, a);
  return out;
}

std::string leakage_text(const Audit& a) {
  const IdLeakage& l = *a.id_leak;
  const IdLeakOptions& o = a.id_leak_options;
  std::string out =
      fmt::format("file_id order leakage (ids ordered as {}; {} label shuffles)\n",
                  l.order == "numeric" ? "numbers" : "text", l.neighbours.shuffled.size());
  TextTable t({"<predictor", "logloss", "tianchi", "accuracy", "shuffled", "p", "z"});
  auto row = [&](const std::string& name, const LossSum& real, const LeakTest* test) {
    std::vector<std::string> r = {name,
                                  fmt::format("{:.4f}", real.mean_logloss()),
                                  fmt::format("{:.4f}", real.mean_tianchi()),
                                  fmt::format("{:.4f}", real.accuracy()),
                                  "",
                                  "",
                                  ""};
    if (test) {
      double mean = 0;
      for (double s : test->shuffled) mean += s / test->shuffled.size();
      r[4] = fmt::format("{:.4f}", mean);
      r[5] = fmt::format("{:.3f}", test->p_value);
      r[6] = fmt::format("{:+.1f}", test->z);
    }
    t.add(r);
  };
  row("class prior", l.prior, nullptr);
  row(fmt::format("{} id neighbours each side (leave-one-out)", o.neighbours), l.neighbours.real,
      &l.neighbours);
  row(fmt::format("{} id-rank bins ({}-fold)", o.bins, o.folds), l.binned.real, &l.binned);
  out += t.str(2);
  out += l.detected ? fmt::format(
                          "  LEAK: file_id order predicts the label (p <= {} and z >= {} "
                          "against the shuffles)\n",
                          o.max_p, o.min_z)
                    : "  no leakage through file_id order detected\n";
  return out;
}

std::string cv_text(const Audit& a) {
  const CvImpact& c = *a.cv;
  std::string out = fmt::format("cross-validation impact (random stratified {}-fold, seed {})\n",
                                c.folds, a.cv_options.seed);
  out += fmt::format("  validation files with an exact duplicate in training   {} of {} ({})\n",
                     c.exact_in_train, c.files, pct(c.exact_in_train, c.files));
  out += fmt::format("  validation files with a cluster member in training     {} of {} ({})\n",
                     c.cluster_in_train, c.files, pct(c.cluster_in_train, c.files));
  TextTable per({"<class", "files", "with duplicate in training"});
  for (size_t k = 0; k < c.class_files.size(); ++k)
    per.add({a.class_names[k], fmt::format("{}", c.class_files[k]),
             pct(c.class_cluster_in_train[k], c.class_files[k])});
  out += per.str(4);
  TextTable t({"<out-of-fold predictor", "logloss", "tianchi", "accuracy"});
  loss_row(t, "class prior", c.prior);
  loss_row(t, "copy the training duplicates' labels", c.copy);
  loss_row(t, fmt::format("  the same, on the {} files with one", c.copy_covered.n),
           c.copy_covered);
  out += t.str(2);
  return out;
}

}  // namespace

std::string to_text(const Audit& a) {
  std::string out = fmt::format(
      "audit of {}: {} files, {}\n", a.store, a.files,
      a.num_classes ? fmt::format("{} classes", a.num_classes) : std::string("unlabeled"));
  out += duplicates_text(a);
  if (a.id_leak) out += leakage_text(a);
  if (a.cv) out += cv_text(a);
  out += fmt::format("({:.1f}s, of which {:.1f}s reading the store)\n", a.seconds, a.scan_seconds);
  return out;
}

std::string groups_csv(const TraceStore& store, const Audit& a) {
  std::string out = "file_id,group\n";
  out.reserve(store.num_files() * 16);
  for (uint32_t f = 0; f < store.num_files(); ++f)
    out += fmt::format("{},{}\n", csv_field(store.file_id(f)), a.clusters.cluster[f]);
  return out;
}

}  // namespace malscope
