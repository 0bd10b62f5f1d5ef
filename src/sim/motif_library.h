#pragma once
// Motifs: short runs of API calls that belong together, as they appear in sandbox logs (open a
// key, query it, close it; find files, open, read, write, close). Programs are built from them.
// The library is data: one line per motif, "Api" or "Api*lo-hi" (a call repeated lo..hi times).
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace malscope::sim {

/// One call of a motif, repeated lo..hi times each time the motif is emitted.
struct MotifCall {
  uint16_t api;
  uint8_t lo, hi;
};

/// A short run of calls that belong together.
using Motif = std::vector<MotifCall>;

/// All motifs, by name (e.g. "file.read", "ransom.encrypt.inplace").
class MotifLibrary {
 public:
  /// The one library (parsed on first use against the API catalog).
  static const MotifLibrary& get();
  /// The motif called `name`; throws Error naming it if there is none.
  const Motif& operator()(std::string_view name) const;
  /// Number of motifs.
  size_t size() const { return motifs_.size(); }

 private:
  MotifLibrary();
  std::unordered_map<std::string_view, Motif> motifs_;
};

}  // namespace malscope::sim
