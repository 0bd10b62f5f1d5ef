#include <cstdio>

#include "cli/commands.h"
#include "store/store_info.h"

namespace malscope::cli {

void register_info(CLI::App& app, Globals&) {
  struct Args {
    std::string store;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "info", "Files, rows, classes, APIs, threads and calls-per-file of a store");
  cmd->add_option("store", a->store, "Trace store")->required();
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a] {
    StoreInfo info = describe(TraceStore::open(a->store));
    std::string out = a->json ? to_json(info).dump(2) + "\n" : to_text(info);
    std::fputs(out.c_str(), stdout);
  });
}

}  // namespace malscope::cli
