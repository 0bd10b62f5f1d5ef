#include <fmt/format.h>
#include <cstdio>

#include "cli/commands.h"
#include "cli/learn_options.h"
#include "eval/folds.h"
#include "eval/train.h"
#include "store/trace_store.h"
#include "util/error.h"
#include "util/fs.h"

namespace malscope::cli {

namespace {

std::vector<double> normalized_weights(std::vector<double> w, size_t models) {
  if (w.size() != models)
    throw UsageError(fmt::format("--weights gives {} weights for {} models", w.size(), models));
  double sum = 0;
  for (double x : w) {
    if (x < 0) throw UsageError("--weights must not be negative");
    sum += x;
  }
  if (sum <= 0) throw UsageError("--weights sum to 0");
  for (double& x : w) x /= sum;
  return w;
}

void write_bundle(const std::string& path, const Bundle& b, bool quiet, double cv_logloss) {
  std::string bytes = save_bundle(b);
  write_file_atomic(path, bytes);
  if (quiet) return;
  std::string how = b.members.size() > 1 ? fmt::format("{} fold members, CV logloss {:.5f}",
                                                       b.members.size(), cv_logloss)
                                         : std::string("fitted on all files");
  std::printf("%s\n", fmt::format("wrote {} ({} bytes): {} classes, models {}, weights {}; {}",
                                  path, bytes.size(), b.classes, fmt::join(b.model_names, ","),
                                  fmt::join(b.weights, ","), how)
                          .c_str());
}

}  // namespace

void register_train(CLI::App& app, Globals& g) {
  struct Args {
    std::string store, output, cv, groups;
    std::vector<double> weights;
    int folds = 5;
    bool bag = false;
    LearnArgs learn;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "train",
      "Fit the feature pipeline and models on a labeled store and write one model "
      "bundle for `predict`");
  cmd->add_option("store", a->store, "Labeled trace store")->required();
  cmd->add_option("-o,--output", a->output, "Model bundle to write")->required();
  auto* cv_opt = cmd->add_option("--cv", a->cv,
                                 "Take the blend weights from this CV results JSON (`malscope cv "
                                 "--json-out`) instead of running CV again")
                     ->check(CLI::ExistingFile);
  cmd->add_option("--weights", a->weights,
                  "Blend weights, one per model (with several models and neither --cv nor "
                  "--weights, k-fold CV chooses them first)")
      ->delimiter(',')
      ->excludes(cv_opt);
  cmd->add_option("--folds", a->folds, "Folds of the CV that chooses blend weights")
      ->default_val(5)
      ->check(CLI::Range(2, 100));
  cmd->add_flag("--bag", a->bag,
                "Keep the k fold models of one CV run and average them (bagging; the CV also "
                "chooses the blend weights) instead of fitting once on all files")
      ->excludes(cv_opt);
  cmd->add_option("--groups", a->groups,
                  "CSV file_id,group for the CV of --bag or of the blend weights: files of one "
                  "group stay in one fold")
      ->check(CLI::ExistingFile);
  add_learn_options(cmd, a->learn);
  cmd->callback([a, &g] {
    ensure_passive_openmp();
    LearnSetup setup = make_setup(a->learn, g);
    TraceStore store = open_training_store(a->store, "train");
    Sketches s = read_sketches(store, feature_config(setup.params), setup.threads, a->learn.quiet);
    std::vector<double> w = a->weights;
    CvOptions opt;
    opt.folds = a->folds;
    if (!a->groups.empty()) opt.groups = read_groups(a->groups, store);
    const std::string name = a->store.substr(a->store.find_last_of('/') + 1);
    if (a->bag) {
      opt.keep_members = true;
      CvResult r = cross_validate(s, setup, opt, stderr_log(a->learn.quiet));
      if (!w.empty()) r.weights = normalized_weights(w, setup.models.size());
      Bundle b = bagged_bundle(r, setup, name);
      b.info["api_names"] = std::string(api_naming_name(store.api_naming()));  // predict's view
      write_bundle(a->output, b, a->learn.quiet, r.metrics.logloss);
      return;
    }
    if (!a->cv.empty()) {
      w = weights_from_cv_json(nlohmann::json::parse(read_file(a->cv), nullptr, false), setup,
                               a->cv);
    } else if (w.empty() && setup.models.size() == 1) {
      w = {1.0};
    } else if (w.empty()) {
      CvResult r = cross_validate(s, setup, opt, stderr_log(a->learn.quiet));
      w = r.weights;
      if (!a->learn.quiet)
        std::fprintf(stderr, "%s\n",
                     fmt::format("blend weights from {}-fold CV: {} (logloss {:.5f})", a->folds,
                                 fmt::join(w, ", "), r.metrics.logloss)
                         .c_str());
    }
    w = normalized_weights(w, setup.models.size());
    Bundle b = train_bundle(s, setup, w, name, stderr_log(a->learn.quiet));
    b.info["api_names"] = std::string(api_naming_name(store.api_naming()));  // predict's view
    write_bundle(a->output, b, a->learn.quiet, -1);
  });
}

}  // namespace malscope::cli
