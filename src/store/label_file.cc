#include "store/label_file.h"

#include <fmt/format.h>
#include <algorithm>
#include <charconv>
#include <map>

#include "store/class_names.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/text.h"

namespace malscope {
namespace {

std::string trimmed(std::string_view f) {
  size_t b = f.find_first_not_of(" \t"), e = f.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(f.substr(b, e - b + 1));
}

int column(const std::vector<std::string>& header, std::initializer_list<std::string_view> names) {
  for (std::string_view want : names)
    for (size_t i = 0; i < header.size(); ++i)
      if (LabelMap::key(header[i]) == want) return static_cast<int>(i);
  return -1;
}

bool as_number(const std::string& s, int32_t& v) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && v >= 0 && v <= 999;
}

struct Row {
  std::string id, label;
  uint64_t line;
};

// Class numbers for names, by the rules in the header.
std::map<std::string, int32_t> number_names(const std::vector<Row>& rows,
                                            std::vector<std::string>& names) {
  std::map<std::string, int32_t> ids;
  for (const Row& r : rows) ids.emplace(r.label, 0);
  auto all_in = [&](const std::vector<std::string>& known) {
    for (const auto& [name, id] : ids)
      if (std::find(known.begin(), known.end(), name) == known.end()) return false;
    return true;
  };
  const std::vector<std::string> two = default_class_names(2);
  std::vector<std::string> tianchi;
  for (std::string_view n : tianchi_class_names()) tianchi.emplace_back(n);
  const std::vector<std::string>* known = all_in(two) ? &two : all_in(tianchi) ? &tianchi : nullptr;
  if (known) {
    int32_t top = 0;
    for (auto& [name, id] : ids) {
      id = static_cast<int32_t>(std::find(known->begin(), known->end(), name) - known->begin());
      top = std::max(top, id);
    }
    names.assign(known->begin(), known->begin() + top + 1);
    return ids;
  }
  names.clear();
  for (auto& [name, id] : ids) {  // std::map: alphabetical
    id = static_cast<int32_t>(names.size());
    names.push_back(name);
  }
  return ids;
}

}  // namespace

LabelFile read_label_file(const std::string& path, const std::vector<std::string>& given) {
  CsvLines csv(path);
  std::vector<std::string> header;
  int id_col = -1, label_col = -1;
  std::vector<Row> rows;
  std::vector<std::string_view> fields;
  while (csv.next(fields)) {
    std::vector<std::string> f;
    for (std::string_view x : fields) f.push_back(trimmed(x));
    if (header.empty()) {
      header = f;
      id_col = column(header, {"sha256", "file_id", "md5"});
      label_col = column(header, {"label", "family", "classification_family"});
      if (id_col < 0 || label_col < 0)
        csv.fail(fmt::format(
            "expected a header with an id column (sha256, md5 or file_id) and a label column "
            "(label, family or classification_family), got '{}'",
            excerpt(fmt::format("{}", fmt::join(header, ",")), 200)));
      continue;
    }
    const size_t need = static_cast<size_t>(std::max(id_col, label_col)) + 1;
    if (f.size() < need || f[id_col].empty() || f[label_col].empty())
      csv.fail(fmt::format("expected a {} and a {}, got '{}'", header[id_col], header[label_col],
                           excerpt(fmt::format("{}", fmt::join(f, ",")), 200)));
    rows.push_back({f[id_col], f[label_col], csv.line()});
  }
  if (header.empty()) throw Error(fmt::format("labels file '{}' is empty", path));

  LabelFile out;
  out.map = std::make_shared<LabelMap>();
  LabelMap& m = *out.map;
  m.path = path;
  int32_t v = 0;
  std::map<std::string, int32_t> by_name;
  if (!given.empty()) {
    for (size_t i = 0; i < given.size(); ++i) by_name[given[i]] = static_cast<int32_t>(i);
    out.class_names = given;
  } else if (!rows.empty() && !as_number(rows[0].label, v)) {
    for (const Row& r : rows)
      if (as_number(r.label, v))
        throw Error(
            fmt::format("{}:{}: label '{}' is a number where line {} has a name ('{}'); "
                        "use numbers or names, not both",
                        path, r.line, r.label, rows[0].line, rows[0].label));
    by_name = number_names(rows, out.class_names);
  }
  std::vector<uint64_t> first_line;
  for (const Row& r : rows) {
    int32_t label = 0;
    auto it = by_name.find(r.label);
    if (it != by_name.end()) {
      label = it->second;
    } else if (!as_number(r.label, label)) {
      throw Error(fmt::format("{}:{}: label '{}' is {}", path, r.line, r.label,
                              given.empty() ? "not a class number (0-999) like the first line's"
                                            : "neither a name in --class-names nor a number"));
    } else if (!given.empty() && static_cast<size_t>(label) >= given.size()) {
      throw Error(fmt::format("{}:{}: label {} but --class-names names {} classes", path, r.line,
                              label, given.size()));
    }
    auto [e, fresh] = m.entry.emplace(LabelMap::key(r.id), static_cast<uint32_t>(m.ids.size()));
    if (!fresh) {
      if (m.labels[e->second] != label)
        throw Error(fmt::format("{}:{}: '{}' has label '{}' here but another on line {}", path,
                                r.line, r.id, r.label, first_line[e->second]));
      continue;
    }
    m.ids.push_back(r.id);
    m.labels.push_back(label);
    first_line.push_back(r.line);
  }
  return out;
}

}  // namespace malscope
