#pragma once
// The Model interface: fit on a FeatureMatrix, predict class probabilities, save to a ByteWriter
// and load from a ByteReader. Models are created by name ("xgb", "linear", "textcnn"); each lives
// in its own file.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "features/feature_matrix.h"
#include "features/pipeline.h"
#include "models/params.h"
#include "models/predictions.h"
#include "util/collective.h"
#include "util/serial.h"

namespace malscope {

/// Settings every model shares.
struct ModelContext {
  uint64_t seed = 0;  ///< same seed, same data -> same model bytes
  int threads = 1;    ///< worker threads (>= 1)
  /// The workers of a distributed fit (null: one process). A model that supports it trains on
  /// every worker's rows together (xgb, through XGBoost's collective); fit() then runs on every
  /// worker at once.
  Collective* collective = nullptr;
};

/// Gain of one column in a tree model.
struct FeatureGain {
  uint32_t column = 0;
  double gain = 0;
};

/// What fit() reports (for logs and tables).
struct FitReport {
  int rounds = 0;             ///< boosting rounds kept (trees per class), 0 for other models
  double valid_logloss = -1;  ///< early-stopping validation logloss, -1 if none
  size_t rows = 0;            ///< rows fitted on (fewer than given under a class cap)
};

class Model {
 public:
  virtual ~Model() = default;
  /// The name it is created by.
  virtual std::string_view name() const = 0;
  /// The values it is fed: counts for trees, TF-IDF for linear models.
  virtual ValueKind value_kind() const = 0;
  /// Trains on x (labels in x.labels, each in [0, classes)); replaces any earlier fit.
  virtual FitReport fit(const FeatureMatrix& x, int classes) = 0;
  /// Class probabilities of every row of x (x has the training columns).
  virtual Predictions predict_proba(const FeatureMatrix& x) const = 0;
  /// Writes the fitted model: magic, version, and everything predict_proba needs.
  virtual void save(ByteWriter& w) const = 0;
  /// Restores a fitted model saved by save(); throws Error (naming r's data) if the bytes are not
  /// one. The fit settings are not needed: a loaded model predicts as the saved one did.
  virtual void load(ByteReader& r) = 0;
  /// Gain per column, for importance tables; empty if the model has none.
  virtual std::vector<FeatureGain> importance() const { return {}; }
};

/// Class weights (N / (K n_c))^power per class (1 for classes without rows), the imbalance
/// correction the models share (power 0: all 1, power 1: balanced).
std::vector<float> class_weights(std::span<const int32_t> labels, int classes, double power);
/// class_weights() from the rows per class (`n`, one per class) and their sum `total`.
std::vector<float> class_weights_of_counts(std::span<const double> n, double total, double power);

/// Rows to train on when each class keeps at most `cap` rows (0: no cap).
struct ClassSample {
  bool capped = false;         ///< false: every row is kept (rows is empty)
  std::vector<uint32_t> rows;  ///< kept rows, ascending
  std::vector<float> factor;   ///< per class n_c / kept_c: restores the class's total weight
};
/// Samples at most `cap` rows of each class with `seed` (the `*.class_cap` parameters): on
/// season-1 data, 95% of files are class 0 and a cap makes fits several times cheaper.
ClassSample cap_per_class(std::span<const int32_t> labels, int classes, int64_t cap, uint64_t seed);
/// The matrix of `rows` of x (same columns).
FeatureMatrix select_rows(const FeatureMatrix& x, std::span<const uint32_t> rows);

/// Names make_model() accepts, in the order they are documented.
const std::vector<std::string>& model_names();
/// Creates an untrained model with its group of `params` (xgb.*, linear.*, textcnn.*); throws
/// UsageError for an unknown name.
std::unique_ptr<Model> make_model(std::string_view name, const Params& params,
                                  const ModelContext& ctx);
/// Reads a model `name` saved by Model::save (predicting with ctx's threads); throws Error for an
/// unknown name or corrupt bytes.
std::unique_ptr<Model> load_model(std::string_view name, ByteReader& r, const ModelContext& ctx);

}  // namespace malscope
