#pragma once
// The model bundle: everything `predict` needs in one file. The fitted feature pipeline (its
// vocabulary and scales, so test features are built exactly as in training), the fitted models
// and their blend weights, and a JSON record of how it was trained.
//
// Layout (little-endian): "MSBUNDLE" | u32 version | u64 payload bytes | payload | u64 checksum
// of the payload. Payload: JSON info, pipeline blob, u32 model count, then per model its name and
// blob, then the blend weights (f64).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "features/pipeline.h"
#include "features/sketches.h"
#include "models/model.h"

namespace malscope {

struct Bundle {
  FeaturePipeline pipeline;
  std::vector<std::unique_ptr<Model>> models;
  std::vector<double> weights;  ///< one per model, summing to 1
  int classes = 0;
  nlohmann::json info;  ///< how it was trained: params, models, seed, store, files

  /// Class probabilities of every row of `s` (sketches read with pipeline.config()): each model
  /// on the values it wants, blended.
  Predictions predict(const Sketches& s) const;
};

/// The bundle as bytes (deterministic: the same bundle gives the same bytes).
std::string save_bundle(const Bundle& b);
/// Reads a bundle; `name` (its path) is used in errors. Throws Error if the bytes are not a
/// bundle (bad magic), of another version, truncated or corrupt (checksum mismatch). Models are
/// created with `ctx` (threads for prediction).
Bundle load_bundle(std::string_view bytes, const std::string& name, const ModelContext& ctx);

/// Predicts with several models on the rows of `s`, sharing one transform per value kind.
std::vector<Predictions> predict_models(const FeaturePipeline& pipeline,
                                        const std::vector<std::unique_ptr<Model>>& models,
                                        const Sketches& s, std::span<const uint32_t> rows);

}  // namespace malscope
