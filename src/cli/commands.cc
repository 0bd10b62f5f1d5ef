#include "cli/commands.h"

namespace malscope::cli {

std::span<const Command> commands() {
  static const Command table[] = {
      {"simulate", add_simulate,
       "Write a synthetic data set from a model of per-class program behaviour: Tianchi CSV "
       "(train.csv, test.csv, test_labels.csv) or, with --format cape|cuckoo, folders of sandbox "
       "reports; deterministic per seed"},
      {"ingest", add_ingest,
       "Read a Tianchi-format CSV (or - for stdin), or CAPEv2 / Cuckoo sandbox reports, into a "
       "trace store"},
      {"info", add_info, "Files, rows, classes, APIs, threads and calls-per-file of a store"},
      {"export", add_export,
       "Write one CSV per file, in one folder per class (the awk split), or the whole store as "
       "one Tianchi CSV (--format csv)"},
      {"summary", add_summary,
       "Per-file (api, tid, return_value) call counts, most frequent "
       "first, and per class (sort | uniq -c)"},
      {"cv", add_cv,
       "Stratified k-fold cross-validation: features fitted per fold, models blended on "
       "out-of-fold predictions; prints logloss (plain and Tianchi), accuracy, macro-F1, "
       "per class, class-0-vs-k and the confusion matrix"},
      {"train", add_train,
       "Fit the feature pipeline and models on a labeled store and write one model "
       "bundle for `predict`"},
      {"predict", add_predict,
       "Predict class probabilities for every file of a store with a model bundle and "
       "write a Tianchi submission (file_id,prob0..prob{K-1})"},
      {"score", add_score,
       "Score sandbox reports, a Tianchi CSV or a store with a model bundle: per trace the "
       "predicted class, every class's probability and the reasons (the features that pushed the "
       "verdict most, with their values and contributions)"},
      {"serve", add_serve,
       "Serve a model bundle over HTTP: POST /v1/score (a CAPE/Cuckoo report or a CSV trace) and "
       "/v1/score/batch answer with verdicts and reasons; GET /v1/model, /healthz, /metrics. "
       "SIGTERM drains and exits 0, SIGHUP reloads the bundle (docs/serve.md)"},
      {"evaluate", add_evaluate,
       "Score a submission against true labels: logloss (plain and Tianchi), accuracy, macro-F1, "
       "per class, class-0-vs-k pairs, confusion matrix"},
      {"tune", add_tune,
       "Grid or random search over parameters by CV logloss; prints a ranked table"},
      {"profile", add_profile,
       "Per class: share of each API, APIs over-/under-represented against class 0 (with "
       "z-scores and counts), thread-structure and API-family traits"},
      {"plot", add_plot,
       "Per-sample call plots in one offline HTML page: 2-D (position x API, colour thread) and "
       "rotatable 3-D (position x API x thread), several samples side by side"},
      {"audit", add_audit,
       "Data quality: exact and near-duplicate clusters, label conflicts, leakage through "
       "file_id order, and what duplicates do to a k-fold CV score"},
      {"report", add_report,
       "One self-contained HTML report: dataset, class pies, distinctive APIs, traits, example "
       "plots per class, audit findings, CV results with --cv, test files copied from this store "
       "with --test"},
      {"attack", add_attack,
       "Inject benign behaviour into the malware files of a labelled store (in memory: extra "
       "benign threads, benign calls interleaved, no-op padding) and print, per attack and "
       "amount, the model's detection rate and logloss beside the clean figures"},
      {"shard", add_shard,
       "Split a store by file into N shard stores (stratified round-robin) for `train "
       "--distributed`, each recording the source store's identity, N and its index"},
      {"launch", add_launch,
       "Start an XGBoost collective tracker on 127.0.0.1 and one `train --distributed` (or `cv "
       "--distributed`: --command cv) worker per shard on this machine"},
  };
  return table;
}

void register_all(CLI::App& app, Globals& g) {
  for (const Command& c : commands()) c.add(app.add_subcommand(c.name, c.help), g);
}

}  // namespace malscope::cli
