#pragma once
// The learning parameters, defined once: every tunable knob of the feature pipeline and the
// models is a member of a config struct (FeatureConfig, XgbConfig, LinearConfig, BlendConfig),
// bound to one row of a parameter table (util/param_table.h: name, range, help; the member's
// initialiser is the default). The CLI flags of cv, train and tune, the `--space` of tune, the
// bundle's record of what was trained and the parameter table in docs/learning.md all come from
// the rows.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "features/pipeline.h"
#include "models/predictions.h"
#include "util/param_table.h"

namespace malscope {

/// The xgb.* parameters: how XgbModel fits (predicting needs none of them).
struct XgbConfig {
  int rounds = 1000;         ///< most boosting rounds
  int early_stop = 10;       ///< rounds without a better validation logloss (0 = never)
  double valid_share = 0.1;  ///< training rows held out for early stopping
  double eta = 0.2;          ///< learning rate
  int max_depth = 4;         ///< tree depth
  /// depthwise, or lossguide (leaf-wise, as LightGBM grows trees)
  std::string grow_policy = "depthwise";
  /// most leaves per tree (0 = no limit)
  int max_leaves = 0;
  double min_child_weight = 1;    ///< smallest hessian sum in a leaf
  double subsample = 0.8;         ///< row share per tree
  double colsample_bytree = 0.1;  ///< column share per tree
  double lambda = 1;              ///< L2 regularisation of leaf weights
  double alpha = 0;               ///< L1 regularisation of leaf weights
  int max_bin = 32;               ///< histogram bins per feature
  double class_weight = 0;        ///< class weight power (0 none, 1 balanced)
  int bags = 1;                   ///< boosters averaged, each with its own seed
  int class_cap = 40000;          ///< most training files per class (0 = all)

  bool operator==(const XgbConfig&) const = default;
};

/// The linear.* parameters: how LinearModel fits.
struct LinearConfig {
  double C = 0.3;                  ///< inverse L2 regularisation strength
  std::string solver = "lr_dual";  ///< liblinear solver: "lr" or "lr_dual"
  double eps = 0.01;               ///< stopping tolerance
  double class_weight = 0;         ///< class weight power, as XgbConfig::class_weight
  bool scale = true;               ///< divide each column by its largest absolute training value
  int class_cap = 40000;           ///< most training files per class (0 = all)

  bool operator==(const LinearConfig&) const = default;
};

/// The textcnn.* parameters: how TextCnnModel fits (its network's shape is saved with it).
struct TextCnnConfig {
  int embed = 32;            ///< embedding dimension
  int filters = 64;          ///< convolution filters per width
  int min_width = 2;         ///< narrowest convolution (tokens)
  int max_width = 5;         ///< widest convolution
  double dropout = 0.5;      ///< dropout before the output layer
  int epochs = 8;            ///< most passes over the training rows
  int patience = 2;          ///< epochs without a better validation logloss (0 = never stop)
  int batch = 32;            ///< rows per minibatch
  double lr = 0.002;         ///< Adam's learning rate
  double weight_decay = 0;   ///< L2 penalty on the weights
  double valid_share = 0.1;  ///< training rows held out to pick the best epoch
  double class_weight = 0;   ///< class weight power, as XgbConfig::class_weight
  int class_cap = 40000;     ///< most training files per class (0 = all)

  bool operator==(const TextCnnConfig&) const = default;
};

/// The blend.* parameters: how models' probabilities are combined.
struct BlendConfig {
  double step = 0.05;            ///< grid step of the weights searched on out-of-fold predictions
  double floor = kProbEps;       ///< smallest class probability of the blend
  std::string combine = "auto";  ///< blend, temperature, stack, or auto (CV picks the best)
  double stack_l2 = 0.01;        ///< stacker's L2 pull towards the geometric mean

  bool operator==(const BlendConfig&) const = default;
};

/// The xgb.* rows.
const ParamTable<XgbConfig>& xgb_params();
/// The linear.* rows.
const ParamTable<LinearConfig>& linear_params();
/// The textcnn.* rows.
const ParamTable<TextCnnConfig>& textcnn_params();
/// The blend.* rows.
const ParamTable<BlendConfig>& blend_params();

/// The whole table: the features., xgb., linear., textcnn. and blend. rows, in that order.
std::span<const ParamSpec> param_table();
/// The row named `name`, or nullptr.
const ParamSpec* find_param(std::string_view name);
/// The table as a Markdown table (for docs/learning.md).
std::string param_table_markdown();

/// A full set of learning parameters: the structs' defaults with overrides, each checked by its
/// row. Models and the pipeline read the typed structs; tools address values by name.
class Params {
 public:
  /// All defaults.
  Params() = default;
  /// Sets one value; throws UsageError naming the parameter and what it expects if the name is
  /// unknown or the value has the wrong type or range.
  void set(std::string_view name, std::string_view value);
  /// Sets "name=value".
  void set_assignment(std::string_view assignment);
  /// The value as canonical text; throws std::logic_error for an unknown name.
  std::string get(std::string_view name) const;
  /// The value of a bool parameter.
  bool get_bool(std::string_view name) const;
  /// The value of an integer parameter.
  int64_t get_int(std::string_view name) const;
  /// The value of a number parameter.
  double get_double(std::string_view name) const;
  /// Values differing from the defaults, "a=1 b=2" (for tables and logs).
  std::string overrides() const;
  /// Every value, as a JSON object keyed by name (typed).
  nlohmann::json to_json() const;
  /// Applies a JSON object of name -> value (e.g. tune's best config); checked like set().
  void update(const nlohmann::json& values);
  bool operator==(const Params&) const = default;

  /// The features.* values.
  const FeatureConfig& features() const { return features_; }
  /// The xgb.* values.
  const XgbConfig& xgb() const { return xgb_; }
  /// The linear.* values.
  const LinearConfig& linear() const { return linear_; }
  /// The textcnn.* values.
  const TextCnnConfig& textcnn() const { return textcnn_; }
  /// The blend.* values.
  const BlendConfig& blend() const { return blend_; }

 private:
  friend std::span<const ParamSpec> param_table();
  /// Calls f(table, config) for each group, in table order.
  template <class Self, class F>
  static void each_group(Self& self, F&& f);

  FeatureConfig features_;
  XgbConfig xgb_;
  LinearConfig linear_;
  TextCnnConfig textcnn_;
  BlendConfig blend_;
};

}  // namespace malscope
