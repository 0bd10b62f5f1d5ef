#include "models/params.h"

#include <fmt/format.h>
#include <optional>
#include <stdexcept>
#include <vector>

#include "util/error.h"

namespace malscope {

// The xgb., linear., textcnn. and blend. rows (features. rows: features/pipeline.cc). Docs and
// --help list them in this order.
const ParamTable<XgbConfig>& xgb_params() {
  using C = XgbConfig;
  static const ParamTable<C> table{
      {"xgb.rounds", &C::rounds, 1, 1e6, "Most boosting rounds (early stopping ends sooner)"},
      {"xgb.early_stop", &C::early_stop, 0, 1e6,
       "Stop after this many rounds without a better validation logloss (0 = never)"},
      {"xgb.valid_share", &C::valid_share, 0, 0.5,
       "Share of the training rows held out (stratified) for early stopping"},
      {"xgb.eta", &C::eta, 1e-4, 1, "Learning rate"},
      {"xgb.max_depth", &C::max_depth, 1, 20, "Tree depth"},
      {"xgb.grow_policy",
       &C::grow_policy,
       {"depthwise", "lossguide"},
       "depthwise (level by level) or lossguide (leaf-wise: the leaf with the largest gain splits "
       "next, as LightGBM grows trees; bound it with xgb.max_leaves)"},
      {"xgb.max_leaves", &C::max_leaves, 0, 1e6, "Most leaves per tree (0 = no limit)"},
      {"xgb.min_child_weight", &C::min_child_weight, 0, 1e6, "Smallest hessian sum in a leaf"},
      {"xgb.subsample", &C::subsample, 0.05, 1, "Row share sampled per tree"},
      {"xgb.colsample_bytree", &C::colsample_bytree, 0.01, 1, "Column share sampled per tree"},
      {"xgb.lambda", &C::lambda, 0, 1e6, "L2 regularisation of leaf weights"},
      {"xgb.alpha", &C::alpha, 0, 1e6, "L1 regularisation of leaf weights"},
      {"xgb.max_bin", &C::max_bin, 2, 65536, "Histogram bins per feature"},
      {"xgb.class_weight", &C::class_weight, 0, 1,
       "Class weight power p: weight = (N / (K n_class))^p; 0 none, 1 balanced"},
      {"xgb.bags", &C::bags, 1, 100,
       "Boosters averaged, each with its own seed: row and column samples and early-stopping "
       "holdout"},
      {"xgb.class_cap", &C::class_cap, 0, 1e9,
       "Train on at most this many files per class (seeded sample, weighted up to the class's "
       "size); 0 = all"},
  };
  return table;
}

const ParamTable<LinearConfig>& linear_params() {
  using C = LinearConfig;
  static const ParamTable<C> table{
      {"linear.C", &C::C, 1e-6, 1e6, "Inverse L2 regularisation strength"},
      {"linear.solver",
       &C::solver,
       {"lr", "lr_dual"},
       "liblinear solver: lr_dual (L2R_LR_DUAL, coordinate descent on the dual: the same optimum "
       "as lr, faster on wide sparse rows; shuffled from the seed) or lr (L2R_LR, trust region "
       "Newton)"},
      {"linear.eps", &C::eps, 1e-8, 1, "Stopping tolerance"},
      {"linear.class_weight", &C::class_weight, 0, 1, "Class weight power p, as xgb.class_weight"},
      {"linear.scale", &C::scale, "Divide each column by its largest absolute training value"},
      {"linear.class_cap", &C::class_cap, 0, 1e9,
       "As xgb.class_cap, for the linear model (its class weight carries the correction)"},
  };
  return table;
}

const ParamTable<TextCnnConfig>& textcnn_params() {
  using C = TextCnnConfig;
  static const ParamTable<C> table{
      {"textcnn.embed", &C::embed, 1, 1024, "Embedding dimension of an API token"},
      {"textcnn.filters", &C::filters, 1, 4096, "Convolution filters per width"},
      {"textcnn.min_width", &C::min_width, 1, 16, "Narrowest convolution, in calls"},
      {"textcnn.max_width", &C::max_width, 1, 16,
       "Widest convolution, in calls (one convolution per width from min_width)"},
      {"textcnn.dropout", &C::dropout, 0, 0.95, "Dropout before the output layer"},
      {"textcnn.epochs", &C::epochs, 1, 1000, "Most passes over the training rows"},
      {"textcnn.patience", &C::patience, 0, 1000,
       "Stop after this many epochs without a better validation logloss (0 = never); the best "
       "epoch's weights are kept"},
      {"textcnn.batch", &C::batch, 1, 4096, "Rows per minibatch"},
      {"textcnn.lr", &C::lr, 1e-6, 1, "Adam's learning rate"},
      {"textcnn.weight_decay", &C::weight_decay, 0, 1, "L2 penalty on the weights (Adam)"},
      {"textcnn.valid_share", &C::valid_share, 0, 0.5,
       "Share of the training rows held out (stratified) to pick the best epoch"},
      {"textcnn.class_weight", &C::class_weight, 0, 1, "Class weight power p, as xgb.class_weight"},
      {"textcnn.class_cap", &C::class_cap, 0, 1e9, "As xgb.class_cap, for the TextCNN"},
  };
  return table;
}

const ParamTable<BlendConfig>& blend_params() {
  using C = BlendConfig;
  static const ParamTable<C> table{
      {"blend.step", &C::step, 0.001, 1,
       "Grid step of the blend weights searched on out-of-fold predictions"},
      {"blend.floor", &C::floor, 1e-6, 0.1,
       "Smallest class probability of the blend (rows renormalised): above the submission's 1e-6 "
       "it caps what one confident mistake costs"},
      {"blend.combine",
       &C::combine,
       {"auto", "blend", "temperature", "stack"},
       "How the models' probabilities become one: the weighted blend, the blend with a "
       "temperature fitted on out-of-fold predictions, a stack (multinomial logistic regression "
       "on the models' out-of-fold log-probabilities), or auto: whichever a CV nested in the "
       "out-of-fold predictions scores best"},
      {"blend.stack_l2", &C::stack_l2, 0, 100,
       "L2 penalty of the stack's weights (towards the models' weighted geometric mean); the "
       "nested CV tries it, 10 and 100 times it"},
  };
  return table;
}

template <class Self, class F>
void Params::each_group(Self& self, F&& f) {
  f(feature_params(), self.features_);
  f(xgb_params(), self.xgb_);
  f(linear_params(), self.linear_);
  f(textcnn_params(), self.textcnn_);
  f(blend_params(), self.blend_);
}

std::span<const ParamSpec> param_table() {
  static const std::vector<ParamSpec> rows = [] {
    std::vector<ParamSpec> out;
    const Params defaults;
    Params::each_group(defaults, [&](const auto& table, const auto&) {
      out.insert(out.end(), table.specs().begin(), table.specs().end());
    });
    return out;
  }();
  return rows;
}

const ParamSpec* find_param(std::string_view name) {
  for (const ParamSpec& s : param_table())
    if (s.name == name) return &s;
  return nullptr;
}

std::string param_table_markdown() {
  return param_markdown(param_table());
}

void Params::set(std::string_view name, std::string_view value) {
  bool found = false;
  each_group(*this, [&](const auto& table, auto& cfg) {
    if (auto i = table.find(name)) {
      table.set(cfg, *i, value);
      found = true;
    }
  });
  if (!found)
    throw UsageError(
        fmt::format("unknown parameter '{}' (see `malscope tune --list-params`)", name));
}

void Params::set_assignment(std::string_view a) {
  size_t eq = a.find('=');
  if (eq == std::string_view::npos)
    throw UsageError(fmt::format("'{}' is not name=value (e.g. xgb.max_depth=6)", a));
  set(a.substr(0, eq), a.substr(eq + 1));
}

std::string Params::get(std::string_view name) const {
  std::optional<std::string> v;
  each_group(*this, [&](const auto& table, const auto& cfg) {
    if (auto i = table.find(name)) v = table.get(cfg, *i);
  });
  if (!v) throw std::logic_error(fmt::format("no parameter '{}'", name));
  return *v;
}

bool Params::get_bool(std::string_view name) const {
  return get(name) == "true";
}

int64_t Params::get_int(std::string_view name) const {
  return std::stoll(get(name));
}

double Params::get_double(std::string_view name) const {
  return std::stod(get(name));
}

std::string Params::overrides() const {
  std::string out;
  each_group(*this, [&](const auto& table, const auto& cfg) {
    for (size_t i = 0; i < table.specs().size(); ++i) {
      const std::string v = table.get(cfg, i);
      if (v == table.specs()[i].def) continue;
      if (!out.empty()) out += ' ';
      out += fmt::format("{}={}", table.specs()[i].name, v);
    }
  });
  return out.empty() ? "defaults" : out;
}

nlohmann::json Params::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  each_group(*this, [&](const auto& table, const auto& cfg) { j.update(table.to_json(cfg)); });
  return j;
}

void Params::update(const nlohmann::json& values) {
  if (!values.is_object()) throw Error("parameters must be a JSON object of name: value");
  for (const auto& [k, v] : values.items()) set(k, param_text(v, k));
}

}  // namespace malscope
