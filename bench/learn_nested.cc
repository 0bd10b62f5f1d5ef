// Nested cross-validation of how the deployed bundle is built, using training data only: for each
// outer fold, an inner k-fold CV on the outer-training files chooses blend weights, then
//   single  one pipeline + models fitted on all outer-training files (`malscope train`)
//   bagged  the inner CV's k fold models averaged (`malscope train --bag`)
// each combined as the inner CV chose (blend, temperature or stack: blend.combine),
// are both scored on the outer held-out files. Prints per-fold and pooled logloss / accuracy.
// usage: learn_nested STORE [--models xgb,linear] [--outer 5] [--inner 5] [--groups CSV]
//                     [--config JSON] [--set name=value ...]
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "eval/cv.h"
#include "eval/folds.h"
#include "eval/train.h"
#include "store/trace_store.h"
#include "util/fs.h"
#include "util/thread_pool.h"

using namespace malscope;

int main(int argc, char** argv) {
  CLI::App app{"Nested CV: single fit vs bagged fold models"};
  std::string store_path, models = "xgb,linear", groups_path, config;
  int outer = 5, inner = 5, threads = 0;
  uint64_t seed = 0;
  std::vector<std::string> sets;
  app.add_option("store", store_path)->required();
  app.add_option("--models", models);
  app.add_option("--outer", outer);
  app.add_option("--inner", inner);
  app.add_option("--seed", seed);
  app.add_option("-j,--threads", threads);
  app.add_option("--set", sets);
  app.add_option("--groups", groups_path,
                 "CSV file_id,group: a group stays in one fold (outer and inner)");
  app.add_option("--config", config, "JSON with \"params\" (as cv --config)");
  CLI11_PARSE(app, argc, argv);

  LearnSetup setup;
  if (!config.empty()) {
    auto j = nlohmann::json::parse(read_file(config));
    if (j.contains("params")) setup.params.update(j["params"]);
  }
  for (const std::string& kv : sets) setup.params.set_assignment(kv);
  setup.models.clear();
  for (auto part : std::views::split(std::string_view(models), ','))
    setup.models.emplace_back(part.begin(), part.end());
  setup.seed = seed;
  setup.threads = default_threads(threads);
  TraceStore store = TraceStore::open(store_path);
  Sketches s = Sketches::extract(store, feature_config(setup.params), setup.threads);
  const int classes = std::max(2, label_classes(s.labels()));
  std::vector<uint32_t> groups;
  if (!groups_path.empty()) {
    groups = read_groups(groups_path, store);
  } else {  // as the inner CVs: exact copies of a trace share a fold
    std::vector<uint64_t> keys(s.size());
    for (size_t r = 0; r < s.size(); ++r) keys[r] = s.key(r);
    groups = copy_groups(keys).group;
  }
  auto fold = assign_folds(s.labels(), outer, seed + 1000, groups);
  Predictions single = Predictions::zeros(s.size(), classes), bagged = single;
  std::printf("%-5s %10s %10s %10s %10s %8s\n", "fold", "single", "bagged", "single_acc",
              "bagged_acc", "seconds");
  for (int f = 0; f < outer; ++f) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<uint32_t> train, valid;
    split_fold(fold, uint32_t(f), train, valid);
    CvOptions opt;
    opt.folds = inner;
    opt.rows = train;
    opt.groups = groups;
    opt.keep_members = true;
    CvResult r = cross_validate(s, setup, opt);
    Bundle bag = bagged_bundle(r, setup, store_path);
    Bundle one = train_bundle(s, setup, bag.weights, store_path, {}, train);
    one.temperature = bag.temperature;  // the combination the inner CV chose, for both
    one.stack = bag.stack;
    Predictions pb = bag.predict(s), po = one.predict(s);
    Predictions vb = Predictions::zeros(valid.size(), classes), vo = vb;
    std::vector<int32_t> y;
    for (size_t i = 0; i < valid.size(); ++i) {
      y.push_back(s.label(valid[i]));
      for (int c = 0; c < classes; ++c) {
        vb.row(i)[c] = bagged.row(valid[i])[c] = pb.row(valid[i])[c];
        vo.row(i)[c] = single.row(valid[i])[c] = po.row(valid[i])[c];
      }
    }
    Metrics mo = compute_metrics(y, vo), mb = compute_metrics(y, vb);
    std::printf("%-5d %10.5f %10.5f %10.4f %10.4f %8.1f\n", f + 1, mo.logloss, mb.logloss,
                mo.accuracy, mb.accuracy,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    std::fflush(stdout);
  }
  Metrics mo = compute_metrics(s.labels(), single), mb = compute_metrics(s.labels(), bagged);
  std::printf("%-5s %10.5f %10.5f %10.4f %10.4f\n", "all", mo.logloss, mb.logloss, mo.accuracy,
              mb.accuracy);
  return 0;
}
