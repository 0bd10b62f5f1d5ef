#include <fmt/format.h>
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/learn_options.h"
#include "eval/attack.h"
#include "store/trace_store.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/output.h"
#include "util/random.h"
#include "util/text.h"
#include "util/thread_pool.h"

namespace malscope::cli {

void add_attack(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string model, store, donors, output;
    uint64_t seed = kDefaultSeed;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("model", a->model, "Model bundle from `malscope train`")
      ->required()
      ->check(existing_input());
  add_store_arg(cmd, a->store, "Labelled trace store whose malware files are attacked");
  cmd->add_option("--donors", a->donors,
                  "Store whose files lend their calls (default: the store's class-0 files)")
      ->check(existing_input());
  cmd->add_option("--seed", a->seed, "Seed of the donor choices, positions and windows");
  add_json_flag(cmd, a->json);
  cmd->add_option("-o,--output", a->output,
                  "Also write the results JSON here (for `report --attack`)");
  cmd->callback([a, &g] {
    ensure_passive_openmp();
    const int threads = default_threads(g.threads);
    std::vector<std::string> inputs = {a->model, a->store};
    if (!a->donors.empty()) inputs.push_back(a->donors);
    if (!a->output.empty()) check_not_input(a->output, inputs);
    Bundle b = load_bundle(read_file(a->model), a->model, {0, threads});
    // Read as predict reads: with the API names the model was trained on.
    const ApiNaming names =
        parse_api_naming(b.info.value("api_names", "as-is"), a->model + ": api_names");
    TraceStore store = TraceStore::open(a->store, names);
    if (!store.labeled())
      throw UsageError(fmt::format("{} has no labels: attack needs to know the malware", a->store));
    std::optional<TraceStore> donors;
    if (!a->donors.empty()) donors.emplace(TraceStore::open(a->donors, names));
    AttackOptions opt;
    opt.seed = a->seed;
    opt.threads = threads;
    AttackResult r = run_attack(b, store, donors ? &*donors : nullptr, opt);
    r.model = a->model;
    const std::string json = dump_json(r.to_json()) + "\n";
    std::fputs(a->json ? json.c_str() : r.text().c_str(), stdout);
    if (!a->output.empty()) write_output(a->output, json);
  });
}

}  // namespace malscope::cli
