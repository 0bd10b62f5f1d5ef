#include "cli/common.h"

#include <fmt/format.h>
#include <cstdio>
#include <filesystem>

#include "cli/terminal.h"
#include "store/class_names.h"
#include "util/error.h"

namespace malscope::cli {

LogFn Globals::log() const {
  if (quiet) return {};
  return [](const std::string& line) { std::fprintf(stderr, "malscope: %s\n", line.c_str()); };
}

ProgressFn Globals::progress() const {
  return terminal_progress(quiet);
}

CLI::Validator existing_input() {
  return CLI::Validator(
      [](std::string& path) -> std::string {
        std::error_code ec;
        auto st = std::filesystem::status(path, ec);
        if (ec || !std::filesystem::exists(st))
          throw Error(fmt::format("cannot open '{}': {}", path,
                                  ec ? ec.message() : "No such file or directory"));
        if (std::filesystem::is_directory(st))
          throw Error(fmt::format("'{}' is a folder; expected a file", path));
        return {};
      },
      "FILE");
}

void add_store_arg(CLI::App* cmd, std::string& path, const std::string& what,
                   const std::string& name) {
  cmd->add_option(name, path, what)->required();
}

void add_output_option(CLI::App* cmd, std::string& path, const std::string& what) {
  cmd->add_option("-o,--output", path, what)->required();
}

void add_json_flag(CLI::App* cmd, bool& json) {
  cmd->add_flag("--json", json, "Print JSON on stdout instead of the text tables");
}

void add_folds_option(CLI::App* cmd, int& folds, const std::string& what) {
  cmd->add_option("--folds", folds, what)->default_val(folds)->check(CLI::Range(2, 100));
}

void add_groups_option(CLI::App* cmd, GroupArgs& a) {
  auto* groups = cmd->add_option("--groups", a.path,
                                 "CSV file_id,group (e.g. from `malscope audit --groups-out`): "
                                 "files of one group stay in one fold (instead of the copy groups)")
                     ->check(existing_input());
  cmd->add_flag("--split-copies", a.split_copies,
                "Let exact copies of a trace (repeated runs: equal API sequences per thread) fall "
                "in different folds; by default each set of copies shares one fold, so no file is "
                "scored by a model trained on its copy")
      ->excludes(groups);
}

void add_class_names_option(CLI::App* cmd, std::string& names) {
  cmd->add_option("--class-names", names,
                  "Comma-separated class names by label (default: the names the store keeps)");
}

std::vector<std::string> class_names_for(const TraceStore& store, const std::string& flag) {
  if (flag.empty()) return store.class_names();
  std::vector<std::string> names = parse_class_name_list(flag, store.num_classes());
  if (names.size() != size_t(store.num_classes()))
    throw UsageError(fmt::format("--class-names gives {} names, the store has {} classes",
                                 names.size(), store.num_classes()));
  return names;
}

}  // namespace malscope::cli
