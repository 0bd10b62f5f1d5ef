#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "store/store_info.h"
#include "util/text.h"

namespace malscope::cli {

void add_info(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store;
    bool json = false, check = false;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->store);
  add_json_flag(cmd, a->json);
  cmd->add_flag("--check", a->check,
                "Also decode every column of every chunk and check it against the store's bounds");
  cmd->callback([a, &g] {
    TraceStore store = TraceStore::open(a->store);
    if (a->check) {
      uint64_t rows = check_store(store, g.threads);
      if (!a->json)
        std::printf("check: every column of %u chunks decoded, %llu rows, all within bounds\n",
                    store.num_chunks(), static_cast<unsigned long long>(rows));
    }
    StoreInfo info = describe(store);
    std::string out = a->json ? dump_json(to_json(info)) + "\n" : to_text(info);
    std::fputs(out.c_str(), stdout);
  });
}

}  // namespace malscope::cli
