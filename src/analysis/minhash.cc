#include "analysis/minhash.h"

#include <fmt/format.h>
#include <algorithm>
#include <bit>

#include "features/thread_traits.h"
#include "util/error.h"
#include "util/hash.h"

namespace malscope {

namespace {
constexpr uint32_t kEmpty = 0xffffffffu;
constexpr uint64_t kLevelMix = 0xd6e8feb86659fd93ULL;

// n <= 3 API ids of 16 bits and the length in bits 48..51: exact, and never 0 (length >= 1).
uint64_t pack(const uint16_t* api, int n) {
  uint64_t key = uint64_t(n) << 48;
  for (int i = 0; i < n; ++i) key |= uint64_t(api[i]) << (16 * i);
  return key;
}
}  // namespace

const ParamTable<MinHashOptions>& minhash_params() {
  using C = MinHashOptions;
  static const ParamTable<C> table{
      {"ngram", &C::ngram, 1, 3, "API n-gram length of the shingles (1..3)"},
      {"minhash", &C::num_hashes, "MinHash signature length (power of two)"},
  };
  return table;
}

void validate(const MinHashOptions& o) {
  if (o.ngram < 1 || o.ngram > 3)
    throw UsageError(fmt::format("shingle n-gram length must be 1..3, got {}", o.ngram));
  if (o.num_hashes < 8 || o.num_hashes > 1024 || !std::has_single_bit(unsigned(o.num_hashes)))
    throw UsageError(
        fmt::format("MinHash length must be a power of two in [8, 1024], got {}", o.num_hashes));
}

Shingler::Shingler(const MinHashOptions& o) : opt_(o) {
  validate(o);
  bin_shift_ = 64 - std::countr_zero(unsigned(o.num_hashes));
  keys_.assign(1024, 0);
  counts_.assign(1024, 0);
  raw_.resize(o.num_hashes);
  filled_.resize(o.num_hashes);
}

void Shingler::grow() {
  std::vector<uint64_t> old_keys(keys_.size() * 2, 0);
  std::vector<uint32_t> old_counts(counts_.size() * 2, 0);
  old_keys.swap(keys_);
  old_counts.swap(counts_);
  std::vector<uint32_t> old_used;
  old_used.swap(used_);
  const size_t mask = keys_.size() - 1;
  for (uint32_t s : old_used) {
    size_t i = mix64(old_keys[s]) & mask;
    while (keys_[i]) i = (i + 1) & mask;
    keys_[i] = old_keys[s];
    counts_[i] = old_counts[s];
    used_.push_back(static_cast<uint32_t>(i));
  }
}

void Shingler::count(uint64_t key) {
  const size_t mask = keys_.size() - 1;
  size_t i = mix64(key) & mask;
  while (keys_[i] && keys_[i] != key) i = (i + 1) & mask;
  if (keys_[i]) {
    counts_[i]++;
    return;
  }
  keys_[i] = key;
  counts_[i] = 1;
  used_.push_back(static_cast<uint32_t>(i));
  if (used_.size() * 2 > keys_.size()) grow();
}

void Shingler::signature(const FileTrace& t, std::span<uint32_t> sig) {
  for (uint32_t s : used_) keys_[s] = 0;
  used_.clear();
  const int n = opt_.ngram;
  std::vector<uint32_t> b = thread_bounds(t.tid);
  for (size_t k = 0; k + 1 < b.size(); ++k) {
    const uint32_t len = b[k + 1] - b[k];
    const uint16_t* p = t.api.data() + b[k];
    if (len < static_cast<uint32_t>(n)) {
      count(pack(p, static_cast<int>(len)));
      continue;
    }
    for (uint32_t i = 0; i + n <= len; ++i) count(pack(p + i, n));
  }
  // One permutation: the top bits of an element's hash pick its bin, the low bits compete.
  std::fill(raw_.begin(), raw_.end(), kEmpty);
  std::fill(filled_.begin(), filled_.end(), 0);
  elements_ = 0;
  for (uint32_t s : used_) {
    const uint64_t base = mix64(keys_[s]);
    const int levels = opt_.weighted ? std::bit_width(counts_[s]) : 1;
    for (int level = 0; level < levels; ++level) {
      const uint64_t h = mix64(base ^ (kLevelMix * uint64_t(level)));
      const size_t bin = h >> bin_shift_;
      raw_[bin] = std::min(raw_[bin], static_cast<uint32_t>(h));
      filled_[bin] = 1;
    }
    elements_ += levels;
  }
  // Optimal densification: an empty bin borrows from a filled bin chosen by its own probe
  // sequence, which keeps the estimator unbiased for sparse traces.
  const uint32_t mask = static_cast<uint32_t>(sig.size() - 1);
  for (size_t i = 0; i < sig.size(); ++i) {
    if (filled_[i] || elements_ == 0) {
      sig[i] = raw_[i];
      continue;
    }
    for (uint64_t attempt = 0;; ++attempt) {
      size_t j = mix64((uint64_t(i) << 32) + attempt + 1) & mask;
      if (filled_[j]) {
        sig[i] = raw_[j];
        break;
      }
    }
  }
}

double estimate_jaccard(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  if (a.empty() || a.size() != b.size()) return 0;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return static_cast<double>(same) / a.size();
}

}  // namespace malscope
