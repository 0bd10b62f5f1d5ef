#include <fmt/format.h>
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "store/shard.h"

namespace malscope::cli {

void add_shard(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, output;
    uint32_t n = 2;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->store, "Trace store to split");
  cmd->add_option("-n,--shards", a->n, "Number of shards (one per worker)")->default_val(2);
  cmd->add_option("-o,--output", a->output,
                  "Folder to write (shard-000.store, ..., shards.json); written as a whole")
      ->required();
  cmd->callback([a, &g] {
    TraceStore store = TraceStore::open(a->store);
    nlohmann::json m = write_shards(store, a->n, a->output, g.threads);
    if (g.quiet) return;
    for (const auto& s : m["stores"])
      std::printf("%s\n",
                  fmt::format("{}/{}: {} files, {} rows", a->output, s["path"].get<std::string>(),
                              s["files"].get<uint32_t>(), s["rows"].get<uint64_t>())
                      .c_str());
  });
}

}  // namespace malscope::cli
