#pragma once
// Training the bundle across the workers of a distributed job, each holding one shard: the
// feature pipeline is fitted on every worker's rows together (FeaturePipeline::fit_global), xgb
// trains through XGBoost's collective, and the linear model, which liblinear fits in one
// process, is fitted by worker 0 on every worker's rows gathered in source-store order. The
// bundle is an ordinary one; only worker 0 gets it.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "eval/cv.h"
#include "models/bundle.h"
#include "store/shard.h"
#include "util/collective.h"

namespace malscope {

/// Checks through `c` that the workers hold shards 0..N-1 of one store, one each; throws Error
/// naming what differs (every worker throws the same).
void check_job_shards(const ShardInfo& mine, Collective& c);

/// Every worker's rows of `x` in one matrix on every worker, ordered by source position (x.files
/// become source positions): the matrix one process builds from the source store.
FeatureMatrix gather_matrix(const FeatureMatrix& x, std::span<const uint32_t> source_rows,
                            Collective& c);

/// train_bundle() over every worker's shard: `s` holds this worker's sketches, `source_rows` each
/// row's position in the source store. Every worker calls it; worker 0 gets the bundle, the
/// others nullopt. `weights` (one per model) are the blend weights.
std::optional<Bundle> train_distributed(const Sketches& s, std::span<const uint32_t> source_rows,
                                        const LearnSetup& setup, std::vector<double> weights,
                                        const std::string& store, Collective& c,
                                        const LogFn& log = {});

}  // namespace malscope
