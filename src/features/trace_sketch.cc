#include "features/trace_sketch.h"

#include <fmt/format.h>
#include <algorithm>

#include "features/file_stats.h"
#include "features/pipeline.h"
#include "util/error.h"

namespace malscope {

uint64_t api_name_hash(std::string_view name) {
  return hash_bytes(name, 0x6a09e667f3bcc909ULL);
}

NgramKey TraceSketch::ngram_key(size_t i) const {
  NgramKey key;
  const uint32_t tag = ngrams[i].tag;
  key.n = static_cast<uint8_t>(tag & 7);
  std::copy_n(seq.begin() + (tag >> 3), key.n, key.api);
  return key;
}

TraceSketcher::TraceSketcher(std::span<const std::string> api_names, bool has_return_value,
                             const FeatureConfig& cfg)
    : has_ret_(has_return_value),
      ngrams_(cfg.ngrams),
      collapse_(cfg.collapse_repeats),
      ngram_min_(cfg.ngram_min),
      ngram_max_(cfg.ngram_max),
      sequence_len_(cfg.sequence_len),
      families_(family_map(api_names)),
      count_(api_names.size(), 0),
      first_(api_names.size(), 0) {
  validate(cfg);
  for (const auto& a : api_names) name_hash_.push_back(api_name_hash(a));
  scalar_names_ = file_stat_names(has_ret_, families_);
  n_stats_ = scalar_names_.size();
  // Always: cheap, and a sketch then serves pipelines with or without family 4.
  for (const auto& n : thread_trait_names(families_)) scalar_names_.push_back("thread:" + n);
}

void TraceSketcher::count_apis(const FileTrace& t, TraceSketch& out) {
  for (uint32_t i = 0; i < t.n_rows; ++i) {
    uint16_t a = t.api[i];
    uint32_t pos = t.index.empty() ? i : t.index[i];
    if (count_[a]++ == 0) {
      touched_.push_back(a);
      first_[a] = pos;
    } else {
      first_[a] = std::min(first_[a], pos);
    }
  }
  std::sort(touched_.begin(), touched_.end());
  out.apis.clear();
  out.apis.reserve(touched_.size());
  for (uint16_t a : touched_) {
    out.apis.push_back({a, count_[a], first_[a]});
    count_[a] = 0;
  }
  touched_.clear();
}

void TraceSketcher::count_ngrams(const FileTrace& t, TraceSketch& out) {
  const int lo = ngram_min_, hi = ngram_max_;
  if (t.n_rows >= (1u << 29))  // positions are packed with the length into 32 bits
    throw Error(fmt::format("file '{}' has {} calls, more than n-gram counting supports (2^29)",
                            t.id, t.n_rows));
  std::vector<uint32_t> bounds = thread_bounds(t.tid);
  std::vector<uint16_t>& seq = out.seq;
  seq.clear();
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {
    const uint32_t begin = static_cast<uint32_t>(seq.size());
    for (uint32_t i = bounds[k]; i < bounds[k + 1]; ++i)
      if (!collapse_ || i == bounds[k] || t.api[i] != t.api[i - 1]) seq.push_back(t.api[i]);
    const uint32_t end = static_cast<uint32_t>(seq.size());
    // Every n-gram lies inside [begin, end): none spans two threads.
    for (uint32_t i = begin; i < end; ++i) {
      uint64_t h = kNgramSeed;
      const int longest = static_cast<int>(std::min<uint32_t>(hi, end - i));
      for (int n = 1; n <= longest; ++n) {
        h = ngram_extend(h, name_hash_[seq[i + n - 1]]);
        if (n >= lo) counter_.add(h, i << 3 | n);  // position and length of the first one
      }
    }
  }
  counter_.sorted(out.ngrams);
  counter_.clear();
}

void TraceSketcher::take_sequence(const FileTrace& t, TraceSketch& out) const {
  std::vector<uint32_t>& seq = out.sequence;
  seq.clear();
  if (sequence_len_ == 0) return;
  const std::vector<uint32_t> bounds = thread_bounds(t.tid);
  for (size_t k = 0; k + 1 < bounds.size() && seq.size() < sequence_len_; ++k) {
    if (k > 0) seq.push_back(kSequenceBreak);
    for (uint32_t i = bounds[k]; i < bounds[k + 1] && seq.size() < sequence_len_; ++i)
      if (i == bounds[k] || t.api[i] != t.api[i - 1]) seq.push_back(t.api[i]);
  }
}

void TraceSketcher::sketch(const FileTrace& t, TraceSketch& out) {
  count_apis(t, out);
  out.scalars.assign(scalar_names_.size(), 0.f);
  file_stats(t, has_ret_, families_, out.scalars.data());
  std::vector<double> tr = thread_traits(t, families_);
  for (size_t i = 0; i < tr.size(); ++i) out.scalars[n_stats_ + i] = static_cast<float>(tr[i]);
  out.ngrams.clear();
  out.seq.clear();
  if (ngrams_) count_ngrams(t, out);
  take_sequence(t, out);
  out.key = trace_key(t);
}

}  // namespace malscope
