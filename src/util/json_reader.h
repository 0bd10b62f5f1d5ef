#pragma once
// Reading a JSON document the project wrote (CV results, fold tasks): every missing or mistyped
// field is an Error naming the file and the JSON path, e.g. "CV results 'cv.json':
// metrics.macro_f1 is missing (expected the JSON `malscope cv --json-out` writes)".
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace malscope {

class JsonReader {
 public:
  /// `kind` names the document ("CV results"), `source` where it came from (a path), `expected`
  /// what it should have been (ends every message, in parentheses).
  JsonReader(std::string kind, std::string source, std::string expected);

  /// Parses `text`; a syntax error is fail("not valid JSON: ...").
  nlohmann::json parse(const std::string& text) const;
  /// j[key]; `path` is the JSON path of j with a trailing dot ("" at the top, "dataset.").
  const nlohmann::json& at(const nlohmann::json& j, std::string_view key,
                           const std::string& path) const;
  /// j[key] as T.
  template <class T>
  T get(const nlohmann::json& j, std::string_view key, const std::string& path) const {
    const nlohmann::json& v = at(j, key, path);
    try {
      return v.get<T>();
    } catch (const nlohmann::json::exception&) {
      wrong_type(path, key, v);
    }
  }
  /// j[key] as a number; null (how an undefined metric such as 0/0 is written) gives NaN.
  double number(const nlohmann::json& j, std::string_view key, const std::string& path) const;
  /// j[key], which must be an array.
  const nlohmann::json& array(const nlohmann::json& j, std::string_view key,
                              const std::string& path) const;
  /// j[key], which must be an object.
  const nlohmann::json& object(const nlohmann::json& j, std::string_view key,
                               const std::string& path) const;
  /// Throws Error: "<kind> '<source>': <what> (<expected>)".
  [[noreturn]] void fail(const std::string& what) const;

 private:
  [[noreturn]] void wrong_type(const std::string& path, std::string_view key,
                               const nlohmann::json& v) const;
  std::string kind_, source_, expected_;
};

}  // namespace malscope
