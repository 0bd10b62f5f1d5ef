#include "report/cv_results.h"

#include <fmt/format.h>
#include <limits>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/fs.h"

namespace malscope {

namespace {

using nlohmann::json;

// Field access that names the file and the JSON path when something is missing or mistyped.
class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  const json& at(const json& j, const std::string& key, const std::string& path) const {
    if (!j.is_object() || !j.contains(key)) fail(fmt::format("{}{} is missing", path, key));
    return j.at(key);
  }
  template <class T>
  T get(const json& j, const std::string& key, const std::string& path) const {
    const json& v = at(j, key, path);
    try {
      return v.get<T>();
    } catch (const json::exception&) {
      fail(fmt::format("{}{} has the wrong type ({})", path, key, v.type_name()));
    }
  }
  // A metric that is undefined (0/0, say for a class without files) is written as null.
  double number(const json& j, const std::string& key, const std::string& path) const {
    const json& v = at(j, key, path);
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    return get<double>(j, key, path);
  }
  const json& array(const json& j, const std::string& key, const std::string& path) const {
    const json& v = at(j, key, path);
    if (!v.is_array()) fail(fmt::format("{}{} must be an array", path, key));
    return v;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(fmt::format(
        "CV results '{}': {} (expected the JSON `malscope cv --json-out` writes)", source_, what));
  }

 private:
  const std::string& source_;
};

}  // namespace

CvResults parse_cv_results(const std::string& text, const std::string& source) {
  Reader r(source);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    r.fail(fmt::format("not valid JSON: {}", e.what()));
  }
  CvResults c;
  const json& ds = r.at(j, "dataset", "");
  c.store = r.get<std::string>(ds, "store", "dataset.");
  c.files = r.get<uint32_t>(ds, "files", "dataset.");
  c.classes = r.get<int>(ds, "classes", "dataset.");
  c.folds = r.get<int>(j, "folds", "");
  c.seed = r.get<uint64_t>(j, "seed", "");
  c.models = r.get<std::vector<std::string>>(j, "models", "");
  const json& m = r.at(j, "metrics", "");
  c.logloss = r.number(m, "logloss", "metrics.");
  c.tianchi_logloss = r.number(m, "tianchi_logloss", "metrics.");
  c.accuracy = r.number(m, "accuracy", "metrics.");
  c.macro_f1 = r.number(m, "macro_f1", "metrics.");
  for (const json& x : r.array(j, "per_class", "")) {
    const std::string p = fmt::format("per_class[{}].", c.per_class.size());
    c.per_class.push_back({r.get<int>(x, "class", p), r.get<uint32_t>(x, "files", p),
                           r.number(x, "logloss", p), r.number(x, "precision", p),
                           r.number(x, "recall", p), r.number(x, "f1", p)});
  }
  for (const json& x : r.array(j, "pairs", "")) {
    const std::string p = fmt::format("pairs[{}].", c.pairs.size());
    c.pairs.push_back({r.get<int>(x, "class", p), r.number(x, "logloss", p),
                       r.get<uint32_t>(x, "files", p)});
  }
  c.confusion = r.get<std::vector<std::vector<uint64_t>>>(j, "confusion", "");
  for (const auto& row : c.confusion)
    if (row.size() != c.confusion.size())
      r.fail(fmt::format("confusion must be square, has {} rows and a row of {}",
                         c.confusion.size(), row.size()));
  for (const json& x : r.array(j, "feature_importance", "")) {
    const std::string p = fmt::format("feature_importance[{}].", c.importance.size());
    c.importance.emplace_back(r.get<std::string>(x, "name", p), r.number(x, "gain", p));
  }
  c.oof_path = r.get<std::string>(j, "oof_path", "");
  return c;
}

CvResults load_cv_results(const std::string& path) {
  return parse_cv_results(read_file(path), path);
}

}  // namespace malscope
