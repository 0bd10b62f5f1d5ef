#pragma once
// The project's seeded random numbers, in one place: generators written out here because std::
// engines' distributions differ between standard libraries, and every seed must give the same
// folds, holdouts, samples and simulated bytes on any machine.
//   Rng         splitmix64: folds, holdouts, class caps, tune's samples, the audit's shuffles
//   Xoshiro256  xoshiro256** seeded through splitmix64, with derive_key: the simulator's streams
#include <cmath>
#include <cstdint>
#include <ranges>
#include <utility>

#include "util/hash.h"

namespace malscope {

/// The seed every command uses when none is given (one default for simulate, cv, train, audit).
inline constexpr uint64_t kDefaultSeed = 1;

/// splitmix64: one 64-bit state word, the same stream for a seed everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  /// Next 64 random bits.
  uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }
  /// Uniform in [0, n) (modulo: the bias is below 2^-40 for the sizes drawn here).
  uint64_t below(uint64_t n) { return next() % n; }
  /// Uniform in [0, 1).
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

/// Fisher-Yates shuffle of a random-access range (a vector, a span) driven by rng.
template <std::ranges::random_access_range R>
void shuffle(R&& values, Rng& rng) {
  using std::swap;
  for (size_t i = std::ranges::size(values); i > 1; --i) swap(values[i - 1], values[rng.below(i)]);
}

/// A key for one independent stream: derived from a parent key and a tag (file number, thread
/// number, class, ...), so any piece of a simulated data set can be generated on its own.
inline uint64_t derive_key(uint64_t parent, uint64_t tag) {
  return mix64(parent ^ mix64(tag + 0x632be59bd9b4e019ULL));
}

/// xoshiro256** (Blackman and Vigna): small, fast, and good enough for simulation.
class Xoshiro256 {
 public:
  /// Seeds the four state words from `key` with splitmix64 steps (never all zero).
  explicit Xoshiro256(uint64_t key) {
    uint64_t x = key;
    for (auto& w : s_) {
      x += 0x9e3779b97f4a7c15ULL;
      w = mix64(x);
    }
  }

  /// 64 random bits.
  uint64_t next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform integer in [0, n) (Lemire's multiply-shift; the bias is below 2^-32 for our n).
  uint32_t below(uint32_t n) {
    return static_cast<uint32_t>(((next() >> 32) * static_cast<uint64_t>(n)) >> 32);
  }
  /// Uniform integer in [lo, hi] (requires lo <= hi).
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint32_t>(hi - lo + 1)));
  }
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// True with probability p.
  bool chance(double p) { return uniform() < p; }
  /// Standard normal (Marsaglia's polar method: only log and sqrt, which are exact or
  /// correctly rounded in common libms, unlike sin and cos).
  double normal() {
    for (;;) {
      double u = 2 * uniform() - 1, v = 2 * uniform() - 1;
      double s = u * u + v * v;
      if (s > 0 && s < 1) return u * std::sqrt(-2 * std::log(s) / s);
    }
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace malscope
