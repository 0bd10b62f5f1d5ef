#pragma once
// The Scorer: a loaded bundle that gives each trace its class probabilities (exactly those of
// `predict`) and the reasons behind the verdict: the features that pushed the predicted class's
// score most, with their values in the file and their contributions. A contribution is in the
// models' margin units (log-odds): XGBoost's own TreeSHAP values (the exact contributions of each
// feature to each class's raw score, summed over the trees), the linear model's weight x value
// toward its one-vs-rest log-odds, and for the blend each model's contributions scaled by its
// blend weight (then averaged over the bundle's members). Positive pushes toward the class.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "features/sketches.h"
#include "models/bundle.h"
#include "serve/traces.h"

namespace malscope {

/// One feature's part in a verdict.
struct Reason {
  std::string feature;      ///< the column name (`api_count:NtClose`, `ng:A>B>C`, ...)
  double value = 0;         ///< its value in the file (the count-valued feature, 0 when absent)
  double contribution = 0;  ///< toward the predicted class, in log-odds units
  std::string text;         ///< in words: "NtClose called 3,412 times: +1.80 toward Trojan"
};

/// The verdict on one trace.
struct Verdict {
  std::string file_id;
  int predicted = 0;            ///< class with the largest probability (lowest on ties)
  std::vector<double> prob;     ///< one per class: Bundle::predict's, clipped as `predict` clips
  uint64_t calls = 0;           ///< API calls in the trace
  std::vector<Reason> reasons;  ///< largest |contribution| first
};

class Scorer {
 public:
  /// Takes the bundle read from `source` (bytes with SHA-256 `sha256`, for describe()); its
  /// features are built on `threads` threads (its models predict with the threads they were
  /// loaded with). Runs one empty trace through every model so that later concurrent calls find
  /// them configured.
  explicit Scorer(Bundle bundle, std::string source = "", std::string sha256 = "", int threads = 1);
  /// The bundle.
  const Bundle& bundle() const { return bundle_; }
  /// Its class names.
  const std::vector<std::string>& class_names() const { return class_names_; }
  /// How traces must be read for it (the API naming it was trained with).
  TraceReading reading(bool has_return_value) const { return {api_names_, has_return_value}; }
  /// The feature config sketches must be made with.
  const FeatureConfig& feature_config() const { return bundle_.feature_config(); }

  /// Verdicts for every row of `s`, with the top `reasons` reasons each (0: none). Safe to call
  /// from several threads at once.
  std::vector<Verdict> score(const Sketches& s, int reasons) const;

  /// What `GET /v1/model` shows: classes, feature families and parameters, the models and blend
  /// weights, the training CV figures, the bundle's file and hash.
  const nlohmann::json& describe() const { return description_; }

 private:
  void score_rows(const Sketches& s, std::span<const uint32_t> rows, int reasons,
                  std::vector<Verdict>& out) const;
  Bundle bundle_;
  std::vector<std::string> class_names_;
  ApiNaming api_names_ = ApiNaming::kAsIs;
  nlohmann::json description_;
};

/// Reads, checks and warms up a bundle file whose models and features use `threads` threads
/// (1 for a server, whose requests run in parallel). Throws Error naming the file if it is not a
/// bundle.
std::shared_ptr<const Scorer> load_scorer(const std::string& path, int threads = 1);

/// The words for a feature with its value ("NtClose called 3,412 times", "3-gram A > B > C
/// seen 12 times", "threads: 4").
std::string describe_feature(const std::string& column, double value);

/// A verdict as one JSON object: file_id, class, label, probs {name: p}, calls, reasons.
nlohmann::ordered_json verdict_json(const Verdict& v, const std::vector<std::string>& class_names);

}  // namespace malscope
