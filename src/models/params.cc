#include "models/params.h"

#include <fmt/format.h>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "util/error.h"

namespace malscope {
namespace {

using T = ParamType;

// The one table. Keep each group's rows together; docs and --help list them in this order.
constexpr ParamSpec kTable[] = {
    {"features.api_stats", T::kBool, "true", 1, 0, "",
     "Per-API counts (raw and log), calls, threads, return values, index stats, first positions"},
    {"features.api_set", T::kBool, "true", 1, 0, "",
     "Presence of APIs that class-0 training files rarely call"},
    {"features.ngrams", T::kBool, "true", 1, 0, "", "API n-grams within each thread"},
    {"features.threads", T::kBool, "true", 1, 0, "",
     "Thread structure: identical threads, prefix growth, API-family shares"},
    {"features.ngram_min", T::kInt, "1", 1, 5, "", "Shortest n-gram"},
    {"features.ngram_max", T::kInt, "3", 1, 5, "", "Longest n-gram"},
    {"features.collapse_repeats", T::kBool, "false", 1, 0, "",
     "Collapse consecutive repeats of one API before taking n-grams"},
    {"features.min_df", T::kInt, "3", 1, 1e9, "",
     "An n-gram must occur in at least this many training files"},
    {"features.max_ngrams", T::kInt, "5000", 1, 1e8, "",
     "N-gram vocabulary cap (highest document frequency first)"},
    {"features.sublinear_tf", T::kBool, "true", 1, 0, "", "TF-IDF term frequency 1 + log(count)"},
    {"features.rare_in_class0", T::kDouble, "0.01", 0, 1, "",
     "An API is rare in class 0 if fewer than this share of class-0 training files call it"},

    {"xgb.rounds", T::kInt, "1000", 1, 1e6, "",
     "Most boosting rounds (early stopping ends sooner)"},
    {"xgb.early_stop", T::kInt, "30", 0, 1e6, "",
     "Stop after this many rounds without a better validation logloss (0 = never)"},
    {"xgb.valid_share", T::kDouble, "0.1", 0, 0.5, "",
     "Share of the training rows held out (stratified) for early stopping"},
    {"xgb.eta", T::kDouble, "0.2", 1e-4, 1, "", "Learning rate"},
    {"xgb.max_depth", T::kInt, "4", 1, 20, "", "Tree depth"},
    {"xgb.min_child_weight", T::kDouble, "1", 0, 1e6, "", "Smallest hessian sum in a leaf"},
    {"xgb.subsample", T::kDouble, "0.8", 0.05, 1, "", "Row share sampled per tree"},
    {"xgb.colsample_bytree", T::kDouble, "0.1", 0.01, 1, "", "Column share sampled per tree"},
    {"xgb.lambda", T::kDouble, "1", 0, 1e6, "", "L2 regularisation of leaf weights"},
    {"xgb.alpha", T::kDouble, "0", 0, 1e6, "", "L1 regularisation of leaf weights"},
    {"xgb.max_bin", T::kInt, "32", 2, 65536, "", "Histogram bins per feature"},
    {"xgb.class_weight", T::kDouble, "0", 0, 1, "",
     "Class weight power p: weight = (N / (K n_class))^p; 0 none, 1 balanced"},

    {"xgb.bags", T::kInt, "1", 1, 100, "",
     "Boosters averaged, each with its own seed: row and column samples and early-stopping "
     "holdout"},

    {"xgb.class_cap", T::kInt, "40000", 0, 1e9, "",
     "Train on at most this many files per class (seeded sample, weighted up to the class's "
     "size); 0 = all"},

    {"linear.C", T::kDouble, "1", 1e-6, 1e6, "", "Inverse L2 regularisation strength"},
    {"linear.solver", T::kString, "lr", 1, 0, "lr|lr_dual",
     "liblinear solver: lr (L2R_LR, trust region Newton) or lr_dual (L2R_LR_DUAL)"},
    {"linear.eps", T::kDouble, "0.01", 1e-8, 1, "", "Stopping tolerance"},
    {"linear.class_weight", T::kDouble, "0", 0, 1, "", "Class weight power p, as xgb.class_weight"},
    {"linear.scale", T::kBool, "true", 1, 0, "",
     "Divide each column by its largest absolute training value"},

    {"linear.class_cap", T::kInt, "40000", 0, 1e9, "",
     "As xgb.class_cap, for the linear model (its class weight carries the correction)"},

    {"blend.step", T::kDouble, "0.05", 0.001, 1, "",
     "Grid step of the blend weights searched on out-of-fold predictions"},
    {"blend.floor", T::kDouble, "1e-06", 1e-6, 0.1, "",
     "Smallest class probability of the blend (rows renormalised): above the submission's 1e-6 it "
     "caps what one confident mistake costs"},
};

std::string_view type_name(ParamType t) {
  switch (t) {
    case T::kBool:
      return "bool";
    case T::kInt:
      return "int";
    case T::kDouble:
      return "float";
    case T::kString:
      return "string";
  }
  return "?";
}

std::string expected(const ParamSpec& s) {
  if (s.type == T::kBool) return "true or false";
  if (s.type == T::kString) return fmt::format("one of {}", s.choices);
  std::string kind = s.type == T::kInt ? "an integer" : "a number";
  if (s.min > s.max) return kind;
  return fmt::format("{} in [{}, {}]", kind, s.min, s.max);
}

std::vector<std::string_view> split_choices(const ParamSpec& s) {
  std::vector<std::string_view> out;
  std::string_view rest = s.choices;
  while (!rest.empty()) {
    size_t bar = rest.find('|');
    out.push_back(rest.substr(0, bar));
    rest = bar == std::string_view::npos ? "" : rest.substr(bar + 1);
  }
  return out;
}

// Parses and checks a value; returns its canonical text or nullopt.
std::optional<std::string> canonical(const ParamSpec& s, std::string_view v) {
  switch (s.type) {
    case T::kBool:
      if (v == "true" || v == "1") return "true";
      if (v == "false" || v == "0") return "false";
      return std::nullopt;
    case T::kString:
      for (std::string_view c : split_choices(s))
        if (c == v) return std::string(v);
      return std::nullopt;
    case T::kInt: {
      int64_t x = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), x);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return std::nullopt;
      if (s.min <= s.max && (x < s.min || x > s.max)) return std::nullopt;
      return std::to_string(x);
    }
    case T::kDouble: {
      double x = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), x);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size() || !std::isfinite(x))
        return std::nullopt;
      if (s.min <= s.max && (x < s.min || x > s.max)) return std::nullopt;
      return fmt::format("{}", x);
    }
  }
  return std::nullopt;
}

}  // namespace

