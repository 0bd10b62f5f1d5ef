#include <fmt/format.h>
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/distributed.h"
#include "cli/learn_options.h"
#include "dist/train.h"
#include "eval/adaptive.h"
#include "eval/cv_summary.h"
#include "eval/folds.h"
#include "eval/harden.h"
#include "eval/metrics.h"
#include "eval/train.h"
#include "store/trace_store.h"
#include "util/fs.h"
#include "util/output.h"

namespace malscope::cli {

namespace {

void write_bundle(const std::string& path, const Bundle& b, bool quiet, double cv_logloss) {
  std::string bytes = save_bundle(b);
  write_output(path, bytes);
  if (quiet) return;
  std::string how = b.members.size() > 1 ? fmt::format("{} fold members, CV logloss {:.5f}",
                                                       b.members.size(), cv_logloss)
                                         : std::string("fitted on all files");
  std::string combine = !b.stack.empty()       ? "; stacked"
                        : b.temperature != 1.0 ? fmt::format("; temperature {:.3f}", b.temperature)
                                               : "";
  std::printf("%s\n", fmt::format("wrote {} ({} bytes): {} classes, models {}, weights {}{}; {}",
                                  path, bytes.size(), b.classes, fmt::join(b.model_names, ","),
                                  fmt::join(b.weights, ","), combine, how)
                          .c_str());
}

// One worker of `train --distributed`: its shard's sketches, the pipeline and models fitted with
// the other workers; worker 0 writes the bundle.
void train_worker(const DistArgs& d, const std::string& shard, const std::string& output,
                  LearnSetup setup, std::vector<double> weights, const Globals& g) {
  Worker w = start_worker(d, shard, "train", {output}, setup, g);
  const LogFn log = g.log();
  std::optional<Bundle> b =
      train_distributed(w.sketches, w.info.source_rows, setup, std::move(weights),
                        "shards of " + w.info.source_id, *w.collective, log);
  if (log) log(w.traffic_note());
  if (!b) return;  // not worker 0: nothing to write
  b->info["class_names"] = w.store.class_names();
  b->info["adapted"] = adapted_json(w.adapted);
  b->info["api_names"] = std::string(api_naming_name(w.store.api_naming()));
  write_bundle(output, *b, g.quiet, -1);
}

}  // namespace

void add_train(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, output, cv;
    GroupArgs groups;
    std::vector<double> weights;
    int folds = 5;
    bool bag = false, no_bag = false, harden = false;
    uint32_t harden_copies = 1;
    float harden_weight = 1;
    LearnArgs learn;
    DistArgs dist;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->store, "Labeled trace store");
  add_output_option(cmd, a->output, "Model bundle to write");
  auto* cv_opt = cmd->add_option("--cv", a->cv,
                                 "Take the blend weights from this CV results JSON (`malscope cv "
                                 "--json-out`) instead of running CV again")
                     ->check(existing_input());
  cmd->add_option("--weights", a->weights,
                  "Blend weights, one per model (with several models and neither --cv nor "
                  "--weights, k-fold CV chooses them first)")
      ->delimiter(',')
      ->excludes(cv_opt);
  add_folds_option(cmd, a->folds, "Folds of the CV that chooses blend weights (or --bag's)");
  auto* bag = cmd->add_flag("--bag", a->bag,
                            "Keep the k fold models of one CV run and average them (bagging; the "
                            "CV also chooses the blend weights) instead of fitting once on all "
                            "files. Neither --bag nor --no-bag: the CV decides (bagging where "
                            "its logloss is above half a uniform guess's, ln(classes): weak models "
                            "gain from the average)")
                  ->excludes(cv_opt);
  cmd->add_flag("--no-bag", a->no_bag, "Fit once on all files, whatever the CV's logloss")
      ->excludes(bag);
  add_groups_option(cmd, a->groups);
  add_harden_flags(cmd, a->harden, a->harden_copies, a->harden_weight);
  add_learn_options(cmd, a->learn);
  add_distributed_options(cmd, a->dist,
                          "Train as one worker of a distributed job on this shard (`malscope "
                          "shard`), with the others through XGBoost's collective; worker 0 "
                          "writes the bundle, the others nothing");
  cmd->callback([a, &g] {
    ensure_passive_openmp();
    LearnSetup setup = make_setup(a->learn, g);
    if (a->dist.on) {
      // Choosing blend weights by CV, bagging, hardening and groups would need CV across workers.
      if (a->bag || a->harden || !a->groups.path.empty())
        throw UsageError("--distributed takes neither --bag, --harden nor --groups");
      std::vector<double> w;
      if (!a->cv.empty())
        w = blend_weights(CvSummary::load(a->cv), setup, a->cv);
      else if (!a->weights.empty())
        w = a->weights;
      else if (setup.models.size() == 1)
        w = {1.0};
      else
        throw UsageError(
            "--distributed with several models needs their blend weights (--weights or --cv)");
      train_worker(a->dist, a->store, a->output, setup,
                   normalized_weights(std::move(w), setup.models.size()), g);
      return;
    }
    TraceStore store = open_training_store(a->store, "train");
    const LogFn log = g.log();
    WeightSource from{a->weights, a->cv, {}, {}};
    if (a->bag || a->no_bag) from.bag = a->bag;
    from.cv.folds = a->folds;
    set_fold_groups(from.cv, a->groups, a->harden, store, setup.threads, log);
    HardenOptions hopt{a->harden_copies, a->folds, setup.seed, from.cv.groups, a->harden_weight};
    std::optional<Hardened> h;
    if (a->harden) h = harden_store(store, setup, hopt, log);
    Sketches s = h ? std::move(h->sketches)
                   : read_sketches(store, feature_config(setup.params), setup.threads, g.quiet);
    if (h) from.cv.augmented = h->augmented;
    const auto adapted = adapt_defaults(s, setup);
    if (log) log(adapted_text(adapted));
    WeightChoice w = choose_weights(s, setup, from, log);
    const std::string name = a->store.substr(a->store.find_last_of('/') + 1);
    Bundle b = make_bundle(s, setup, w, name, log);
    b.info["class_names"] = store.class_names();
    b.info["adapted"] = adapted_json(adapted);
    b.info["api_names"] = std::string(api_naming_name(store.api_naming()));  // predict's view
    // The CV figures, as bagged bundles carry them (what `serve` shows at GET /v1/model).
    if (w.cv && !b.info.contains("cv")) b.info["cv"] = overall_json(w.cv->metrics);
    if (!w.bag_why.empty()) b.info["bagging"] = {{"bag", w.bag}, {"why", w.bag_why}};
    if (h) b.info["harden"] = harden_info(*h, hopt);
    write_bundle(a->output, b, g.quiet, w.cv ? w.cv->metrics.logloss : -1);
  });
}

}  // namespace malscope::cli
