// FeaturePipeline::save / load: a little-endian binary blob, "MSFEAT\r\n" + version + payload
// size + checksum, then the config and what fit() learned. Derived tables are rebuilt on load.
#include <fmt/format.h>
#include <cstring>

#include "features/pipeline.h"
#include "util/error.h"
#include "util/hash.h"

namespace malscope {

namespace {

constexpr char kMagic[8] = {'M', 'S', 'F', 'E', 'A', 'T', '\r', '\n'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeader = sizeof kMagic + 4 + 8 + 8;  // magic, version, payload size, checksum

class Writer {
 public:
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(const std::string& s) {
    put(uint64_t(s.size()));
    out += s;
  }
  template <class T>
  void put(const std::vector<T>& v) {
    put(uint64_t(v.size()));
    for (const auto& x : v) put(x);
  }
  std::string out;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <class T>
  void get(T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof v);
    std::memcpy(&v, in_.data(), sizeof v);
    in_.remove_prefix(sizeof v);
  }
  void get(std::string& s) {
    uint64_t n = 0;
    get(n);
    need(n);
    s.assign(in_.data(), n);
    in_.remove_prefix(n);
  }
  template <class T>
  void get(std::vector<T>& v) {
    uint64_t n = 0;
    get(n);
    need(n);  // every element takes at least one byte: bounds a corrupt count
    v.resize(n);
    for (auto& x : v) get(x);
  }
  bool done() const { return in_.empty(); }

 private:
  void need(uint64_t n) const {
    if (n > in_.size()) throw Error("feature pipeline blob is corrupt: truncated");
  }
  std::string_view in_;
};

}  // namespace

struct PipelineCodec {
  // Every saved field, in order; P is const for save, mutable for load.
  template <class IO, class P>
  static void fields(IO&& io, P& p) {
    auto& c = p.cfg_;
    io(c.api_stats, c.api_set, c.ngrams, c.threads, c.ngram_min, c.ngram_max, c.collapse_repeats,
       c.min_df, c.max_ngrams, c.sublinear_tf, c.rare_in_class0);
    io(p.train_rows_, p.apis_, p.rare_api_, p.scalars_, p.ngram_hash_, p.ngram_text_, p.ngram_idf_,
       p.scale_, p.columns_);
  }
};

std::string FeaturePipeline::save() const {
  if (!fitted_) throw Error("feature pipeline: save before fit");
  Writer w;
  PipelineCodec::fields([&](const auto&... v) { (w.put(v), ...); }, *this);
  std::string blob(kMagic, sizeof kMagic);
  Writer h;
  h.put(kVersion);
  h.put(uint64_t(w.out.size()));
  h.put(hash_bytes(w.out));
  return blob + h.out + w.out;
}

FeaturePipeline FeaturePipeline::load(std::string_view blob) {
  if (blob.size() < kHeader || std::memcmp(blob.data(), kMagic, sizeof kMagic) != 0)
    throw Error("not a feature pipeline blob (bad magic number)");
  Reader h(blob.substr(sizeof kMagic, kHeader - sizeof kMagic));
  uint32_t version = 0;
  uint64_t size = 0, checksum = 0;
  h.get(version), h.get(size), h.get(checksum);
  if (version != kVersion)
    throw Error(fmt::format("feature pipeline blob has version {}, this malscope reads {}", version,
                            kVersion));
  std::string_view payload = blob.substr(kHeader);
  if (payload.size() != size || hash_bytes(payload) != checksum)
    throw Error("feature pipeline blob is corrupt: size or checksum mismatch");
  FeaturePipeline p;
  Reader r(payload);
  PipelineCodec::fields([&](auto&... v) { (r.get(v), ...); }, p);
  if (!r.done()) throw Error("feature pipeline blob is corrupt: trailing bytes");
  validate(p.cfg_);
  std::vector<std::string> saved = p.columns_;
  if (p.rare_api_.size() != p.apis_.size() || p.ngram_text_.size() != p.ngram_hash_.size() ||
      p.ngram_idf_.size() != p.ngram_hash_.size())
    throw Error("feature pipeline blob is corrupt: table sizes disagree");
  p.build_columns();
  if (p.columns_ != saved || p.scale_.size() != p.columns_.size())
    throw Error("feature pipeline blob is corrupt: columns disagree");
  p.fitted_ = true;
  return p;
}

}  // namespace malscope
