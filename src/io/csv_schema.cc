#include "io/csv_schema.h"

#include <fmt/format.h>

#include "util/error.h"
#include "util/text.h"

namespace malscope {
namespace {

Field field_of(std::string_view name) {
  if (name == "file_id") return Field::kFileId;
  if (name == "label") return Field::kLabel;
  if (name == "api") return Field::kApi;
  if (name == "tid") return Field::kTid;
  if (name == "return_value") return Field::kReturnValue;
  if (name == "index") return Field::kIndex;
  return Field::kIgnored;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

constexpr const char* kExpected =
    "expected the columns file_id,api,tid,index (plus label in training files and return_value "
    "in season 1), in any order";

}  // namespace

CsvSchema CsvSchema::from_header(std::string_view line, const std::string& source) {
  if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  CsvSchema s;
  if (line.empty()) throw Error(fmt::format("{}:1: empty header line; {}", source, kExpected));
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    std::string_view name =
        trim(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    Field f = field_of(name);
    for (size_t i = 0; i < s.fields.size(); ++i)
      if (f != Field::kIgnored && s.fields[i] == f)
        throw Error(fmt::format("{}:1: header: column '{}' appears twice (columns {} and {})",
                                source, excerpt(name), i + 1, s.fields.size() + 1));
    if (s.fields.size() == kMaxColumns)
      throw Error(
          fmt::format("{}:1: header has more than {} columns; {}", source, kMaxColumns, kExpected));
    s.fields.push_back(f);
    s.names.emplace_back(name);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  auto has = [&](Field f) {
    for (Field x : s.fields)
      if (x == f) return true;
    return false;
  };
  for (auto [f, name] : {std::pair{Field::kFileId, "file_id"},
                         {Field::kApi, "api"},
                         {Field::kTid, "tid"},
                         {Field::kIndex, "index"}}) {
    if (!has(f))
      throw Error(fmt::format("{}:1: header '{}' has no column '{}'; {}", source,
                              excerpt(line, 120), name, kExpected));
  }
  s.has_label = has(Field::kLabel);
  s.has_return_value = has(Field::kReturnValue);
  return s;
}

std::string CsvSchema::format_name() const {
  bool extra = false;
  for (Field f : fields) extra |= f == Field::kIgnored;
  if (extra) return "custom";
  std::string name = has_return_value ? "season1" : "season2";
  return has_label ? name : name + "-test";
}

std::string CsvSchema::header() const {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += names[i];
  }
  return out;
}

}  // namespace malscope
