#pragma once
// `malscope report`: one self-contained HTML file with the dataset overview, class pies,
// distinctive APIs, thread traits, example 2-D/3-D plots per class, the audit's findings and,
// given CV results, the confusion matrix, per-class and class-0-vs-k logloss and feature
// importance; given a test store, its files that are copies of this store's. Same inputs, same
// bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/audit.h"
#include "analysis/overlap.h"
#include "analysis/profile.h"
#include "eval/attack.h"
#include "eval/cv_summary.h"
#include "features/thread_traits.h"
#include "store/trace_store.h"
#include "util/param_table.h"

namespace malscope {

struct ReportOptions {
  uint32_t example_points = 3000;  ///< points per example plot (SVG stays quick below ~5,000)
  size_t pie_apis = 10;            ///< APIs per pie; the rest is "other"
  size_t distinctive = 10;         ///< rows per over-/under-represented table
};

/// The flags bound to ReportOptions: --example-points (report).
const ParamTable<ReportOptions>& report_params();

/// What a report is made of; `cv`, `test`, `overlap` and `attack` may be null (`test` and
/// `overlap` together: a test store matched against this one, see `report --test`).
struct ReportInputs {
  const TraceStore& store;
  const FamilyMap& families;
  const Profile& profile;
  const Audit& audit;
  const CvSummary* cv = nullptr;
  const TraceStore* test = nullptr;
  const Overlap* overlap = nullptr;
  const AttackResult* attack = nullptr;  ///< `attack --json` results, or null
};

/// The example file of each class of the profile: the one whose call count is nearest the
/// class median (ties: first in store order); -1 for a class without files.
std::vector<int64_t> example_files(const TraceStore& store, const Profile& profile);

/// The whole HTML document.
std::string report_html(const ReportInputs& inputs, const ReportOptions& options);

}  // namespace malscope
