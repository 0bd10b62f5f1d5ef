#pragma once
// The flags of a distributed worker (`train --distributed`): where the tracker is, this worker's
// task id, the world size and the timeout; unset ones come from the DMLC_* environment.
#include <CLI/CLI.hpp>
#include <string>

#include "cli/commands.h"
#include "dist/collective.h"

namespace malscope::cli {

struct DistArgs {
  bool on = false;      ///< --distributed
  std::string tracker;  ///< --tracker HOST:PORT
  CollectiveConfig cfg;
};

/// Adds --distributed, --tracker, --rank, --world and --timeout to `cmd`.
void add_distributed_options(CLI::App* cmd, DistArgs& a);

/// The worker's collective config: the flags, then the environment; throws UsageError.
CollectiveConfig resolve(const DistArgs& a);

/// Joins the job; a step that times out prints its message, removes temporary outputs and exits 1.
std::unique_ptr<XgbCollective> join_job(const CollectiveConfig& cfg);

}  // namespace malscope::cli
