#pragma once
// Cross-validation across the workers of a distributed job, each holding one shard: the folds
// are assigned over the source store's files (every worker computes the same assignment from
// every worker's labels), and per fold the pipeline is fitted on every worker's training rows
// (FeaturePipeline::fit_global), xgb trains through XGBoost's collective and predicts each
// worker's held-out rows, and the linear model is fitted by worker 0 on the gathered rows. Worker
// 0 merges the out-of-fold predictions as cross_validate() does (merge_cv): the same blend
// choice, metrics and summary as one process on the source store.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "eval/cv.h"
#include "util/collective.h"

namespace malscope {

/// What worker 0 gets: the CV result (its rows are positions in the source store) and each
/// row's file_id.
struct DistributedCv {
  CvResult result;
  std::vector<std::string> file_ids;  ///< per result row
};

/// k-fold CV of `setup` over every worker's sketches `s` (`source_rows`: each row's position in
/// the source store). With group_copies, exact copies of a trace share a fold, across workers
/// too (as CvOptions::group_copies). Every worker calls it; worker 0 gets the result, the others
/// nullopt.
std::optional<DistributedCv> cross_validate_distributed(const Sketches& s,
                                                        std::span<const uint32_t> source_rows,
                                                        const LearnSetup& setup, int folds,
                                                        bool group_copies, Collective& c,
                                                        const LogFn& log = {});

}  // namespace malscope
