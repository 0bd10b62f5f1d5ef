#pragma once
// The data-quality audit: repeated runs (exact and near-duplicate clusters), label conflicts
// inside them, leakage through file_id order, and what duplicates do to a k-fold CV score. The
// clusters double as CV groups (`--groups-out`, read by `malscope cv --groups`).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/corpus_scan.h"
#include "analysis/cv_impact.h"
#include "analysis/duplicates.h"
#include "analysis/id_leakage.h"
#include "util/param_table.h"

namespace malscope {

struct AuditOptions {
  DuplicateOptions duplicates;
  IdLeakOptions id_leak;
  CvImpactOptions cv;
  size_t top = 10;                       ///< clusters listed in each table
  std::vector<std::string> class_names;  ///< one per class, or empty for the defaults
};

/// One cluster as the audit lists it.
struct ClusterSummary {
  uint32_t id = 0;
  uint32_t files = 0;
  uint32_t exact_groups = 0;          ///< distinct exact traces in the cluster
  std::vector<uint32_t> classes;      ///< files per class (unlabeled files not counted)
  std::vector<std::string> examples;  ///< file_ids of its first files in store order
};

struct DuplicateFindings {
  uint32_t exact_groups = 0, exact_files = 0;  ///< exact groups of 2+ files, files in them
  uint32_t clusters = 0, cluster_files = 0;    ///< clusters of 2+ files, files in them
  uint32_t near_clusters = 0;                  ///< of those, clusters of 2+ distinct traces
  uint32_t exact_conflicts = 0, exact_conflict_files = 0;        ///< exact groups with 2+ labels
  uint32_t cluster_conflicts = 0, cluster_conflict_files = 0;    ///< clusters with 2+ labels
  std::vector<std::pair<std::string, uint32_t>> size_histogram;  ///< clusters by size range
  std::vector<ClusterSummary> largest;                           ///< largest clusters
  std::vector<ClusterSummary> conflicts;  ///< largest clusters with conflicting labels
};

struct Audit {
  std::string store;
  uint32_t files = 0;
  int num_classes = 0;  ///< 0 for an unlabeled store
  std::vector<std::string> class_names;
  MinHashOptions minhash;
  DuplicateOptions duplicate_options;
  DuplicateClusters clusters;
  DuplicateFindings duplicates;
  std::optional<IdLeakage> id_leak;  ///< labeled stores only
  IdLeakOptions id_leak_options;
  std::optional<CvImpact> cv;  ///< labeled stores only
  CvImpactOptions cv_options;
  double scan_seconds = 0, seconds = 0;
};

/// The audit's own flags bound to AuditOptions: --top (its parts' flags: duplicate_params(),
/// id_leak_params()).
const ParamTable<AuditOptions>& audit_params();
/// Runs the audit on a scan made with fingerprints.
Audit run_audit(const TraceStore& store, const CorpusScan& scan, const AuditOptions& options);
/// Everything, for machines.
nlohmann::json to_json(const Audit& audit);
/// The tables `malscope audit` prints.
std::string to_text(const Audit& audit);
/// The CV groups (contract: header `file_id,group`, one row per file, group = cluster id).
std::string groups_csv(const TraceStore& store, const Audit& audit);

}  // namespace malscope
