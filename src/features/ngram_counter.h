#pragma once
// Flat open-addressing tables keyed by 64-bit hashes, reused from file to file by one worker so
// the hot loops neither allocate nor sort per occurrence: NgramCounter counts the distinct
// n-grams of one file, HashIndex numbers the distinct n-grams a worker has seen.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace malscope {

class NgramCounter {
 public:
  /// One distinct key of the current file (16 bytes: the table stays cache-friendly).
  struct Slot {
    uint64_t hash = 0;
    uint32_t count = 0;  ///< 0: empty slot
    uint32_t tag = 0;    ///< caller's data from the first occurrence (position and length)
  };

  NgramCounter() { slots_.resize(kInitial); }

  /// Counts one occurrence of `hash`; `tag` is kept from its first occurrence.
  void add(uint64_t hash, uint32_t tag) {
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.count == 0) {
        s = {hash, 1, tag};
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

  /// Distinct keys counted since the last clear().
  size_t size() const { return used_.size(); }

  /// The distinct keys counted since the last clear(), in ascending hash order, into `out`.
  void sorted(std::vector<Slot>& out) const {
    out.clear();
    out.reserve(used_.size());
    for (uint32_t i : used_) out.push_back(slots_[i]);
    std::sort(out.begin(), out.end(), [](const Slot& a, const Slot& b) { return a.hash < b.hash; });
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

/// Numbers distinct 64-bit hashes in order of first insertion (0, 1, 2, ...).
class HashIndex {
 public:
  HashIndex() : slots_(kInitial, kEmpty) {}
  /// The number of `hash`, and whether it was new.
  std::pair<uint32_t, bool> insert(uint64_t hash) {
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots_[i] == kEmpty) {
        uint32_t id = static_cast<uint32_t>(hashes_.size());
        slots_[i] = id;
        hashes_.push_back(hash);
        if (hashes_.size() * 2 > slots_.size()) grow();
        return {id, true};
      }
      if (hashes_[slots_[i]] == hash) return {slots_[i], false};
    }
  }
  /// The hashes, by number.
  const std::vector<uint64_t>& hashes() const { return hashes_; }
  /// Frees everything.
  void release() {
    std::vector<uint32_t>().swap(slots_);
    std::vector<uint64_t>().swap(hashes_);
  }

 private:
  static constexpr size_t kInitial = 1 << 12;
  static constexpr uint32_t kEmpty = UINT32_MAX;
  void grow() {
    slots_.assign(slots_.size() * 2, kEmpty);
    size_t mask = slots_.size() - 1;
    for (uint32_t id = 0; id < hashes_.size(); ++id) {
      size_t i = hashes_[id] & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = id;
    }
  }
  std::vector<uint32_t> slots_;
  std::vector<uint64_t> hashes_;
};

}  // namespace malscope
