#pragma once
// The flags of a distributed worker (`train --distributed`, `cv --distributed`): where the
// tracker is, this worker's task id, the world size and the timeout; unset ones come from the
// DMLC_* environment. And what every worker does before its command's work: join and read.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "dist/collective.h"
#include "eval/adaptive.h"
#include "eval/cv.h"
#include "store/shard.h"
#include "store/trace_store.h"

namespace malscope::cli {

struct DistArgs {
  bool on = false;      ///< --distributed
  std::string tracker;  ///< --tracker HOST:PORT
  CollectiveConfig cfg;
};

/// Adds --distributed (described by `what`), --tracker, --rank, --world and --timeout to `cmd`.
void add_distributed_options(CLI::App* cmd, DistArgs& a, const std::string& what);

/// The worker's collective config: the flags, then the environment; throws UsageError.
CollectiveConfig resolve(const DistArgs& a);

/// Joins the job; a step that times out prints its message, removes temporary outputs and exits 1.
std::unique_ptr<XgbCollective> join_job(const CollectiveConfig& cfg);

/// A worker that has joined its job, with its shard read.
struct Worker {
  TraceStore store;
  ShardInfo info;
  std::unique_ptr<XgbCollective> collective;
  std::vector<AdaptedDefault> adapted;  ///< the defaults adapted for the whole source store
  Sketches sketches;
  /// "worker 1 of 2: 0.12 MB in malscope's exchanges; TCP in all: ..." (for the log).
  std::string traffic_note() const;
};

/// Opens `shard` (labeled, for `command`), checks `outputs` may be written, joins the job, checks
/// that the workers hold one store's shards, adapts `setup`'s defaults to the source store's size
/// (rank 0 logs them) and reads the sketches.
Worker start_worker(const DistArgs& d, const std::string& shard, const char* command,
                    const std::vector<std::string>& outputs, LearnSetup& setup, const Globals& g);

}  // namespace malscope::cli
