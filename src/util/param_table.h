#pragma once
// Parameters defined once, as in LightGBM's config.h: a table of rows, each binding a name, help
// text and range (or choices) to a member of a config struct. The struct's own member
// initialisers are the defaults; text parsing and canonical text, range checks with errors that
// name the parameter, JSON out and in, the binary form, the Markdown docs and (in cli/) the
// command-line flags all come from the rows.
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/serial.h"

namespace malscope {

/// Type of a parameter value.
enum class ParamType { kBool, kInt, kUint, kDouble, kString };

/// What a parameter is, whatever struct it is bound to.
struct ParamSpec {
  std::string name;  ///< e.g. "xgb.max_depth" (a learning parameter) or "threshold" (a flag)
  ParamType type = ParamType::kInt;
  std::string def;                   ///< default as canonical text: the member's initialiser
  double min = 1, max = 0;           ///< inclusive range of a number (none when min > max)
  std::vector<std::string> choices;  ///< the values a string may take
  std::string help;

  /// Whether a number has a range.
  bool ranged() const { return min <= max; }
};

/// The type as docs name it: bool, int, float, string.
std::string_view param_type_name(ParamType t);
/// What a value must be, for errors: "an integer in [1, 20]", "one of lr, lr_dual".
std::string param_expected(const ParamSpec& s);
/// Parses and checks `text`; returns its canonical text ("1" -> "true", "0.50" -> "0.5"), or
/// nullopt if it is not a value of the row.
std::optional<std::string> param_canonical(const ParamSpec& s, std::string_view text);
/// The canonical text of `text`; throws UsageError "parameter NAME: 'TEXT' is not EXPECTED".
std::string param_checked(const ParamSpec& s, std::string_view text);
/// A canonical text as a typed JSON value (bool, integer, number or string).
nlohmann::json param_json(const ParamSpec& s, const std::string& canonical);
/// A JSON value as text to check (true -> "true", 3 -> "3"); throws Error naming `name` when it
/// is not a bool, number or string.
std::string param_text(const nlohmann::json& value, std::string_view name);
/// The rows as a Markdown table: parameter, type, default, range, meaning.
std::string param_markdown(std::span<const ParamSpec> rows);

namespace param_detail {
std::string format_int(int64_t v);
std::string format_uint(uint64_t v);
std::string format_double(double v);
int64_t parse_int(const std::string& canonical);
uint64_t parse_uint(const std::string& canonical);
double parse_double(const std::string& canonical);
[[noreturn]] void out_of_type(const ParamSpec& s, const std::string& text, const std::string& lo,
                              const std::string& hi);

template <class T>
constexpr ParamType type_of() {
  if constexpr (std::is_floating_point_v<T>)
    return ParamType::kDouble;
  else if constexpr (std::is_signed_v<T>)
    return ParamType::kInt;
  else
    return ParamType::kUint;
}

// Assigns a canonical text to a member; an integer must also fit the member's type.
template <class T>
void assign(T& m, const ParamSpec& s, const std::string& canonical) {
  if constexpr (std::is_same_v<T, bool>) {
    m = canonical == "true";
  } else if constexpr (std::is_same_v<T, std::string>) {
    m = canonical;
  } else if constexpr (std::is_floating_point_v<T>) {
    m = T(parse_double(canonical));
  } else {
    using L = std::numeric_limits<T>;
    if constexpr (std::is_signed_v<T>) {
      const int64_t v = parse_int(canonical);
      if (v < int64_t(L::min()) || v > int64_t(L::max()))
        out_of_type(s, canonical, std::to_string(L::min()), std::to_string(L::max()));
      m = T(v);
    } else {
      const uint64_t v = parse_uint(canonical);
      if (v > uint64_t(L::max())) out_of_type(s, canonical, "0", std::to_string(L::max()));
      m = T(v);
    }
  }
}
}  // namespace param_detail

/// The canonical text of a value: "true"/"false", integers in decimal, numbers as the shortest
/// decimal that reads back the same double, strings as they are.
template <class T>
std::string param_format(const T& v) {
  if constexpr (std::is_same_v<T, bool>)
    return v ? "true" : "false";
  else if constexpr (std::is_same_v<T, std::string>)
    return v;
  else if constexpr (std::is_floating_point_v<T>)
    return param_detail::format_double(v);
  else if constexpr (std::is_signed_v<T>)
    return param_detail::format_int(v);
  else
    return param_detail::format_uint(v);
}

/// The rows bound to the members of config struct C (default-constructible: its initialisers are
/// the defaults).
template <class C>
class ParamTable {
  // Reads and writes the member a row is bound to; one instantiation per member type bound.
  struct Access {
    virtual ~Access() = default;
    virtual std::string get(const C& c) const = 0;
    virtual void set(C& c, const ParamSpec& s, const std::string& canonical) const = 0;
    virtual void save(ByteWriter& w, const C& c) const = 0;
    virtual void load(ByteReader& r, C& c) const = 0;
  };
  template <class T>
  struct Member final : Access {
    explicit Member(T C::*m) : m(m) {}
    std::string get(const C& c) const override { return param_format(c.*m); }
    void set(C& c, const ParamSpec& s, const std::string& v) const override {
      param_detail::assign(c.*m, s, v);
    }
    void save(ByteWriter& w, const C& c) const override { w.put(c.*m); }
    void load(ByteReader& r, C& c) const override { r.get(c.*m); }
    T C::*m;
  };

