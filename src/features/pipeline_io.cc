// FeaturePipeline::save / load: "MSFEAT\r\n" | u32 version | u64 payload size | u64 checksum of
// the payload | payload: the config (feature_params(), row by row), then what fit() learned.
// Derived tables are rebuilt on load. Each version adds one row at the end: 2
// features.sequence_len, 3 features.tree_ngrams, 4 features.tree_api_log; an older pipeline reads
// the rows it lacks as those versions built their matrices (no sequences, every n-gram and
// `api_log:` in the count matrices).
#include <fmt/format.h>

#include "features/pipeline.h"
#include "util/error.h"
#include "util/hash.h"

namespace malscope {

namespace {

constexpr std::string_view kMagic("MSFEAT\r\n", 8);
constexpr uint32_t kVersion = 4;

}  // namespace

struct PipelineCodec {
  // What fit() learned, in saved order; P is const for save, mutable for load.
  template <class IO, class P>
  static void fitted(IO&& io, P& p) {
    io(p.train_rows_, p.apis_, p.rare_api_, p.scalars_, p.ngram_hash_, p.ngram_text_, p.ngram_idf_,
       p.scale_, p.columns_);
  }
};

void FeaturePipeline::save(ByteWriter& out) const {
  if (!fitted_) throw Error("feature pipeline: save before fit");
  ByteWriter w;
  feature_params().save(w, cfg_);
  PipelineCodec::fitted([&](const auto&... v) { (w.put(v), ...); }, *this);
  out.put_raw(kMagic);
  out.put<uint32_t>(kVersion);
  out.put<uint64_t>(w.str().size());
  out.put<uint64_t>(hash_bytes(w.str()));
  out.put_raw(w.str());
}

FeaturePipeline FeaturePipeline::load(ByteReader& in) {
  in.expect_raw(kMagic, "a feature pipeline");
  const uint32_t version = in.get<uint32_t>();
  if (version < 1 || version > kVersion)
    throw Error(fmt::format("{} has version {}, this malscope reads 1 to {}", in.what(), version,
                            kVersion));
  const uint64_t size = in.get<uint64_t>(), checksum = in.get<uint64_t>();
  const std::string_view payload = in.get_raw(size);
  if (hash_bytes(payload) != checksum) in.fail("checksum mismatch");
  ByteReader r(payload, in.what());
  FeaturePipeline p;
  p.cfg_.sequence_len = 0;
  p.cfg_.tree_ngrams = 0;
  p.cfg_.tree_api_log = true;
  feature_params().load(r, p.cfg_, feature_params().size() - (kVersion - version));
  PipelineCodec::fitted([&](auto&... v) { (r.get(v), ...); }, p);
  r.expect_end();
  // Only what transform() relies on: the parameters' ranges are for new fits, so tightening one
  // cannot break an old bundle.
  const FeatureConfig& c = p.cfg_;
  if (c.ngram_min < 1 || c.ngram_min > c.ngram_max || c.ngram_max > kMaxNgram)
    r.fail(fmt::format("n-gram lengths {}..{}", c.ngram_min, c.ngram_max));
  if (!c.api_stats && !c.api_set && !c.ngrams && !c.threads) r.fail("every feature family is off");
  std::vector<std::string> saved = p.columns_;
  if (p.rare_api_.size() != p.apis_.size() || p.ngram_text_.size() != p.ngram_hash_.size() ||
      p.ngram_idf_.size() != p.ngram_hash_.size())
    r.fail("table sizes disagree");
  p.build_columns();
  if (p.columns_ != saved || p.scale_.size() != p.columns_.size()) r.fail("columns disagree");
  p.fitted_ = true;
  return p;
}

}  // namespace malscope
