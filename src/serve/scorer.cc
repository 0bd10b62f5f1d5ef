#include "serve/scorer.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <unordered_map>

#include "models/explain.h"
#include "util/error.h"
#include "util/fs.h"

namespace malscope {
namespace {

// 3412 -> "3,412"; other values with up to 3 decimals.
std::string number(double v) {
  if (std::isfinite(v) && v == std::round(v) && std::abs(v) < 1e15) {
    std::string digits = fmt::format("{}", int64_t(std::abs(v)));
    std::string out = v < 0 ? "-" : "";
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    return out;
  }
  return fmt::format("{:.3g}", v);
}

std::string times(double n) {
  return n == 1 ? "once" : number(n) + " times";
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr))
    throw Error("SHA-256 of the bundle failed (OpenSSL EVP_Digest)");
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

// The value of column `c` in row `r` of x (0 when not stored).
float value_at(const FeatureMatrix& x, size_t r, uint32_t c) {
  auto b = x.indices.begin() + int64_t(x.indptr[r]),
       e = x.indices.begin() + int64_t(x.indptr[r + 1]);
  auto it = std::lower_bound(b, e, c);
  return it != e && *it == c ? x.values[size_t(it - x.indices.begin())] : 0.0f;
}

// One feature's summed contribution in one row (members may name it in different columns).
struct Part {
  double contribution = 0;
  double value = 0;
};

}  // namespace

std::string describe_feature(const std::string& col, double v) {
  size_t colon = col.find(':');
  std::string_view kind = std::string_view(col).substr(0, colon);
  std::string name = colon == std::string::npos ? col : col.substr(colon + 1);
  if (kind == "api_count")
    return v ? fmt::format("{} called {}", name, times(v)) : name + " not called";
  if (kind == "api_log")
    return v ? fmt::format("{} called {} (log scale)", name, times(std::round(std::expm1(v))))
             : name + " not called";
  if (kind == "api_first")
    return v ? fmt::format("{} first called at position {}", name, number(v - 1))
             : name + " not called";
  if (kind == "set")
    return v ? fmt::format("calls {}, which benign (class-0) training files rarely call", name)
             : fmt::format("does not call {} (rare in benign training files)", name);
  if (col == "set_count")
    return fmt::format("{} APIs that benign (class-0) training files rarely call", number(v));
  if (kind == "ng") {
    std::string seq;
    int n = 1;
    for (char ch : name) {
      if (ch == '>') {
        seq += " > ";
        ++n;
      } else {
        seq += ch;
      }
    }
    return v ? fmt::format("{}-gram {} seen {}", n, seq, times(v))
             : fmt::format("{}-gram {} not seen", n, seq);
  }
  if (kind == "ret_zero_share")
    return fmt::format("share of {} calls returning 0: {}", name == "all" ? "all" : name,
                       number(v));
  if (kind == "ret_neg_share")
    return fmt::format("share of {} calls returning an error (negative): {}",
                       name == "all" ? "all" : name, number(v));
  if (kind == "stat" || kind == "thread") {
    std::replace(name.begin(), name.end(), '_', ' ');
    return fmt::format("{}{}: {}", kind == "thread" ? "thread trait " : "", name, number(v));
  }
  return fmt::format("{} = {}", col, number(v));
}

Scorer::Scorer(Bundle bundle, std::string source, std::string sha256, int threads)
    : bundle_(std::move(bundle)) {
  for (BundleMember& m : bundle_.members) m.pipeline.set_threads(threads);
  class_names_ = bundle_.class_names();
  class_names_.resize(size_t(bundle_.classes));
  api_names_ = parse_api_naming(bundle_.info.value("api_names", "as-is"), source + ": api_names");
  // Configures every model on this thread (XGBoost sets itself up on its first prediction).
  TraceBatch empty;
  empty.files.push_back({"warm-up", -1, 0, 0, 0, 0, ""});
  score(sketch_batch(empty, reading(true), feature_config()), 1);

  const FeatureConfig& f = feature_config();
  std::vector<std::string> families;
  if (f.api_stats) families.push_back("api_stats");
  if (f.api_set) families.push_back("api_set");
  if (f.ngrams) families.push_back("ngrams");
  if (f.threads) families.push_back("threads");
  nlohmann::json& d = description_;
  d["file"] = source;
  d["sha256"] = sha256;
  d["classes"] = class_names_;
  d["models"] = bundle_.model_names;
  d["weights"] = bundle_.weights;
  d["members"] = bundle_.members.size();
  d["floor"] = bundle_.floor;
  d["api_names"] = std::string(api_naming_name(api_names_));
  d["feature_families"] = families;
  d["columns"] = bundle_.members.at(0).pipeline.column_names().size();
  for (const char* key : {"params", "cv", "seed", "store", "files", "rounds"})
    if (auto it = bundle_.info.find(key); it != bundle_.info.end()) d[key] = *it;
}

std::vector<Verdict> Scorer::score(const Sketches& s, int reasons) const {
  std::vector<Verdict> out(s.size());
  // Blocks of rows bound the contributions held (rows x classes x columns per model).
  constexpr size_t kBlock = 256;
  std::vector<uint32_t> rows;
  for (size_t b = 0; b < s.size(); b += kBlock) {
    rows.clear();
    for (size_t r = b; r < std::min(s.size(), b + kBlock); ++r) rows.push_back(uint32_t(r));
    score_rows(s, rows, reasons, out);
  }
  return out;
}

