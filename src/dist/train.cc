#include "dist/train.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <numeric>

#include "eval/train.h"
#include "models/sampling.h"
#include "util/error.h"
#include "util/stopwatch.h"

namespace malscope {

void check_job_shards(const ShardInfo& mine, Collective& c) {
  nlohmann::json j = {
      {"source_id", mine.source_id}, {"shards", mine.shards}, {"index", mine.index}};
  std::vector<ShardInfo> infos;
  for (const std::string& bytes : c.all_gather(j.dump())) {
    auto o = nlohmann::json::parse(bytes);
    ShardInfo s;
    s.source_id = o.at("source_id").get<std::string>();
    s.shards = o.at("shards").get<uint32_t>();
    s.index = o.at("index").get<uint32_t>();
    infos.push_back(std::move(s));
  }
  if (infos.size() != infos[0].shards || std::any_of(infos.begin(), infos.end(), [&](auto& s) {
        return s.shards != infos[0].shards;
      })) {
    // Say which worker holds what before the generic check's message.
    for (size_t w = 0; w < infos.size(); ++w)
      if (infos[w].shards != infos.size())
        throw Error(fmt::format("worker {} holds shard {} of {}, but the job has {} workers", w,
                                infos[w].index, infos[w].shards, infos.size()));
  }
  check_shard_set(infos);
}

namespace {

// A matrix as bytes (rows, entries, labels and each row's source position).
std::string pack_matrix(const FeatureMatrix& x, std::span<const uint32_t> source_rows) {
  ByteWriter w;
  w.put(x.indptr);
  w.put(x.indices);
  w.put(x.values);
  w.put(x.labels);
  std::vector<uint32_t> src;
  for (uint32_t f : x.files) src.push_back(source_rows[f]);
  w.put(src);
  return std::move(w.str());
}

}  // namespace

FeatureMatrix gather_matrix(const FeatureMatrix& x, std::span<const uint32_t> source_rows,
                            Collective& c) {
  struct Part {
    std::vector<uint64_t> indptr;
    std::vector<uint32_t> indices;
    std::vector<float> values;
    std::vector<int32_t> labels;
    std::vector<uint32_t> src;
  };
  std::vector<Part> parts;
  struct Row {
    uint32_t src, part, row;
  };
  std::vector<Row> order;
  auto all = c.all_gather(pack_matrix(x, source_rows));
  for (size_t w = 0; w < all.size(); ++w) {
    ByteReader r(all[w], fmt::format("worker {}'s matrix", w));
    Part p;
    r.get(p.indptr);
    r.get(p.indices);
    r.get(p.values);
    r.get(p.labels);
    r.get(p.src);
    if (p.indptr.empty() || p.labels.size() + 1 != p.indptr.size() ||
        p.src.size() != p.labels.size() || p.indptr.back() != p.values.size() ||
        p.indices.size() != p.values.size())
      r.fail("inconsistent sizes");
    for (uint32_t i = 0; i < p.labels.size(); ++i) order.push_back({p.src[i], uint32_t(w), i});
    parts.push_back(std::move(p));
    std::string().swap(all[w]);
  }
  std::sort(order.begin(), order.end(), [](const Row& a, const Row& b) { return a.src < b.src; });
  FeatureMatrix m;
  m.names = x.names;
  for (const Row& o : order) {
    const Part& p = parts[o.part];
    for (uint64_t k = p.indptr[o.row]; k < p.indptr[o.row + 1]; ++k)
      m.indices.push_back(p.indices[k]), m.values.push_back(p.values[k]);
    m.indptr.push_back(m.values.size());
    m.labels.push_back(p.labels[o.row]);
    m.files.push_back(o.src);
  }
  return m;
}

std::optional<Bundle> train_distributed(const Sketches& s, std::span<const uint32_t> source_rows,
                                        const LearnSetup& setup, std::vector<double> weights,
                                        const std::string& store, Collective& c, const LogFn& log) {
  if (setup.models.empty()) throw UsageError("no models to train");
  if (weights.size() != setup.models.size())
    throw Error(fmt::format("{} blend weights for {} models", weights.size(), setup.models.size()));
  if (source_rows.size() != s.size())
    throw Error(fmt::format("{} source positions for {} rows", source_rows.size(), s.size()));
  const bool root = c.rank() == 0;
  // Classes over every worker: the largest label.
  std::vector<float> top{float(s.size() ? label_classes(s.labels()) : 0)};
  c.max(top);
  Bundle b;
  b.classes = std::max(2, int(top[0]));
  b.model_names = setup.models;
  BundleMember member{FeaturePipeline(feature_config(setup.params)), {}};
  FeaturePipeline& pipe = member.pipeline;
  pipe.set_threads(setup.threads);
  std::vector<uint32_t> all(s.size());
  std::iota(all.begin(), all.end(), 0u);
  pipe.fit_global(s, all, c);
  const int64_t files = c.sum(int64_t(all.size()));
  nlohmann::json rounds = nlohmann::json::object();
  for (const std::string& name : setup.models) {
    auto t0 = std::chrono::steady_clock::now();
    const bool shared = name == "xgb";  // trains through the collective; the rest on worker 0
    ModelContext ctx{setup.seed, setup.threads, shared ? &c : nullptr};
    auto m = make_model(name, setup.params, ctx);
    FeatureMatrix x = pipe.transform(s, all, m->value_kind());
    if (!shared) x = gather_matrix(x, source_rows, c);
    FitReport rep;
    if (shared || root) rep = m->fit(x, b.classes);
    rounds[name] = rep.rounds;
    if (log && (shared || root))
      log(fmt::format("trained {} on {} files {} in {:.1f}s ({})", name,
                      shared ? files : int64_t(x.rows()), fit_shape_text(*m, x, rep, setup.params),
                      seconds_since(t0),
                      shared ? fmt::format("{} workers through the collective", c.world())
                             : std::string("worker 0, on the gathered rows")));
    member.models.push_back(std::move(m));
  }
  if (!root) return std::nullopt;
  finish_bundle(b, std::move(member), std::move(weights), setup, store, size_t(files),
                std::move(rounds));
  b.info["workers"] = c.world();
  return b;
}

}  // namespace malscope
