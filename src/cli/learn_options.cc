#include "cli/learn_options.h"

#include <fmt/format.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "cli/common.h"
#include "cli/param_options.h"
#include "cli/terminal.h"
#include "models/model.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/progress.h"
#include "util/stopwatch.h"
#include "util/text.h"
#include "util/thread_pool.h"

namespace malscope::cli {

void add_learn_options(CLI::App* cmd, LearnArgs& a) {
  cmd->add_option("--models", a.models,
                  fmt::format("Models to fit and blend, comma-separated ({})",
                              fmt::join(model_names(), ", ")))
      ->default_val(a.models);
  cmd->add_option("--seed", a.seed, "Seed of folds, sampling and models (same seed, same bytes)")
      ->default_val(a.seed);
  cmd->add_option("--fold-jobs", a.fold_jobs,
                  "CV tasks (a fold's model each) and train's final models run side by side, "
                  "threads split among them (0: all threads when the data is small, else 1; "
                  "results are the same either way)")
      ->default_val(0)
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--config", a.config,
                  "JSON with \"params\" (and \"models\"), e.g. from `malscope tune --best-out`")
      ->check(existing_input());
  cmd->add_option("--set", a.sets, "Set a parameter, name=value (repeatable)");
  // Kept as text until make_setup: they override --config and --set, which are read after.
  add_param_options(
      cmd, param_table(),
      [&a](const ParamSpec& s, const std::string& v) { a.values.emplace_back(s.name, v); },
      "Parameters (see docs/learning.md)");
}

void apply_config_json(const nlohmann::json& j, const std::string& path, Params& params,
                       std::string& models) {
  if (!j.is_object())
    throw Error(fmt::format("{}: a config is a JSON object with \"params\" and \"models\", not {}",
                            path, j.type_name()));
  for (const auto& [key, value] : j.items()) {
    if (key == "params") {
      if (!value.is_object())
        throw Error(fmt::format("{}: \"params\" must be an object of name: value, not {}", path,
                                value.type_name()));
      try {
        params.update(value);
      } catch (const Error& e) {
        throw Error(fmt::format("{}: \"params\": {}", path, e.what()));
      }
    } else if (key == "models") {
      bool strings = value.is_array() && std::all_of(value.begin(), value.end(),
                                                     [](const auto& m) { return m.is_string(); });
      if (!strings)
        throw Error(fmt::format(
            "{}: \"models\" must be a list of model names, such as "
            "[\"xgb\", \"linear\"], not {}",
            path, excerpt(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))));
      models = fmt::format("{}", fmt::join(value.get<std::vector<std::string>>(), ","));
    } else if (key != "about" && key != "cv" && key != "folds" && key != "seed") {
      // "about" is a comment; tune --best-out adds what it measured ("cv", "folds", "seed").
      throw Error(fmt::format(
          "{}: unknown key \"{}\" (a config holds \"params\", \"models\" and \"about\")", path,
          excerpt(key)));
    }
  }
}

LearnSetup make_setup(const LearnArgs& a, const Globals& g) {
  LearnSetup s;
  std::string models = a.models;
  if (!a.config.empty()) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(read_file(a.config));
    } catch (const nlohmann::json::exception& e) {
      throw Error(fmt::format("'{}' is not JSON: {}", a.config, e.what()));
    }
    apply_config_json(j, a.config, s.params, models);
    if (j.contains("params") && j["params"].is_object())
      for (const auto& [name, value] : j["params"].items()) s.given.push_back(name);
  }
  for (const std::string& kv : a.sets) {
    s.params.set_assignment(kv);
    s.given.push_back(kv.substr(0, kv.find('=')));
  }
  for (const auto& [name, value] : a.values) {
    s.params.set(name, value);
    s.given.push_back(name);
  }
  s.models.clear();
  for (const std::string& name : split(models, ',')) {
    if (name.empty()) continue;
    make_model(name, s.params, {});  // rejects unknown names with the list of known ones
    if (std::find(s.models.begin(), s.models.end(), name) != s.models.end())
      throw UsageError(fmt::format("--models lists '{}' twice", name));
    s.models.push_back(name);
  }
  if (s.models.empty()) throw UsageError("--models is empty");
  ensure_sequences(s);
  s.seed = a.seed;
  s.fold_jobs = a.fold_jobs;
  s.threads = default_threads(g.threads);
  return s;
}

