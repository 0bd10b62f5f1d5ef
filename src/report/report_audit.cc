// Report sections drawn from the audit and from CV results.
#include <fmt/format.h>
#include <algorithm>

#include "report/report_sections.h"

namespace malscope::report {

namespace {

std::string mix(const std::vector<uint32_t>& classes, const std::vector<std::string>& names) {
  std::string s;
  for (size_t c = 0; c < classes.size(); ++c)
    if (classes[c]) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", names[c], classes[c]);
  return s.empty() ? "unlabeled" : s;
}

void cluster_table(HtmlPage& page, const std::vector<ClusterSummary>& list, const Audit& a) {
  std::vector<std::vector<std::string>> rows;
  for (const ClusterSummary& c : list) {
    std::string ex;
    for (const auto& id : c.examples) ex += (ex.empty() ? "" : " ") + id;
    rows.push_back({std::to_string(c.id), std::to_string(c.files), std::to_string(c.exact_groups),
                    mix(c.classes, a.class_names), ex});
  }
  page.table({"cluster", "files", "distinct traces", "classes", "first files"}, rows);
}

std::vector<std::string> loss_row(const std::string& name, const LossSum& l) {
  return {name, fmt::format("{:.4f}", l.mean_logloss()), fmt::format("{:.4f}", l.mean_tianchi()),
          pct(l.accuracy(), 2)};
}

void duplicates_part(HtmlPage& page, const Audit& a) {
  const DuplicateFindings& d = a.duplicates;
  page.subheading("Repeated runs");
  page.paragraph(fmt::format(
      "Exact duplicates have the same API sequence in every thread (thread ids and order "
      "aside). Near duplicates have an estimated Jaccard similarity of at least {:.2f} between "
      "their sets of API {}-grams{} (MinHash with {} values, LSH with {} bands); clusters join "
      "both by single linkage and serve as CV groups (`malscope audit --groups-out`).",
      a.duplicate_options.threshold, a.minhash.ngram,
      a.minhash.weighted ? ", repeats counted at 1, 2, 4, 8... occurrences" : "",
      a.minhash.num_hashes, a.duplicate_options.bands));
  page.callout(
      fmt::format("{} files ({}) have an exact duplicate, in {} groups; {} files ({}) "
                  "are in clusters of 2 or more ({} of the clusters join distinct traces).",
                  d.exact_files, pct(a.files ? double(d.exact_files) / a.files : 0), d.exact_groups,
                  d.cluster_files, pct(a.files ? double(d.cluster_files) / a.files : 0),
                  d.near_clusters),
      d.cluster_files ? "warn" : "good");
  if (a.num_classes > 0)
    page.callout(fmt::format("Label conflicts: {} exact groups ({} files) and {} clusters ({} "
                             "files) hold more than one label.",
                             d.exact_conflicts, d.exact_conflict_files, d.cluster_conflicts,
                             d.cluster_conflict_files),
                 d.cluster_conflicts ? "warn" : "good");
  nlohmann::json x = nlohmann::json::array(), y = nlohmann::json::array();
  for (auto& [range, n] : d.size_histogram) x.push_back(range), y.push_back(n);
  page.begin_grid(2);
  page.chart(
      {{"data", {{{"type", "bar"}, {"x", x}, {"y", y}, {"marker", {{"color", colour(0)}}}}}},
       {"layout",
        chart_layout(
            "Clusters by size",
            {{"xaxis", {{"title", {{"text", "files in the cluster"}}}, {"type", "category"}}},
             {"yaxis", {{"title", {{"text", "clusters (log)"}}}, {"type", "log"}}}})}},
      320);
  page.raw("<div>");
  page.raw(fmt::format("<p class=\"note\">largest clusters (of {})</p>", d.clusters));
  cluster_table(page, d.largest, a);
  page.raw("</div>");
  page.end_grid();
  if (!d.conflicts.empty()) {
    page.raw(fmt::format("<p class=\"note\">largest clusters with conflicting labels (of {})</p>",
                         d.cluster_conflicts));
    cluster_table(page, d.conflicts, a);
  }
}

void leakage_part(HtmlPage& page, const Audit& a) {
  const IdLeakage& l = *a.id_leak;
  const IdLeakOptions& o = a.id_leak_options;
  page.subheading("Leakage through file_id order");
  page.paragraph(fmt::format(
      "Files sorted by file_id ({} order). Two classifiers that see only the id rank: the labels "
      "of the {} files on either side (leave-one-out; catches repeated runs with consecutive "
      "ids), and the class mix of the file's id-rank bin ({} bins, {}-fold; catches ids handed "
      "out class by class). Both mix in the class prior with weight {}. Each is run again on "
      "the labels shuffled along the id order {} times: a leak is a logloss below every "
      "shuffle's (p <= {}) by at least {} shuffle SDs (z).",
      l.order, o.neighbours, o.bins, o.folds, o.alpha, l.neighbours.shuffled.size(), o.max_p,
      o.min_z));
  auto verdict = [](const char* name, const LeakTest& t) {
    return fmt::format("{} {:.4f} (p = {:.3f}, z = {:+.1f})", name, t.real.mean_logloss(),
                       t.p_value, t.z);
  };
  page.callout(fmt::format("{}: {}; {}; class prior {:.4f}.",
                           l.detected ? "Leak through file_id order"
                                      : "No leakage through file_id order detected",
                           verdict("id neighbours", l.neighbours), verdict("id bins", l.binned),
                           l.prior.mean_logloss()),
               l.detected ? "warn" : "good");
  auto shuffled_mean = [](const LeakTest& t) {
    double m = 0;
    for (double s : t.shuffled) m += s / t.shuffled.size();
    return fmt::format("{:.4f}", m);
  };
  std::vector<std::string> nb = loss_row("id neighbours", l.neighbours.real),
                           bin = loss_row("id-rank bins", l.binned.real),
                           prior = loss_row("class prior", l.prior);
  nb.insert(nb.end(), {shuffled_mean(l.neighbours), fmt::format("{:.3f}", l.neighbours.p_value),
                       fmt::format("{:+.1f}", l.neighbours.z)});
  bin.insert(bin.end(), {shuffled_mean(l.binned), fmt::format("{:.3f}", l.binned.p_value),
                         fmt::format("{:+.1f}", l.binned.z)});
  prior.insert(prior.end(), {"", "", ""});
  page.table(
      {"predictor", "logloss", "Tianchi logloss", "accuracy", "logloss when shuffled", "p", "z"},
      {prior, nb, bin});
  // Each class's share in a bin over its share overall: a flat line at 1 when ids carry no
  // label, whatever the class imbalance.
  nlohmann::json traces = nlohmann::json::array();
  const size_t bins = l.bin_classes.size();
  std::vector<double> overall(a.num_classes, 0);
  double total = 0;
  for (const auto& bin : l.bin_classes)
    for (int c = 0; c < a.num_classes; ++c) overall[c] += bin[c], total += bin[c];
  for (int c = 0; c < a.num_classes; ++c) {
    if (!overall[c]) continue;
    nlohmann::json x = nlohmann::json::array(), y = nlohmann::json::array();
    for (size_t b = 0; b < bins; ++b) {
      double in_bin = 0;
      for (uint32_t n : l.bin_classes[b]) in_bin += n;
      x.push_back(b);
      y.push_back(in_bin ? (l.bin_classes[b][c] / in_bin) / (overall[c] / total) : 0.0);
    }
    traces.push_back({{"type", "scatter"},
                      {"mode", "lines"},
                      {"name", a.class_names[c]},
                      {"x", x},
                      {"y", y},
                      {"line", {{"color", colour(c)}, {"width", 1.5}}}});
  }
  page.chart(
      {{"data", traces},
       {"layout",
        chart_layout("Class enrichment along file_id order (1 = the class's overall share)",
                     {{"xaxis", {{"title", {{"text", fmt::format("id-rank bin (of {})", bins)}}}}},
                      {"yaxis", {{"title", {{"text", "share in bin / overall share"}}}}}})}},
      340);
}

void cv_impact_part(HtmlPage& page, const Audit& a) {
  const CvImpact& c = *a.cv;
  page.subheading("What duplicates do to a cross-validation score");
  page.paragraph(fmt::format(
      "Random stratified {}-fold (seed {}): how many validation files have a duplicate in the "
      "training folds, and the out-of-fold score of a predictor that only copies the labels of "
      "those training duplicates (prior weight {}), else predicts the class prior. Group k-fold "
      "on the audit's clusters (`malscope cv --groups`) keeps each cluster in one fold.",
      c.folds, a.cv_options.seed, a.cv_options.alpha));
  double share = c.files ? double(c.cluster_in_train) / c.files : 0;
  page.callout(fmt::format("{} of validation files have an exact duplicate in training, {} a "
                           "cluster member; copying their labels scores logloss {:.4f} against the "
                           "prior's {:.4f}.",
                           pct(c.files ? double(c.exact_in_train) / c.files : 0), pct(share),
                           c.copy.mean_logloss(), c.prior.mean_logloss()),
               share > 0.05 ? "warn" : "info");
  page.begin_grid(2);
  page.table(
      {"out-of-fold predictor", "logloss", "Tianchi logloss", "accuracy"},
      {loss_row("class prior", c.prior), loss_row("copy the duplicates' labels", c.copy),
       loss_row(fmt::format("same, on the {} covered files", c.copy_covered.n), c.copy_covered)});
  nlohmann::json x = nlohmann::json::array(), y = nlohmann::json::array();
  for (size_t k = 0; k < c.class_files.size(); ++k) {
    x.push_back(a.class_names[k]);
    y.push_back(c.class_files[k] ? double(c.class_cluster_in_train[k]) / c.class_files[k] : 0.0);
  }
  page.chart({{"data", {{{"type", "bar"}, {"x", x}, {"y", y}, {"marker", {{"color", colour(2)}}}}}},
              {"layout", chart_layout("Validation files with a duplicate in training",
                                      {{"yaxis", {{"tickformat", ".0%"}, {"range", {0, 1}}}}})}},
             300);
  page.end_grid();
}

}  // namespace

void audit_section(HtmlPage& page, const ReportInputs& in) {
  const Audit& a = in.audit;
  page.section("audit", "Data quality");
  duplicates_part(page, a);
  if (a.id_leak) leakage_part(page, a);
  if (a.cv) cv_impact_part(page, a);
}

void overlap_section(HtmlPage& page, const ReportInputs& in) {
  const Overlap& o = *in.overlap;
  const TraceStore& test = *in.test;
  page.section("overlap", "Test files that are copies of training files");
  page.paragraph(fmt::format(
      "Every file of {} matched against this store: an exact copy has the same API sequence in "
      "every thread (thread ids and order aside); otherwise the most similar file at an "
      "estimated Jaccard similarity of at least {:.2f}. A model is partly scored on its own "
      "training data on such files, and their labels can be read off this store.",
      o.store, o.threshold));
  const uint32_t neither = o.files - o.exact - o.near;
  page.callout(fmt::format("{} of {} test files ({}) have an exact copy here and {} ({}) a near "
                           "copy; {} ({}) have neither.",
                           o.exact, o.files, pct(o.files ? double(o.exact) / o.files : 0), o.near,
                           pct(o.files ? double(o.near) / o.files : 0), neither,
                           pct(o.files ? double(neither) / o.files : 0)),
               o.exact + o.near ? "warn" : "good");
  if (o.labeled_matches > 0)
    page.callout(fmt::format("The test label equals the copy's for {} of {} matched files ({}).",
                             o.agreeing, o.labeled_matches,
                             pct(double(o.agreeing) / o.labeled_matches)));
  page.begin_grid(2);
  nlohmann::json x = nlohmann::json::array(), y = nlohmann::json::array();
  for (size_t c = 0; c < o.copy_labels.size(); ++c)
    x.push_back(c < in.audit.class_names.size() ? in.audit.class_names[c] : std::to_string(c)),
        y.push_back(o.copy_labels[c]);
  page.chart({{"data", {{{"type", "bar"}, {"x", x}, {"y", y}, {"marker", {{"color", colour(1)}}}}}},
              {"layout", chart_layout("Matched test files by the copy's class",
                                      {{"xaxis", {{"type", "category"}}},
                                       {"yaxis", {{"title", {{"text", "test files"}}}}}})}},
             320);
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < o.matches.size() && i < 15; ++i) {
    const OverlapMatch& m = o.matches[i];
    const int32_t l = in.store.label(m.reference);
    rows.push_back({std::string(test.file_id(m.file)), std::string(in.store.file_id(m.reference)),
                    m.exact ? "exact" : fmt::format("{:.2f}", m.similarity),
                    l >= 0 && size_t(l) < in.audit.class_names.size() ? in.audit.class_names[l]
                                                                     : std::to_string(l)});
  }
  page.raw("<div>");
  page.raw(fmt::format("<p class=\"note\">first matches (of {}; all with `malscope audit TEST "
                       "--against TRAIN --matches-out`)</p>",
                       o.matches.size()));
  page.table({"test file", "copy here", "similarity", "copy's class"}, rows);
  page.raw("</div>");
  page.end_grid();
}

}  // namespace malscope::report
