#pragma once
// Flags shared by the learning commands (cv, train, tune): --models, --seed, --config, --set and
// one --<parameter> flag per row of the parameter table (models/params.h, through
// cli/param_options.h), so help text comes from the table. Also the OpenMP re-exec XGBoost needs
// on a busy machine.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "eval/cv.h"
#include "eval/harden.h"
#include "features/sketches.h"
#include "util/random.h"

namespace malscope::cli {

struct LearnArgs {
  std::string models = "xgb,linear";
  uint64_t seed = kDefaultSeed;
  int fold_jobs = 0;
  std::string config;                                       ///< JSON from `tune --best-out`
  std::vector<std::string> sets;                            ///< name=value
  std::vector<std::pair<std::string, std::string>> values;  ///< --<parameter>: name, value
};

/// Adds the shared learning flags to `cmd`.
void add_learn_options(CLI::App* cmd, LearnArgs& a);
/// Resolves the flags: defaults < --config file < --set < --<parameter>, then --models/--seed.
LearnSetup make_setup(const LearnArgs& a, const Globals& g);
/// Applies a --config file's JSON (PATH names it in errors): "params" into params, "models"
/// into models (comma-separated); any other key but the informational ones is an error.
void apply_config_json(const nlohmann::json& j, const std::string& path, Params& params,
                       std::string& models);

/// Makes sure OpenMP (XGBoost's threads) sleeps instead of spinning while it waits: libgomp reads
/// OMP_WAIT_POLICY once, at load, so when it is unset the process re-executes itself with
/// OMP_WAIT_POLICY=PASSIVE (with a busy second core, spinning made training 15x slower).
void ensure_passive_openmp();

/// Opens the labeled store `command` (cv, train, tune) learns from; an unlabeled store is a
/// usage error that says so.
TraceStore open_training_store(const std::string& path, const char* command);

/// Reads the sketches of a store for the pipeline config, with a progress line on stderr.
Sketches read_sketches(const TraceStore& store, const FeatureConfig& cfg, int threads, bool quiet);

/// --harden, --harden-copies N and --harden-weight W (cv, train): train on attacked copies of the
/// training files too.
void add_harden_flags(CLI::App* cmd, bool& harden, uint32_t& copies, float& weight);
/// The store's sketches with hardening copies (eval/harden.h), logged.
Hardened harden_store(const TraceStore& store, const LearnSetup& setup, const HardenOptions& opt,
                      const LogFn& log);

/// The CV's fold groups: --groups when given; else, with --split-copies, none; else copies of a
/// trace share a fold: found by the CV in the sketches (CvOptions::group_copies), or, with
/// `harden` (whose donors are drawn per fold before the sketches exist), here from the store.
void set_fold_groups(CvOptions& opt, const GroupArgs& a, bool harden, const TraceStore& store,
                     int threads, const LogFn& log);
/// Prints a progress line to stderr unless quiet.
LogFn stderr_log(bool quiet);

}  // namespace malscope::cli