std::span<const ParamSpec> param_table() {
  return kTable;
}

const ParamSpec* find_param(std::string_view name) {
  for (const ParamSpec& s : kTable)
    if (s.name == name) return &s;
  return nullptr;
}

std::string param_table_markdown() {
  std::string out = "| parameter | type | default | range | meaning |\n|---|---|---|---|---|\n";
  for (const ParamSpec& s : kTable) {
    // A '|' inside a cell ends it: the string choices are written "lr, lr_dual".
    std::string range = s.type == T::kString ? fmt::format("{}", fmt::join(split_choices(s), ", "))
                        : s.min <= s.max && s.type != T::kBool
                            ? fmt::format("{} .. {}", s.min, s.max)
                            : "";
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", s.name, type_name(s.type), s.def, range,
                       s.help);
  }
  return out;
}

Params::Params() {
  for (const ParamSpec& s : kTable) values_.emplace(std::string(s.name), std::string(s.def));
}

void Params::set(std::string_view name, std::string_view value) {
  const ParamSpec* s = find_param(name);
  if (!s)
    throw UsageError(
        fmt::format("unknown parameter '{}' (see `malscope tune --list-params`)", name));
  auto v = canonical(*s, value);
  if (!v) throw UsageError(fmt::format("parameter {}: '{}' is not {}", name, value, expected(*s)));
  values_.find(name)->second = *v;
}

void Params::set_assignment(std::string_view a) {
  size_t eq = a.find('=');
  if (eq == std::string_view::npos)
    throw UsageError(fmt::format("'{}' is not name=value (e.g. xgb.max_depth=6)", a));
  set(a.substr(0, eq), a.substr(eq + 1));
}

const std::string& Params::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error(fmt::format("no parameter '{}'", name));
  return it->second;
}

bool Params::get_bool(std::string_view name) const {
  return get(name) == "true";
}

int64_t Params::get_int(std::string_view name) const {
  return std::stoll(get(name));
}

double Params::get_double(std::string_view name) const {
  return std::stod(get(name));
}

std::string Params::overrides() const {
  std::string out;
  for (const ParamSpec& s : kTable) {
    const std::string& v = get(s.name);
    if (v == *canonical(s, s.def)) continue;
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", s.name, v);
  }
  return out.empty() ? "defaults" : out;
}

nlohmann::json Params::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const ParamSpec& s : kTable) {
    const std::string& v = get(s.name);
    switch (s.type) {
      case T::kBool:
        j[std::string(s.name)] = v == "true";
        break;
      case T::kInt:
        j[std::string(s.name)] = std::stoll(v);
        break;
      case T::kDouble:
        j[std::string(s.name)] = std::stod(v);
        break;
      case T::kString:
        j[std::string(s.name)] = v;
        break;
    }
  }
  return j;
}

void Params::update(const nlohmann::json& values) {
  if (!values.is_object()) throw Error("parameters must be a JSON object of name: value");
  for (const auto& [k, v] : values.items()) {
    if (v.is_string())
      set(k, v.get<std::string>());
    else if (v.is_boolean())
      set(k, v.get<bool>() ? "true" : "false");
    else if (v.is_number_integer())
      set(k, std::to_string(v.get<int64_t>()));
    else if (v.is_number())
      set(k, fmt::format("{}", v.get<double>()));
    else
      throw Error(fmt::format("parameter {}: expected a value, got {}", k, v.dump()));
  }
}

}  // namespace malscope
