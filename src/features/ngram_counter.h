#pragma once
// Counts the distinct 64-bit n-gram hashes of one file: an open-addressing table reused from file
// to file by one worker, so the hot loop neither allocates nor sorts per occurrence.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace malscope {

class NgramCounter {
 public:
  /// One distinct n-gram of the current file.
  struct Slot {
    uint64_t hash = 0;
    uint32_t count = 0;  ///< 0: empty slot
    uint32_t pos = 0;    ///< where its first occurrence starts (caller's sequence position)
    uint8_t n = 0;       ///< its length
  };

  NgramCounter() { slots_.resize(kInitial); }

  /// Counts one occurrence of `hash` (an n-gram of length n starting at pos).
  void add(uint64_t hash, uint32_t pos, uint8_t n) {
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.count == 0) {
        s = {hash, 1, pos, n};
        used_.push_back(static_cast<uint32_t>(i));
        if (used_.size() * 2 > slots_.size()) grow();
        return;
      }
      if (s.hash == hash) {
        ++s.count;
        return;
      }
    }
  }

  /// The distinct n-grams counted since the last clear(), in ascending hash order.
  std::vector<Slot> sorted() const {
    std::vector<Slot> out;
    out.reserve(used_.size());
    for (uint32_t i : used_) out.push_back(slots_[i]);
    std::sort(out.begin(), out.end(), [](const Slot& a, const Slot& b) { return a.hash < b.hash; });
    return out;
  }

  /// Empties the table for the next file (cost proportional to what was used).
  void clear() {
    for (uint32_t i : used_) slots_[i].count = 0;
    used_.clear();
  }

 private:
  static constexpr size_t kInitial = 1 << 12;
  void grow() {
    std::vector<Slot> old;
    old.reserve(used_.size());
    for (uint32_t i : used_) old.push_back(slots_[i]);
    slots_.assign(slots_.size() * 2, Slot{});
    used_.clear();
    size_t mask = slots_.size() - 1;
    for (const Slot& o : old) {
      size_t i = o.hash & mask;
      while (slots_[i].count) i = (i + 1) & mask;
      slots_[i] = o;
      used_.push_back(static_cast<uint32_t>(i));
    }
  }
  std::vector<Slot> slots_;
  std::vector<uint32_t> used_;
};

}  // namespace malscope
