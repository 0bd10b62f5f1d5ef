#pragma once
// The pieces every sub-command is made of, defined once so that flags mean the same thing
// everywhere: a store argument, -o, --json (JSON on stdout instead of text), --folds, --groups,
// --class-names.
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "store/trace_store.h"

namespace malscope::cli {

/// A check for an input file option: a missing file or a folder stops the parse with an Error
/// naming it (exit 1, a file problem), where CLI::ExistingFile would make it a usage error.
CLI::Validator existing_input();
/// The required positional STORE (or another path, named by `what`).
void add_store_arg(CLI::App* cmd, std::string& path, const std::string& what = "Trace store",
                   const std::string& name = "store");
/// The required -o,--output; `what` says what is written there.
void add_output_option(CLI::App* cmd, std::string& path, const std::string& what);
/// --json: print JSON on stdout instead of the text tables.
void add_json_flag(CLI::App* cmd, bool& json);
/// --folds K (2..100, default 5); `what` names the folds' use.
void add_folds_option(CLI::App* cmd, int& folds, const std::string& what);
/// --groups FILE (CSV file_id,group): files of one group stay in one fold; --split-copies: exact
/// copies of a trace may fall in different folds (by default they share one).
struct GroupArgs {
  std::string path;
  bool split_copies = false;
};
void add_groups_option(CLI::App* cmd, GroupArgs& a);
/// --class-names LIST: names for the store's classes instead of those it keeps.
void add_class_names_option(CLI::App* cmd, std::string& names);
/// The class names to show: --class-names when given (one per class), else the store's own.
std::vector<std::string> class_names_for(const TraceStore& store, const std::string& flag);

}  // namespace malscope::cli
