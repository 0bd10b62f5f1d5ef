#pragma once
// The sub-command table. Each command lives in its own cmd_<name>.cc and registers itself on the
// CLI11 app: flags, help text and a callback that calls into the library and prints.
#include <CLI/CLI.hpp>

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

// One line per command, in the order `malscope --help` lists them.
void register_simulate(CLI::App& app, Globals& g);
void register_ingest(CLI::App& app, Globals& g);
void register_info(CLI::App& app, Globals& g);
void register_export(CLI::App& app, Globals& g);
void register_summary(CLI::App& app, Globals& g);
void register_cv(CLI::App& app, Globals& g);
void register_train(CLI::App& app, Globals& g);
void register_predict(CLI::App& app, Globals& g);
void register_evaluate(CLI::App& app, Globals& g);
void register_tune(CLI::App& app, Globals& g);
void register_profile(CLI::App& app, Globals& g);
void register_plot(CLI::App& app, Globals& g);
void register_audit(CLI::App& app, Globals& g);
void register_report(CLI::App& app, Globals& g);
void register_attack(CLI::App& app, Globals& g);

/// Adds every command to the app.
inline void register_all(CLI::App& app, Globals& g) {
  register_simulate(app, g);
  register_ingest(app, g);
  register_info(app, g);
  register_export(app, g);
  register_summary(app, g);
  register_cv(app, g);
  register_train(app, g);
  register_predict(app, g);
  register_evaluate(app, g);
  register_tune(app, g);
  register_profile(app, g);
  register_plot(app, g);
  register_audit(app, g);
  register_report(app, g);
  register_attack(app, g);
}

/// Runs the CLI on argv; returns the process exit code (0 ok, 1 error, 2 usage).
int run(int argc, char** argv);

}  // namespace malscope::cli
