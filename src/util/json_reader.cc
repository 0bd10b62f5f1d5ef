#include "util/json_reader.h"

#include <fmt/format.h>
#include <limits>

#include "util/error.h"

namespace malscope {

JsonReader::JsonReader(std::string kind, std::string source, std::string expected)
    : kind_(std::move(kind)), source_(std::move(source)), expected_(std::move(expected)) {}

nlohmann::json JsonReader::parse(const std::string& text) const {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(fmt::format("not valid JSON: {}", e.what()));
  }
}

const nlohmann::json& JsonReader::at(const nlohmann::json& j, std::string_view key,
                                     const std::string& path) const {
  if (!j.is_object() || !j.contains(key)) fail(fmt::format("{}{} is missing", path, key));
  return j.find(key).value();
}

double JsonReader::number(const nlohmann::json& j, std::string_view key,
                          const std::string& path) const {
  const nlohmann::json& v = at(j, key, path);
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!v.is_number()) wrong_type(path, key, v);
  return v.get<double>();
}

const nlohmann::json& JsonReader::array(const nlohmann::json& j, std::string_view key,
                                        const std::string& path) const {
  const nlohmann::json& v = at(j, key, path);
  if (!v.is_array()) fail(fmt::format("{}{} must be an array", path, key));
  return v;
}

const nlohmann::json& JsonReader::object(const nlohmann::json& j, std::string_view key,
                                         const std::string& path) const {
  const nlohmann::json& v = at(j, key, path);
  if (!v.is_object()) fail(fmt::format("{}{} must be an object", path, key));
  return v;
}

void JsonReader::fail(const std::string& what) const {
  throw Error(fmt::format("{} '{}': {} ({})", kind_, source_, what, expected_));
}

void JsonReader::wrong_type(const std::string& path, std::string_view key,
                            const nlohmann::json& v) const {
  fail(fmt::format("{}{} has the wrong type ({})", path, key, v.type_name()));
}

}  // namespace malscope