// Bundle::predict on `rows`, step for step (per member each model on the values it wants, the
// blend, the mean over members, the floor), keeping the matrices and the contributions.
void Scorer::score_rows(const Sketches& s, std::span<const uint32_t> rows, int reasons,
                        std::vector<Verdict>& out) const {
  const size_t n = rows.size(), K = size_t(bundle_.classes);
  struct MemberWork {
    FeatureMatrix counts;
    std::vector<std::vector<float>> contributions;  // per model (empty: none)
  };
  std::vector<MemberWork> work(bundle_.members.size());
  Predictions sum;
  for (size_t mi = 0; mi < bundle_.members.size(); ++mi) {
    const BundleMember& m = bundle_.members[mi];
    std::map<ValueKind, FeatureMatrix> x;
    std::vector<Predictions> preds;
    for (const auto& model : m.models) {
      auto it = x.find(model->value_kind());
      if (it == x.end())
        it = x.emplace(model->value_kind(), m.pipeline.transform(s, rows, model->value_kind()))
                 .first;
      preds.push_back(model->predict_proba(it->second));
      if (reasons > 0) work[mi].contributions.push_back(model_contributions(*model, it->second));
    }
    Predictions p = blend(preds, bundle_.weights);
    if (sum.classes == 0) {
      sum = std::move(p);
    } else {
      for (size_t i = 0; i < sum.prob.size(); ++i) sum.prob[i] += p.prob[i];
    }
    if (reasons > 0) {
      auto it = x.find(ValueKind::kCounts);
      work[mi].counts =
          it != x.end() ? std::move(it->second) : m.pipeline.transform(s, rows, ValueKind::kCounts);
    }
  }
  for (double& v : sum.prob) v /= double(bundle_.members.size());
  apply_floor(sum, bundle_.floor);
  for (size_t i = 0; i < n; ++i) {
    Verdict& v = out[rows[i]];
    v.file_id = s.file_id(rows[i]);
    auto row = sum.row(i);
    v.prob.assign(row.begin(), row.end());
    clip_normalize(v.prob);  // as the submission of `predict` clips its rows
    v.predicted = argmax(v.prob);
    for (const ApiCount& a : s.apis(rows[i])) v.calls += a.count;
  }
  if (reasons <= 0) return;

  // Per row: feature name -> summed contribution toward the predicted class, and its value.
  const double per_member = 1.0 / double(bundle_.members.size());
  std::vector<std::unordered_map<std::string_view, Part>> parts(n);
  for (size_t mi = 0; mi < bundle_.members.size(); ++mi) {
    const std::vector<std::string>& names = bundle_.members[mi].pipeline.column_names();
    const size_t cols = names.size(), width = cols + 1;
    std::vector<double> acc(n * cols, 0.0);
    for (size_t j = 0; j < work[mi].contributions.size(); ++j) {
      const std::vector<float>& c = work[mi].contributions[j];
      if (c.size() != n * K * width) continue;  // a model without contributions
      const double w = bundle_.weights[j] * per_member;
      for (size_t i = 0; i < n; ++i) {
        const float* src = c.data() + (i * K + size_t(out[rows[i]].predicted)) * width;
        double* dst = acc.data() + i * cols;
        for (size_t k = 0; k < cols; ++k) dst[k] += w * double(src[k]);
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const double* a = acc.data() + i * cols;
      for (size_t k = 0; k < cols; ++k) {
        if (a[k] == 0) continue;
        Part& part = parts[i][names[k]];
        part.contribution += a[k];
        part.value = value_at(work[mi].counts, i, uint32_t(k));
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    Verdict& v = out[rows[i]];
    std::vector<std::pair<std::string_view, Part>> all(parts[i].begin(), parts[i].end());
    // Largest push first; ties by name so the order does not depend on hashing.
    auto before = [](const auto& x, const auto& y) {
      double ax = std::abs(x.second.contribution), ay = std::abs(y.second.contribution);
      return ax != ay ? ax > ay : x.first < y.first;
    };
    size_t k = std::min(all.size(), size_t(reasons));
    std::partial_sort(all.begin(), all.begin() + int64_t(k), all.end(), before);
    const std::string& cls = class_names_[size_t(v.predicted)];
    for (size_t t = 0; t < k; ++t) {
      Reason reason;
      reason.feature = std::string(all[t].first);
      reason.value = all[t].second.value;
      reason.contribution = all[t].second.contribution;
      reason.text =
          fmt::format("{}: {:+.2f} toward {}", describe_feature(reason.feature, reason.value),
                      reason.contribution, cls);
      v.reasons.push_back(std::move(reason));
    }
  }
}

std::shared_ptr<const Scorer> load_scorer(const std::string& path, int threads) {
  std::string bytes = read_file(path);
  Bundle b = load_bundle(bytes, path, {0, threads});
  return std::make_shared<Scorer>(std::move(b), path, sha256_hex(bytes), threads);
}

nlohmann::ordered_json verdict_json(const Verdict& v, const std::vector<std::string>& names) {
  nlohmann::ordered_json j;
  j["file_id"] = v.file_id;
  j["class"] = names[size_t(v.predicted)];
  j["label"] = v.predicted;
  nlohmann::ordered_json probs = nlohmann::ordered_json::object();
  for (size_t c = 0; c < v.prob.size(); ++c) probs[names[c]] = v.prob[c];
  j["probs"] = std::move(probs);
  j["calls"] = v.calls;
  if (!v.reasons.empty()) {
    nlohmann::ordered_json rs = nlohmann::ordered_json::array();
    for (const Reason& r : v.reasons)
      rs.push_back({{"feature", r.feature},
                    {"value", r.value},
                    {"contribution", r.contribution},
                    {"text", r.text}});
    j["reasons"] = std::move(rs);
  }
  return j;
}

}  // namespace malscope
