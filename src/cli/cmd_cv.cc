#include <fmt/format.h>
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/distributed.h"
#include "cli/learn_options.h"
#include "dist/cv.h"
#include "eval/adaptive.h"
#include "eval/cv.h"
#include "eval/folds.h"
#include "eval/harden.h"
#include "store/trace_store.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/output.h"
#include "util/text.h"

namespace malscope::cli {

namespace {

// What cv prints and writes of a result: the text or JSON on stdout, --oof-out and --json-out.
void show_cv(CvResult& r, const TraceStore& store, const std::string& store_arg,
             std::span<const std::string> ids, const LearnSetup& setup, bool json,
             const std::string& oof_out, const std::string& json_out) {
  r.metrics.class_names = store.class_names();
  CvSummary summary = summarize(r, setup, store_arg, oof_out);
  std::fputs(json ? (dump_json(summary.to_json()) + "\n").c_str() : cv_text(r).c_str(), stdout);
  if (!oof_out.empty()) write_oof_csv(oof_out, ids, r);
  if (!json_out.empty()) write_output(json_out, dump_json(summary.to_json()) + "\n");
}

}  // namespace

void add_cv(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, json_out, oof_out, bundle_out;
    GroupArgs groups;
    int folds = 5;
    bool json = false, harden = false;
    uint32_t harden_copies = 1;
    float harden_weight = 1;
    LearnArgs learn;
    DistArgs dist;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->store, "Labeled trace store");
  add_folds_option(cmd, a->folds, "Number of folds");
  add_groups_option(cmd, a->groups);
  add_json_flag(cmd, a->json);
  cmd->add_option("--json-out", a->json_out,
                  "Write the CV results JSON here (for `train --cv` and `report --cv`)");
  cmd->add_option("--oof-out", a->oof_out,
                  "Write the out-of-fold predictions CSV here (file_id,label,fold,prob0..)");
  cmd->add_option("--bundle-out", a->bundle_out,
                  "Also write the fold models as one bagged model bundle (as `train --bag`)");
  add_harden_flags(cmd, a->harden, a->harden_copies, a->harden_weight);
  add_learn_options(cmd, a->learn);
  add_distributed_options(cmd, a->dist,
                          "Cross-validate as one worker of a distributed job on this shard "
                          "(`malscope shard`): the folds of the source store, each trained with "
                          "the other workers through XGBoost's collective; worker 0 prints and "
                          "writes the results, the others nothing");
  cmd->callback([a, &g] {
    ensure_passive_openmp();
    LearnSetup setup = make_setup(a->learn, g);
    if (a->dist.on) {
      if (a->harden || !a->groups.path.empty() || !a->bundle_out.empty())
        throw UsageError("--distributed takes neither --harden, --groups nor --bundle-out");
      Worker w = start_worker(a->dist, a->store, "cv", {a->json_out, a->oof_out}, setup, g);
      auto r = cross_validate_distributed(w.sketches, w.info.source_rows, setup, a->folds,
                                          !a->groups.split_copies, *w.collective, g.log());
      if (const LogFn log = g.log()) log(w.traffic_note());
      if (r)  // worker 0
        show_cv(r->result, w.store, "shards of " + w.info.source_id, r->file_ids, setup, a->json,
                a->oof_out, a->json_out);
      return;
    }
    TraceStore store = open_training_store(a->store, "cv");
    CvOptions opt;
    opt.folds = a->folds;
    opt.keep_members = !a->bundle_out.empty();
    set_fold_groups(opt, a->groups, a->harden, store, setup.threads, g.log());
    HardenOptions hopt{a->harden_copies, a->folds, setup.seed, opt.groups, a->harden_weight};
    std::optional<Hardened> h;
    if (a->harden) h = harden_store(store, setup, hopt, g.log());
    Sketches s = h ? std::move(h->sketches)
                   : read_sketches(store, feature_config(setup.params), setup.threads, g.quiet);
    if (h) opt.augmented = h->augmented;
    const auto adapted = adapt_defaults(s, setup);
    if (const LogFn log = g.log()) log(adapted_text(adapted));
    CvResult r = cross_validate(s, setup, opt, g.log());
    if (!a->bundle_out.empty()) {
      std::string name = a->store.substr(a->store.find_last_of('/') + 1);
      Bundle b = bagged_bundle(r, setup, name);
      b.info["class_names"] = store.class_names();
      b.info["adapted"] = adapted_json(adapted);
      b.info["api_names"] = std::string(api_naming_name(store.api_naming()));  // predict's view
      if (h) b.info["harden"] = harden_info(*h, hopt);
      write_output(a->bundle_out, save_bundle(b));
    }
    show_cv(r, store, a->store, s.file_ids(), setup, a->json, a->oof_out, a->json_out);
  });
}

}  // namespace malscope::cli