void ensure_passive_openmp() {
  if (std::getenv("OMP_WAIT_POLICY")) return;
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  std::string cmdline;
  try {
    cmdline = read_file("/proc/self/cmdline");
  } catch (const Error&) {
    return;  // not Linux: carry on spinning rather than fail
  }
  std::vector<char*> argv;
  for (size_t p = 0; p < cmdline.size(); p = cmdline.find('\0', p) + 1) argv.push_back(&cmdline[p]);
  argv.push_back(nullptr);
  std::fflush(nullptr);
  ::execv("/proc/self/exe", argv.data());
  // execv only returns on failure: continue in this process.
}

Sketches read_sketches(const TraceStore& store, const FeatureConfig& cfg, int threads, bool quiet) {
  auto t0 = std::chrono::steady_clock::now();
  // About a minute per 400 M calls on two cores: say what is happening before it starts.
  if (!quiet)
    std::fprintf(stderr, "%s\n",
                 fmt::format("reading {} files, {} calls from {}", store.num_files(),
                             human_count(double(store.num_rows())), store.path())
                     .c_str());
  Sketches s = Sketches::extract(store, cfg, threads, terminal_progress(quiet));
  if (!quiet)
    std::fprintf(stderr, "%s\n",
                 fmt::format("read {} files in {:.1f}s (sketches {})", s.size(), seconds_since(t0),
                             human_bytes(double(s.memory_bytes())))
                     .c_str());
  return s;
}

LogFn stderr_log(bool quiet) {
  if (quiet) return {};
  return [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
}

TraceStore open_training_store(const std::string& path, const char* command) {
  TraceStore store = TraceStore::open(path);
  if (!store.labeled())
    throw UsageError(
        fmt::format("store '{}' has no labels: {} needs a training store", path, command));
  return store;
}

void add_harden_flags(CLI::App* cmd, bool& harden, uint32_t& copies, float& weight) {
  cmd->add_flag("--harden", harden,
                "Also train on copies of the training files (class 0 too) with benign behaviour "
                "injected (extra benign threads, interleaved benign calls, no-op padding; "
                "donors from the same fold's class-0 files), so such padding does not fool the "
                "model");
  cmd->add_option("--harden-copies", copies, "Attacked copies per training file with --harden")
      ->check(CLI::Range(1, 16));
  cmd->add_option("--harden-weight", weight,
                  "Training weight of each attacked copy with --harden (the files keep 1; taken "
                  "by xgb, the linear model weighs every row alike)")
      ->default_val(weight)
      ->check(CLI::Range(0.01, 1.0));
}

void set_fold_groups(CvOptions& opt, const GroupArgs& a, bool harden, const TraceStore& store,
                     int threads, const LogFn& log) {
  opt.group_copies = a.path.empty() && !a.split_copies;
  if (!a.path.empty()) {
    opt.groups = read_groups(a.path, store, log);
  } else if (harden && opt.group_copies) {
    CopyGroups g = copy_groups(store, threads);
    if (log && g.sets) log(copy_groups_text(g));
    opt.groups = std::move(g.group);
    opt.group_copies = false;  // these are they
  }
}

Hardened harden_store(const TraceStore& store, const LearnSetup& setup, const HardenOptions& opt,
                      const LogFn& log) {
  auto t0 = std::chrono::steady_clock::now();
  Hardened h = harden(store, feature_config(setup.params), opt, setup.threads);
  if (log)
    log(fmt::format("hardening: {} attacked copies of training files added in {:.1f}s",
                    h.augmented.size(), seconds_since(t0)));
  return h;
}

}  // namespace malscope::cli
