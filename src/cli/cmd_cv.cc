#include <fmt/format.h>
#include <cstdio>

#include "cli/commands.h"
#include "cli/learn_options.h"
#include "eval/cv.h"
#include "eval/folds.h"
#include "store/trace_store.h"
#include "util/error.h"
#include "util/fs.h"

namespace malscope::cli {

void register_cv(CLI::App& app, Globals& g) {
  struct Args {
    std::string store, groups, json_out, oof_out, bundle_out;
    int folds = 5;
    LearnArgs learn;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "cv",
      "Stratified k-fold cross-validation: features fitted per fold, models blended on "
      "out-of-fold predictions; prints logloss (plain and Tianchi), accuracy, macro-F1, "
      "per class, class-0-vs-k and the confusion matrix");
  cmd->add_option("store", a->store, "Labeled trace store")->required();
  cmd->add_option("--folds", a->folds, "Number of folds")
      ->default_val(5)
      ->check(CLI::Range(2, 100));
  cmd->add_option("--groups", a->groups,
                  "CSV file_id,group (e.g. from `malscope audit --groups-out`): files of one "
                  "group stay in one fold")
      ->check(CLI::ExistingFile);
  cmd->add_option("--json-out", a->json_out, "Write the CV results JSON here");
  cmd->add_option("--oof-out", a->oof_out,
                  "Write the out-of-fold predictions CSV here (file_id,label,fold,prob0..)");
  cmd->add_option("--bundle-out", a->bundle_out,
                  "Also write the fold models as one bagged model bundle (as `train --bag`)");
  add_learn_options(cmd, a->learn);
  cmd->callback([a, &g] {
    ensure_passive_openmp();
    LearnSetup setup = make_setup(a->learn, g);
    TraceStore store = open_training_store(a->store, "cv");
    CvOptions opt;
    opt.folds = a->folds;
    opt.keep_members = !a->bundle_out.empty();
    if (!a->groups.empty()) {
      size_t unknown = 0;
      opt.groups = read_groups(a->groups, store, &unknown);
      if (unknown && !a->learn.quiet)
        std::fprintf(stderr, "%s: %zu file_ids not in the store were ignored\n", a->groups.c_str(),
                     unknown);
    }
    Sketches s = read_sketches(store, feature_config(setup.params), setup.threads, a->learn.quiet);
    CvResult r = cross_validate(s, setup, opt, stderr_log(a->learn.quiet));
    std::fputs(cv_text(r).c_str(), stdout);
    if (!a->oof_out.empty()) write_oof_csv(a->oof_out, s, r);
    if (!a->bundle_out.empty()) {
      std::string name = a->store.substr(a->store.find_last_of('/') + 1);
      Bundle b = bagged_bundle(r, setup, name);
      b.info["api_names"] = std::string(api_naming_name(store.api_naming()));  // predict's view
      write_file_atomic(a->bundle_out, save_bundle(b));
    }
    if (!a->json_out.empty())
      write_file_atomic(a->json_out, cv_json(r, setup, a->store, a->oof_out).dump(2) + "\n");
  });
}

}  // namespace malscope::cli
