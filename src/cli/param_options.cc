#include "cli/param_options.h"

#include <fmt/format.h>
#include <cctype>

namespace malscope::cli {
namespace {

// The type as CLI11 names it in help: BOOL, INT, UINT, FLOAT, or the choices "lr|lr_dual".
std::string type_label(const ParamSpec& s) {
  if (s.type == ParamType::kString) return fmt::format("{}", fmt::join(s.choices, "|"));
  if (s.type == ParamType::kUint) return "UINT";
  std::string t(param_type_name(s.type));
  for (char& c : t) c = char(std::toupper(static_cast<unsigned char>(c)));
  return t;
}

// "INT in [1 - 3]", as CLI::Range describes a range in help; "" without one.
std::string range_label(const ParamSpec& s) {
  if (!s.ranged() || s.type == ParamType::kBool || s.type == ParamType::kString) return "";
  if (s.type == ParamType::kDouble)
    return fmt::format("{} in [{} - {}]", type_label(s), s.min, s.max);
  return fmt::format("{} in [{} - {}]", type_label(s), int64_t(s.min), int64_t(s.max));
}

}  // namespace

void add_param_options(CLI::App* cmd, std::span<const ParamSpec> rows, ParamSetter set,
                       const std::string& group) {
  for (const ParamSpec& s : rows) {
    CLI::Validator check(
        [&s](std::string& v) -> std::string {
          return param_canonical(s, v) ? "" : fmt::format("'{}' is not {}", v, param_expected(s));
        },
        range_label(s));
    CLI::Option* o = cmd->add_option_function<std::string>(
        "--" + s.name, [&s, set](const std::string& v) { set(s, *param_canonical(s, v)); }, s.help);
    o->type_name(type_label(s))->default_str(s.def)->check(check);
    if (!group.empty()) o->group(group);
  }
}

}  // namespace malscope::cli
