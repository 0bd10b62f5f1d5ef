#include <cstdio>

#include "analysis/class_probs.h"
#include "analysis/profile.h"
#include "cli/analysis_flags.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "util/text.h"

namespace malscope::cli {

void add_profile(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, class_names;
    ProfileOptions opt;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->store);
  add_json_flag(cmd, a->json);  // every API's share, every trait's p10/p50/p90
  add_param_options(cmd, profile_params(), a->opt);
  add_class_names_option(cmd, a->class_names);
  cmd->callback([a, &g] {
    TraceStore store = TraceStore::open(a->store);
    a->opt.class_names = class_names_for(store, a->class_names);
    ScanOptions scan;
    scan.progress = g.progress();
    scan.fingerprints = false;
    CorpusScan s = scan_corpus(store, family_map(store), scan, g.threads);
    Profile p = build_profile(store, s, a->opt);
    std::string out = a->json ? dump_json(to_json(p)) + "\n" : to_text(p);
    std::fputs(out.c_str(), stdout);
  });
}

}  // namespace malscope::cli