 public:
  /// One row: what a parameter is and the member it is bound to.
  struct Row {
    /// A bool member.
    Row(std::string_view name, bool C::*m, std::string_view help)
        : spec{std::string(name), ParamType::kBool, "", 1, 0, {}, std::string(help)},
          access(std::make_shared<Member<bool>>(m)) {}
    /// A number member in [min, max].
    template <class T>
    requires std::is_arithmetic_v<T> &&
        (!std::is_same_v<T, bool>)Row(std::string_view name, T C::*m, double min, double max,
                                      std::string_view help)
        : spec{std::string(name), param_detail::type_of<T>(), "", min, max, {}, std::string(help)},
          access(std::make_shared<Member<T>>(m)) {}
    /// A number member that may take any value of its type.
    template <class T>
    requires std::is_arithmetic_v<T> &&
        (!std::is_same_v<T, bool>)Row(std::string_view name, T C::*m, std::string_view help)
        : Row(name, m, 1, 0, help) {}
    /// A string member, one of `choices`.
    Row(std::string_view name, std::string C::*m, std::initializer_list<std::string_view> choices,
        std::string_view help)
        : spec{std::string(name), ParamType::kString, "", 1, 0, {}, std::string(help)},
          access(std::make_shared<Member<std::string>>(m)) {
      for (std::string_view c : choices) spec.choices.emplace_back(c);
    }
    ParamSpec spec;
    std::shared_ptr<const Access> access;
  };

  /// The table; each row's default is the text of its member in C{}.
  ParamTable(std::initializer_list<Row> rows) {
    const C defaults{};
    for (const Row& r : rows) {
      specs_.push_back(r.spec);
      specs_.back().def = r.access->get(defaults);
      access_.push_back(r.access);
    }
  }

  /// Every row, in table order.
  std::span<const ParamSpec> specs() const { return specs_; }
  /// The index of the row named `name`, or nullopt.
  std::optional<size_t> find(std::string_view name) const {
    for (size_t i = 0; i < specs_.size(); ++i)
      if (specs_[i].name == name) return i;
    return std::nullopt;
  }

  /// The canonical text of row i's member.
  std::string get(const C& c, size_t i) const { return access_.at(i)->get(c); }
  /// Sets row i's member from text; throws UsageError naming the parameter and what it expects.
  void set(C& c, size_t i, std::string_view text) const {
    access_.at(i)->set(c, specs_[i], param_checked(specs_[i], text));
  }
  /// Sets the member named `name`; throws UsageError if no row has that name.
  void set(C& c, std::string_view name, std::string_view text) const {
    std::optional<size_t> i = find(name);
    if (!i) throw UsageError("unknown parameter '" + std::string(name) + "'");
    set(c, *i, text);
  }
  /// Throws UsageError naming the first member outside its row's range or choices.
  void check(const C& c) const {
    for (size_t i = 0; i < specs_.size(); ++i) param_checked(specs_[i], get(c, i));
  }

  /// Every member, as a JSON object keyed by name (typed).
  nlohmann::json to_json(const C& c) const {
    nlohmann::json j = nlohmann::json::object();
    for (size_t i = 0; i < specs_.size(); ++i) j[specs_[i].name] = param_json(specs_[i], get(c, i));
    return j;
  }
  /// Sets the members a JSON object names, each checked as set() checks text.
  void update(C& c, const nlohmann::json& values) const {
    if (!values.is_object()) throw Error("parameters must be a JSON object of name: value");
    for (const auto& [k, v] : values.items()) set(c, k, param_text(v, k));
  }

  /// Writes every member in row order (adding a row changes the layout: bump the blob version).
  void save(ByteWriter& w, const C& c) const {
    for (const auto& a : access_) a->save(w, c);
  }
  /// Reads what save() wrote; with `rows`, only the first `rows` rows (a blob saved before the
  /// later rows existed), the others keeping their values in c.
  void load(ByteReader& r, C& c, size_t rows = SIZE_MAX) const {
    for (size_t i = 0; i < access_.size() && i < rows; ++i) access_[i]->load(r, c);
  }
  /// Rows.
  size_t size() const { return access_.size(); }

 private:
  std::vector<ParamSpec> specs_;
  std::vector<std::shared_ptr<const Access>> access_;
};

}  // namespace malscope
