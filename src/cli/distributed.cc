#include "cli/distributed.h"

#include <fmt/format.h>
#include <charconv>
#include <cstdio>

#include "util/error.h"
#include "util/temp_files.h"

namespace malscope::cli {

void add_distributed_options(CLI::App* cmd, DistArgs& a) {
  auto* on = cmd->add_flag("--distributed", a.on,
                           "Train as one worker of a distributed job on this shard (`malscope "
                           "shard`), with the others through XGBoost's collective; worker 0 "
                           "writes the bundle, the others nothing (docs/distributed.md)");
  cmd->add_option("--tracker", a.tracker,
                  "The job's tracker HOST:PORT (default: DMLC_TRACKER_URI, DMLC_TRACKER_PORT)")
      ->needs(on);
  cmd->add_option("--rank", a.cfg.task,
                  "This worker's task id in [0, world) (default: DMLC_TASK_ID)")
      ->needs(on);
  cmd->add_option("--world", a.cfg.world, "Workers in the job (default: DMLC_NUM_WORKER)")
      ->needs(on);
  cmd->add_option("--timeout", a.cfg.timeout_s,
                  "Seconds one step (joining, an exchange, a boosting round) may wait for the "
                  "other workers before this worker gives up")
      ->default_val(a.cfg.timeout_s)
      ->needs(on);
}

CollectiveConfig resolve(const DistArgs& a) {
  CollectiveConfig c = a.cfg;
  if (!a.tracker.empty()) {
    size_t colon = a.tracker.rfind(':');
    int port = 0;
    if (colon == std::string::npos || colon == 0 ||
        std::from_chars(a.tracker.data() + colon + 1, a.tracker.data() + a.tracker.size(), port)
                .ec != std::errc())
      throw UsageError(fmt::format("--tracker '{}' is not HOST:PORT", a.tracker));
    c.tracker_uri = a.tracker.substr(0, colon);
    c.tracker_port = port;
  }
  c.resolve_from_env();
  return c;
}

std::unique_ptr<XgbCollective> join_job(const CollectiveConfig& cfg) {
  return std::make_unique<XgbCollective>(cfg, [](const std::string& msg) {
    remove_registered_temps();
    std::fprintf(stderr, "malscope: %s\n", msg.c_str());
    std::fflush(stderr);
  });
}

}  // namespace malscope::cli
