#include <fmt/format.h>
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/learn_options.h"
#include "eval/folds.h"
#include "eval/tune.h"
#include "models/params.h"
#include "store/trace_store.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/output.h"
#include "util/text.h"

namespace malscope::cli {

void add_tune(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, space, best_out;
    GroupArgs groups;
    int folds = 5;
    size_t samples = 0;
    bool list = false, markdown = false;
    LearnArgs learn;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("store", a->store, "Labeled trace store");
  cmd->add_option("--space", a->space,
                  "Parameters and values to search, e.g. "
                  "'xgb.max_depth=4,6,8;xgb.eta=0.05,0.1;features.ngram_max=2,3'");
  cmd->add_option("--random", a->samples,
                  "Try this many grid points, drawn with the seed, instead of every point");
  add_folds_option(cmd, a->folds, "Folds per trial");
  add_groups_option(cmd, a->groups);
  cmd->add_option("--best-out", a->best_out,
                  "Write the best parameters as JSON (read by cv/train --config)");
  cmd->add_flag("--list-params", a->list, "Print the parameter table and exit");
  cmd->add_flag("--markdown", a->markdown, "With --list-params: as a Markdown table");
  add_learn_options(cmd, a->learn);
  cmd->callback([a, &g] {
    if (a->list) {
      if (a->markdown) {
        std::fputs(param_table_markdown().c_str(), stdout);
      } else {
        for (const ParamSpec& s : param_table())
          std::printf("%s\n", fmt::format("{:<28} {:<8} {}", s.name, s.def, s.help).c_str());
      }
      return;
    }
    if (a->store.empty() || a->space.empty())
      throw UsageError("tune needs a STORE and --space (or --list-params)");
    auto space = parse_space(a->space);
    ensure_passive_openmp();
    LearnSetup base = make_setup(a->learn, g);
    TraceStore store = open_training_store(a->store, "tune");
    CvOptions opt;
    opt.folds = a->folds;
    set_fold_groups(opt, a->groups, false, store, base.threads, g.log());
    auto points = space_points(space, a->samples, base.seed);
    auto ranked = tune(store, base, points, opt, g.log());
    std::fputs(tune_text(ranked, base.models).c_str(), stdout);
    if (!a->best_out.empty()) {
      nlohmann::json best = {{"models", base.models},
                             {"params", ranked.front().params.to_json()},
                             {"cv", overall_json(ranked.front().metrics)},
                             {"folds", a->folds},
                             {"seed", base.seed}};
      write_output(a->best_out, dump_json(best) + "\n");
    }
  });
}

}  // namespace malscope::cli
