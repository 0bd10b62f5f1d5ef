#pragma once
// The sub-command table (name, flags, help), as ninja's. Each command's flags and callback live in
// its own cmd_<name>.cc; the callback calls into the library and prints.
#include <CLI/CLI.hpp>
#include <span>

#include "util/log.h"

namespace malscope::cli {

/// Options shared by every command (given before or after the sub-command).
struct Globals {
  int threads = 0;     ///< -j: worker threads, 0 = all cores
  bool quiet = false;  ///< -q: print results only, no progress or notes
  /// Notes and warnings on stderr ("malscope: ..."), nothing with -q.
  LogFn log() const;
  /// A progress line on a terminal's stderr, nothing with -q.
  ProgressFn progress() const;
};

// Each command's flags and callback, added to its sub-command (one cmd_<name>.cc each).
void add_simulate(CLI::App* cmd, Globals& g);
void add_ingest(CLI::App* cmd, Globals& g);
void add_info(CLI::App* cmd, Globals& g);
void add_export(CLI::App* cmd, Globals& g);
void add_summary(CLI::App* cmd, Globals& g);
void add_cv(CLI::App* cmd, Globals& g);
void add_train(CLI::App* cmd, Globals& g);
void add_predict(CLI::App* cmd, Globals& g);
void add_score(CLI::App* cmd, Globals& g);
void add_serve(CLI::App* cmd, Globals& g);
void add_evaluate(CLI::App* cmd, Globals& g);
void add_tune(CLI::App* cmd, Globals& g);
void add_profile(CLI::App* cmd, Globals& g);
void add_plot(CLI::App* cmd, Globals& g);
void add_audit(CLI::App* cmd, Globals& g);
void add_report(CLI::App* cmd, Globals& g);
void add_attack(CLI::App* cmd, Globals& g);
void add_shard(CLI::App* cmd, Globals& g);
void add_launch(CLI::App* cmd, Globals& g);

/// One row of the sub-command table: the name, what adds its flags, the help line.
struct Command {
  const char* name;
  void (*add)(CLI::App* cmd, Globals& g);
  const char* help;
};

/// Every command, in the order `malscope --help` lists them.
std::span<const Command> commands();

/// Adds every command of the table to the app.
void register_all(CLI::App& app, Globals& g);

/// Runs the CLI on argv; returns the process exit code (0 ok, 1 error, 2 usage).
int run(int argc, char** argv);

}  // namespace malscope::cli
