#include "util/param_table.h"

#include <fmt/format.h>
#include <charconv>
#include <cmath>

namespace malscope {
namespace {

template <class T>
std::optional<T> parse(std::string_view v) {
  T x{};
  auto r = std::from_chars(v.data(), v.data() + v.size(), x);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return std::nullopt;
  return x;
}

bool in_range(const ParamSpec& s, double x) {
  return !s.ranged() || (x >= s.min && x <= s.max);
}

// A range bound as docs and errors print it: integers without a fraction, doubles shortest.
std::string bound(const ParamSpec& s, double v) {
  return s.type == ParamType::kDouble ? fmt::format("{}", v) : fmt::format("{}", int64_t(v));
}

}  // namespace

std::string_view param_type_name(ParamType t) {
  switch (t) {
    case ParamType::kBool:
      return "bool";
    case ParamType::kInt:
    case ParamType::kUint:
      return "int";
    case ParamType::kDouble:
      return "float";
    case ParamType::kString:
      return "string";
  }
  return "?";
}

std::string param_expected(const ParamSpec& s) {
  if (s.type == ParamType::kBool) return "true or false";
  if (s.type == ParamType::kString) return fmt::format("one of {}", fmt::join(s.choices, ", "));
  std::string kind = s.type == ParamType::kDouble ? "a number" : "an integer";
  if (!s.ranged()) return kind;
  return fmt::format("{} in [{}, {}]", kind, bound(s, s.min), bound(s, s.max));
}

std::optional<std::string> param_canonical(const ParamSpec& s, std::string_view v) {
  switch (s.type) {
    case ParamType::kBool:
      if (v == "true" || v == "1") return "true";
      if (v == "false" || v == "0") return "false";
      return std::nullopt;
    case ParamType::kString:
      for (const std::string& c : s.choices)
        if (c == v) return c;
      return std::nullopt;
    case ParamType::kInt: {
      auto x = parse<int64_t>(v);
      if (!x || !in_range(s, double(*x))) return std::nullopt;
      return std::to_string(*x);
    }
    case ParamType::kUint: {
      auto x = parse<uint64_t>(v);
      if (!x || !in_range(s, double(*x))) return std::nullopt;
      return std::to_string(*x);
    }
    case ParamType::kDouble: {
      auto x = parse<double>(v);
      if (!x || !std::isfinite(*x) || !in_range(s, *x)) return std::nullopt;
      return fmt::format("{}", *x);
    }
  }
  return std::nullopt;
}

std::string param_checked(const ParamSpec& s, std::string_view text) {
  auto v = param_canonical(s, text);
  if (!v)
    throw UsageError(fmt::format("parameter {}: '{}' is not {}", s.name, text, param_expected(s)));
  return *v;
}

nlohmann::json param_json(const ParamSpec& s, const std::string& v) {
  switch (s.type) {
    case ParamType::kBool:
      return v == "true";
    case ParamType::kInt:
      return std::stoll(v);
    case ParamType::kUint:
      return std::stoull(v);
    case ParamType::kDouble:
      return std::stod(v);
    case ParamType::kString:
      return v;
  }
  return nullptr;
}

std::string param_text(const nlohmann::json& v, std::string_view name) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return fmt::format("{}", v.get<double>());
  throw Error(fmt::format("parameter {}: expected a value, got {}", name, v.dump()));
}

std::string param_markdown(std::span<const ParamSpec> rows) {
  std::string out = "| parameter | type | default | range | meaning |\n|---|---|---|---|---|\n";
  for (const ParamSpec& s : rows) {
    // A '|' inside a cell ends it: the string choices are written "lr, lr_dual".
    std::string range = s.type == ParamType::kString ? fmt::format("{}", fmt::join(s.choices, ", "))
                        : s.ranged() && s.type != ParamType::kBool
                            ? fmt::format("{} .. {}", s.min, s.max)
                            : "";
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", s.name, param_type_name(s.type), s.def,
                       range, s.help);
  }
  return out;
}

namespace param_detail {

std::string format_int(int64_t v) {
  return std::to_string(v);
}

std::string format_uint(uint64_t v) {
  return std::to_string(v);
}

std::string format_double(double v) {
  return fmt::format("{}", v);
}

int64_t parse_int(const std::string& v) {
  return parse<int64_t>(v).value();
}

uint64_t parse_uint(const std::string& v) {
  return parse<uint64_t>(v).value();
}

double parse_double(const std::string& v) {
  return parse<double>(v).value();
}

void out_of_type(const ParamSpec& s, const std::string& text, const std::string& lo,
                 const std::string& hi) {
  throw UsageError(
      fmt::format("parameter {}: '{}' is not an integer in [{}, {}]", s.name, text, lo, hi));
}

}  // namespace param_detail
}  // namespace malscope
