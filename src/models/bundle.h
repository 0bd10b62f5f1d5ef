#pragma once
// The model bundle: everything `predict` needs in one file. One or more members, each a fitted
// feature pipeline (its vocabulary and scales, so test features are built exactly as in training)
// with its fitted models; the members' blends are averaged (several members: the k fold models of
// a CV, "bagging"). Plus the blend weights and a JSON record of how it was trained.
//
// Layout (little-endian): "MSBUNDLE" | u32 version | u64 payload bytes | payload | u64 checksum
// of the payload. Payload: JSON info, i32 classes, u32 model count, model names, blend weights
// (f64), f64 floor, u32 member count, then per member its pipeline blob and one blob per model
// (each a u64 length and what the object's save() writes). Version 1 (written until the floor
// became a field) has no floor: it is read from the info's blend.floor, 1e-6 when absent.
// Version 3 adds, after the floor, the blend's temperature (f64) and the stacker (i32 models,
// then its coefficients as a vector of f64; none: a plain blend); versions 1 and 2 load with
// temperature 1 and no stacker.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "features/pipeline.h"
#include "features/sketches.h"
#include "models/combine.h"
#include "models/model.h"

namespace malscope {

/// A fitted pipeline and the models fitted on its features.
struct BundleMember {
  FeaturePipeline pipeline;
  std::vector<std::unique_ptr<Model>> models;  ///< in Bundle::model_names order
};

struct Bundle {
  int classes = 0;
  std::vector<std::string> model_names;
  std::vector<double> weights;  ///< blend weight per model, summing to 1
  double floor = kProbEps;      ///< smallest class probability of the blend (blend.floor)
  double temperature = 1;       ///< the blend's temperature, fitted on out-of-fold predictions
  Stacker stack;                ///< when fitted, replaces the blend (and its temperature)
  std::vector<BundleMember> members;
  nlohmann::json info;  ///< how it was trained: params, models, seed, store, files

  /// One name per class: the training store's, kept in info["class_names"] (bundles from
  /// before names were kept: the defaults of store/class_names.h).
  std::vector<std::string> class_names() const;
  /// The feature config every member shares (sketches for predict are read with it).
  const FeatureConfig& feature_config() const { return members.at(0).pipeline.config(); }
  /// Class probabilities of every row of `s`: per member each model on the values it wants,
  /// combined (combine()), then averaged over members, then floored (apply_floor).
  Predictions predict(const Sketches& s) const;

  /// One member's model predictions as one: the stacker if there is one, else the blend with
  /// `weights` at `temperature`.
  Predictions combine(std::span<const Predictions> preds) const;

  /// Writes the bundle, version 3 (deterministic: the same bundle gives the same bytes).
  void save(ByteWriter& w) const;
  /// Reads a bundle of version 1, 2 or 3, with everything predict() needs (no parameter is parsed);
  /// models predict with ctx's threads. Throws Error naming r's data if the bytes are not a
  /// bundle (bad magic), of another version, truncated or corrupt (checksum mismatch).
  static Bundle load(ByteReader& r, const ModelContext& ctx);
};

/// Clips every probability of `p` to [floor, 1 - floor] and renormalises the rows; nothing
/// changes at the submission's own clip (kProbEps), so older outputs keep their bytes.
void apply_floor(Predictions& p, double floor);

/// The bundle as bytes (Bundle::save).
std::string save_bundle(const Bundle& b);
/// Bundle::load of the whole of `bytes`; `name` (its path) is used in errors.
Bundle load_bundle(std::string_view bytes, const std::string& name, const ModelContext& ctx);

/// Predicts with several models on the rows of `s`, sharing one transform per value kind.
std::vector<Predictions> predict_models(const FeaturePipeline& pipeline,
                                        const std::vector<std::unique_ptr<Model>>& models,
                                        const Sketches& s, std::span<const uint32_t> rows);

}  // namespace malscope
