#include "models/bundle.h"

#include <fmt/format.h>
#include <map>

#include "store/class_names.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/serial.h"
#include "util/text.h"

namespace malscope {
namespace {

constexpr std::string_view kMagic = "MSBUNDLE";
// Version 2 stores the floor as a field, version 3 the temperature and stacker; versions 1 (no
// floor) and 2 still load.
constexpr uint32_t kVersion = 3;

// The floor a version-1 bundle was trained with: its info's params["blend.floor"], read as
// plain JSON (not through the parameter table, so renaming or retightening a parameter cannot
// break old bundles), or the submission's clip when absent (bundles from before blend.floor).
double floor_of_version_1(const nlohmann::json& info) {
  auto params = info.find("params");
  if (params != info.end() && params->is_object()) {
    auto floor = params->find("blend.floor");
    if (floor != params->end() && floor->is_number()) return floor->get<double>();
  }
  return kProbEps;
}

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

std::vector<std::string> Bundle::class_names() const {
  auto it = info.find("class_names");
  if (it != info.end() && it->is_array() && it->size() >= size_t(classes)) {
    std::vector<std::string> names;
    for (const auto& n : *it)
      if (n.is_string()) names.push_back(n.get<std::string>());
    if (names.size() == it->size()) return names;
  }
  return default_class_names(classes);
}

Predictions Bundle::predict(const Sketches& s) const {
  Predictions sum;
  for (const BundleMember& m : members) {
    Predictions p = combine(predict_models(m.pipeline, m.models, s, {}));
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

Predictions Bundle::combine(std::span<const Predictions> preds) const {
  if (!stack.empty()) return stack.predict(preds);
  Predictions p = blend(preds, weights);
  apply_temperature(p, temperature);
  return p;
}

void apply_floor(Predictions& p, double floor) {
  if (floor > kProbEps) clip_normalize(p, floor);
}

void Bundle::save(ByteWriter& w) const {
  if (model_names.size() != weights.size() || members.empty())
    throw Error(fmt::format("bundle: {} models, {} weights, {} members", model_names.size(),
                            weights.size(), members.size()));
  ByteWriter p;
  p.put_bytes(dump_json(info, -1));
  p.put<int32_t>(classes);
  p.put<uint32_t>(uint32_t(model_names.size()));
  for (const std::string& n : model_names) p.put_bytes(n);
  p.put_vector(weights);
  p.put<double>(floor);
  p.put<double>(temperature);
  p.put<int32_t>(stack.models);
  p.put_vector(stack.coef);
  p.put<uint32_t>(uint32_t(members.size()));
  for (const BundleMember& m : members) {
    if (m.models.size() != model_names.size()) throw Error("bundle: a member lacks models");
    p.put_bytes(to_bytes(m.pipeline));
    for (const auto& model : m.models) p.put_bytes(to_bytes(*model));
  }
  w.put_raw(kMagic);
  w.put<uint32_t>(kVersion);
  w.put_bytes(p.str());
  w.put<uint64_t>(hash_bytes(p.str()));
}

Bundle Bundle::load(ByteReader& r, const ModelContext& ctx) {
  const std::string& what = r.what();
  r.expect_raw(kMagic, "a malscope model bundle (train one with `malscope train`)");
  const uint32_t version = r.get<uint32_t>();
  if (version < 1 || version > kVersion)
    throw Error(fmt::format("{} has version {}, this malscope reads versions 1 to {}", what,
                            version, kVersion));
  std::string_view payload = r.get_bytes();
  if (r.get<uint64_t>() != hash_bytes(payload)) r.fail("checksum mismatch");

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
  b.floor = version == 1 ? floor_of_version_1(b.info) : p.get<double>();
  if (!(b.floor >= 0 && b.floor < 0.5))
    p.fail(fmt::format("its floor {} is not in [0, 0.5)", b.floor));
  if (version >= 3) {
    b.temperature = p.get<double>();
    if (!(b.temperature > 0 && b.temperature < 1e3))
      p.fail(fmt::format("its temperature {} is not positive", b.temperature));
    b.stack.models = p.get<int32_t>();
    b.stack.coef = p.get_vector<double>();
    if (!b.stack.coef.empty()) {
      b.stack.classes = b.classes;
      if (b.stack.models != int(n)) p.fail("its stacker does not match the models");
      try {
        b.stack.check("stacker");
      } catch (const Error& e) {
        p.fail(e.what());
      }
    }
  }
  const uint32_t members = p.get<uint32_t>();
  if (members == 0 || members > 1000) p.fail(fmt::format("{} members", members));
  for (uint32_t k = 0; k < members; ++k) {
    ByteReader pipe = p.get_blob(what + " (feature pipeline)");
    BundleMember m{FeaturePipeline::load(pipe), {}};
    pipe.expect_end();
    for (const std::string& model_name : b.model_names) {
      ByteReader blob = p.get_blob(fmt::format("{} ({} model)", what, model_name));
      m.models.push_back(load_model(model_name, blob, ctx));
      blob.expect_end();
    }
    b.members.push_back(std::move(m));
  }
  p.expect_end();
  return b;
}

std::string save_bundle(const Bundle& b) {
  return to_bytes(b);
}

Bundle load_bundle(std::string_view bytes, const std::string& name, const ModelContext& ctx) {
  ByteReader r(bytes, fmt::format("model bundle '{}'", name));
  Bundle b = Bundle::load(r, ctx);
  r.expect_end();
  return b;
}

}  // namespace malscope
