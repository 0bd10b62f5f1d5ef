#include "models/bundle.h"

#include <fmt/format.h>
#include <map>

#include "util/error.h"
#include "util/hash.h"
#include "util/serial.h"

namespace malscope {
namespace {

constexpr std::string_view kMagic = "MSBUNDLE";
constexpr uint32_t kVersion = 1;

}  // namespace

std::vector<Predictions> predict_models(const FeaturePipeline& pipeline,
                                        const std::vector<std::unique_ptr<Model>>& models,
                                        const Sketches& s, std::span<const uint32_t> rows) {
  std::vector<Predictions> out;
  std::map<ValueKind, FeatureMatrix> cache;
  for (const auto& m : models) {
    auto it = cache.find(m->value_kind());
    if (it == cache.end())
      it = cache.emplace(m->value_kind(), pipeline.transform(s, rows, m->value_kind())).first;
    out.push_back(m->predict_proba(it->second));
  }
  return out;
}

Predictions Bundle::predict(const Sketches& s) const {
  Predictions sum;
  for (const BundleMember& m : members) {
    Predictions p = blend(predict_models(m.pipeline, m.models, s, {}), weights);
    if (sum.classes == 0) {
      sum = std::move(p);
      continue;
    }
    for (size_t i = 0; i < sum.prob.size(); ++i) sum.prob[i] += p.prob[i];
  }
  for (double& v : sum.prob) v /= double(members.size());
  apply_floor(sum, floor);
  return sum;
}

void apply_floor(Predictions& p, double floor) {
  if (floor > kProbEps) clip_normalize(p, floor);
}

std::string save_bundle(const Bundle& b) {
  if (b.model_names.size() != b.weights.size() || b.members.empty())
    throw Error(fmt::format("bundle: {} models, {} weights, {} members", b.model_names.size(),
                            b.weights.size(), b.members.size()));
  ByteWriter p;
  p.put_bytes(b.info.dump());
  p.put<int32_t>(b.classes);
  p.put<uint32_t>(uint32_t(b.model_names.size()));
  for (const std::string& n : b.model_names) p.put_bytes(n);
  p.put_vector(b.weights);
  p.put<uint32_t>(uint32_t(b.members.size()));
  for (const BundleMember& m : b.members) {
    if (m.models.size() != b.model_names.size()) throw Error("bundle: a member lacks models");
    p.put_bytes(m.pipeline.save());
    for (const auto& model : m.models) p.put_bytes(model->save());
  }
  ByteWriter w;
  w.put_raw(kMagic);
  w.put<uint32_t>(kVersion);
  w.put_bytes(p.str());
  w.put<uint64_t>(hash_bytes(p.str()));
  return std::move(w.str());
}

Bundle load_bundle(std::string_view bytes, const std::string& name, const ModelContext& ctx) {
  const std::string what = fmt::format("model bundle '{}'", name);
  ByteReader r(bytes, what);
  r.expect_raw(kMagic, "a malscope model bundle (train one with `malscope train`)");
  if (uint32_t v = r.get<uint32_t>(); v != kVersion)
    throw Error(
        fmt::format("{} has version {}, this malscope reads version {}", what, v, kVersion));
  std::string_view payload = r.get_bytes();
  if (r.get<uint64_t>() != hash_bytes(payload)) r.fail("checksum mismatch");
  r.expect_end();

  ByteReader p(payload, what);
  Bundle b;
  try {
    b.info = nlohmann::json::parse(p.get_bytes());
  } catch (const nlohmann::json::exception& e) {
    p.fail(fmt::format("its info is not JSON ({})", e.what()));
  }
  b.classes = p.get<int32_t>();
  const uint32_t n = p.get<uint32_t>();
  if (b.classes < 2 || n == 0 || n > 64) p.fail(fmt::format("{} classes, {} models", b.classes, n));
  for (uint32_t i = 0; i < n; ++i) b.model_names.emplace_back(p.get_bytes());
  b.weights = p.get_vector<double>();
  if (b.weights.size() != n) p.fail("weights do not match the models");
  const uint32_t members = p.get<uint32_t>();
  if (members == 0 || members > 1000) p.fail(fmt::format("{} members", members));
  Params params;
  if (b.info.contains("params")) params.update(b.info["params"]);
  b.floor = params.get_double("blend.floor");  // bundles from before blend.floor: the default
  for (uint32_t k = 0; k < members; ++k) {
    BundleMember m{FeaturePipeline::load(p.get_bytes()), {}};
    for (const std::string& model_name : b.model_names) {
      auto model = make_model(model_name, params, ctx);
      model->load(p.get_bytes());
      m.models.push_back(std::move(model));
    }
    b.members.push_back(std::move(m));
  }
  p.expect_end();
  return b;
}

}  // namespace malscope
