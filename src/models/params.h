#pragma once
// The learning parameters, defined once: every tunable knob of the feature pipeline and the
// models has one row in a table (name, type, default, range, help). The CLI flags of cv, train
// and tune, the `--space` of tune, the bundle's record of what was trained and the parameter
// table in docs/learning.md are all generated from it.
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace malscope {

/// Type of a parameter value.
enum class ParamType { kBool, kInt, kDouble, kString };

/// One row of the parameter table.
struct ParamSpec {
  std::string_view name;  ///< "group.key", e.g. "xgb.max_depth"
  ParamType type;
  std::string_view def;      ///< default, as text
  double min = 0, max = 0;   ///< inclusive range for numbers (ignored when min > max)
  std::string_view choices;  ///< for strings: allowed values separated by '|'
  std::string_view help;
};

/// The whole table, grouped by prefix (features., xgb., linear., blend.).
std::span<const ParamSpec> param_table();
/// The row named `name`, or nullptr.
const ParamSpec* find_param(std::string_view name);
/// The table as a Markdown table (for docs/learning.md).
std::string param_table_markdown();

/// A full set of parameter values: the defaults with overrides, each checked against the table.
class Params {
 public:
  /// All defaults.
  Params();
  /// Sets one value; throws UsageError naming the parameter and what it expects if the name is
  /// unknown or the value has the wrong type or range.
  void set(std::string_view name, std::string_view value);
  /// Sets "name=value".
  void set_assignment(std::string_view assignment);
  /// The value as text.
  const std::string& get(std::string_view name) const;
  bool get_bool(std::string_view name) const;
  int64_t get_int(std::string_view name) const;
  double get_double(std::string_view name) const;
  /// Values differing from the defaults, "a=1 b=2" (for tables and logs).
  std::string overrides() const;
  /// Every value, as a JSON object keyed by name (typed).
  nlohmann::json to_json() const;
  /// Applies a JSON object of name -> value (e.g. tune's best config); checked like set().
  void update(const nlohmann::json& values);
  bool operator==(const Params&) const = default;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace malscope
