#include "cli/distributed.h"

#include <fmt/format.h>
#include <charconv>
#include <cstdio>

#include "cli/learn_options.h"
#include "dist/train.h"
#include "util/error.h"
#include "util/output.h"
#include "util/temp_files.h"

namespace malscope::cli {

void add_distributed_options(CLI::App* cmd, DistArgs& a, const std::string& what) {
  auto* on = cmd->add_flag("--distributed", a.on, what + " (docs/distributed.md)");
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

std::string Worker::traffic_note() const {
  const XgbCollective::SocketBytes b = XgbCollective::socket_bytes();
  return fmt::format(
      "worker {} of {}: {:.2f} MB in malscope's exchanges; TCP in all: {:.2f} MB sent, {:.2f} MB "
      "received",
      collective->rank(), collective->world(), collective->payload_bytes() / 1e6, b.sent / 1e6,
      b.received / 1e6);
}

namespace {

// The source store's shape, as a single process sees it before its vocabulary: its file count
// and files per class, summed over the workers' shards (the n-grams are counted later, from every
// shard's sketches, so the n-gram line of the adapted defaults is left out).
DataShape source_shape(const TraceStore& store, const ShardInfo& info, Collective& c) {
  std::vector<float> classes{float(store.num_classes())};
  c.max(classes);
  std::vector<int64_t> n(static_cast<size_t>(classes[0]), 0);
  for (uint32_t f = 0; f < store.num_files(); ++f)
    if (const int32_t y = store.label(f); y >= 0 && size_t(y) < n.size()) ++n[size_t(y)];
  c.sum(n);
  DataShape d;
  d.files = info.source_files;
  d.class_files.assign(n.begin(), n.end());
  return d;
}

}  // namespace

Worker start_worker(const DistArgs& d, const std::string& shard, const char* command,
                    const std::vector<std::string>& outputs, LearnSetup& setup, const Globals& g) {
  CollectiveConfig cfg = resolve(d);
  TraceStore store = open_training_store(shard, command);
  ShardInfo info = ShardInfo::of_store(store);
  for (const std::string& o : outputs)
    if (!o.empty()) check_output_file(o);
  auto c = join_job(cfg);
  check_job_shards(info, *c);
  // The defaults a single process would adapt for the whole source store (check_job_shards has
  // checked that every worker holds a shard of the same one).
  auto adapted = adapt_defaults(source_shape(store, info, *c), setup);
  if (const LogFn log = g.log(); log && c->rank() == 0) log(adapted_text(adapted));
  Sketches s = read_sketches(store, feature_config(setup.params), setup.threads, g.quiet);
  return Worker{std::move(store), std::move(info), std::move(c), std::move(adapted), std::move(s)};
}

}  // namespace malscope::cli
