#pragma once
// Command-line options generated from parameter tables (util/param_table.h): one `--<name>`
// option per row, its type, range, default and help text taken from the row and its value
// checked by the row, so a flag and its parameter cannot disagree.
#include <functional>
#include <span>
#include <string>

#include <CLI/CLI.hpp>

#include "util/param_table.h"

namespace malscope::cli {

/// Receives a row and the canonical text of the value given for it.
using ParamSetter = std::function<void(const ParamSpec&, const std::string&)>;

/// Adds one `--<name>` option per row to `cmd` (under `group` unless empty). A value given on the
/// command line is checked by its row (CLI11 reports a bad one, exit code 2) and handed to `set`.
/// The rows must outlive `cmd`.
void add_param_options(CLI::App* cmd, std::span<const ParamSpec> rows, ParamSetter set,
                       const std::string& group = "");

/// add_param_options setting the members of `cfg` through `table`.
template <class C>
void add_param_options(CLI::App* cmd, const ParamTable<C>& table, C& cfg,
                       const std::string& group = "") {
  add_param_options(
      cmd, table.specs(),
      [&table, &cfg](const ParamSpec& s, const std::string& v) { table.set(cfg, s.name, v); },
      group);
}

}  // namespace malscope::cli
