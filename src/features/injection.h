#pragma once
// Benign behaviour injected into a trace, as malware authors pad their programs: a benign donor
// file's calls as extra threads, benign calls interleaved into the longest thread, or calls that
// do nothing (sleeps, clock reads, yields) spread over every thread. `attack` measures how far
// detection falls under it; hardened training adds such copies of the training files (labels
// kept). The input trace is never changed: an attacked copy owns its columns. Every random choice
// comes from a seed per copy, so the copies do not depend on threads or order.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "features/sketches.h"
#include "store/trace_store.h"
#include "util/random.h"

namespace malscope {

struct FeatureConfig;

/// The three ways benign behaviour is injected.
enum class InjectionKind : uint8_t {
  kThreads,     ///< each donor file's calls (all its threads, in store order) as one new thread
  kInterleave,  ///< a run of donor calls scattered into the file's longest thread
  kPadding,     ///< no-op calls (noop_api_candidates) scattered into every thread
};

/// One attack and its amount.
struct Injection {
  InjectionKind kind = InjectionKind::kThreads;
  /// kThreads: extra threads (one donor each); otherwise calls added as a share of the length
  /// of the thread they go into (1 = as many calls as it has).
  double amount = 1;
  bool operator==(const Injection&) const = default;
};

/// "threads", "interleave", "padding".
std::string_view injection_name(InjectionKind k);
/// The kind named `name`, if any.
std::optional<InjectionKind> parse_injection_kind(std::string_view name);
/// "1 thread", "4 threads", "10%", "100%".
std::string injection_amount_text(const Injection& inj);
/// The attacks `attack` runs: 1, 2, 4 threads; interleave and padding of 10%, 50%, 100%.
std::vector<Injection> default_attacks();

/// APIs that change nothing a detector should care about (sleeps, clock and counter reads,
/// yields); padding uses those present in the API dictionary.
std::span<const std::string_view> noop_api_candidates();

/// Benign donor files held in memory, their API ids in one dictionary: the attacked store's
/// names first (so its traces need no remapping), then donor names it lacks.
class DonorPool {
 public:
  /// A pool for traces whose API ids index `api_names`. Padding uses the no-op candidates in
  /// it; if there are none, "Sleep" is appended to the dictionary (unknown to any model
  /// trained on it, so it only dilutes).
  DonorPool(std::vector<std::string> api_names, bool has_return_value);
  /// Adds `files` of `store` as donors, in the order given (ids mapped by name).
  void add(const TraceStore& store, std::span<const uint32_t> files, int threads);

  /// Donor files held.
  size_t size() const { return store_file_.size(); }
  /// The dictionary every trace made with this pool indexes.
  const std::vector<std::string>& api_names() const { return api_names_; }
  /// Whether traces carry return values (those of the attacked store).
  bool has_return_value() const { return has_ret_; }
  /// API ids padding draws from.
  const std::vector<uint16_t>& noop_apis() const { return noop_; }
  /// Calls of donor d (API ids, return values; ret is empty without return values).
  std::span<const uint16_t> api(size_t d) const;
  std::span<const int64_t> ret(size_t d) const;
  /// Store file number of donor d (in the store it was added from).
  uint32_t store_file(size_t d) const { return store_file_[d]; }

 private:
  uint16_t intern(const std::string& name);
  std::vector<std::string> api_names_;
  bool has_ret_;
  std::vector<uint16_t> noop_;
  std::vector<uint64_t> offset_{0};
  std::vector<uint16_t> api_;
  std::vector<int64_t> ret_;
  std::vector<uint32_t> store_file_;
};

/// One attacked copy to make: which file, the injection, its donors, its random stream.
struct InjectionJob {
  uint32_t file = 0;  ///< store file attacked
  Injection injection;
  std::vector<uint32_t> donors;  ///< pool positions (kThreads: one per thread; kInterleave: 1)
  uint64_t seed = 0;             ///< positions and donor windows are drawn from it
};

/// Donors an injection needs: round(amount) for kThreads (distinct while `allowed` has enough),
/// 1 for kInterleave, none for kPadding; drawn from `allowed` (pool positions) with `rng`.
/// Never `exclude` (a file is not its own donor) unless it is all there is. Throws Error when
/// donors are needed and `allowed` is empty.
std::vector<uint32_t> choose_donors(const Injection& inj, std::span<const uint32_t> allowed,
                                    Rng& rng, int64_t exclude = -1);

/// An attacked trace with its own columns.
struct InjectedTrace {
  std::vector<uint16_t> api;
  std::vector<uint32_t> tid, index;
  std::vector<int64_t> ret;
  FileTrace trace;  ///< views of the columns above, with the original's id, label and file
};

/// Writes into `out` a copy of `t` (api, tid, index and, with return values, ret decoded)
/// attacked as `job` says, its API ids in pool.api_names(). Store order (tid, index) is kept.
void inject(const FileTrace& t, const InjectionJob& job, const DonorPool& pool, InjectedTrace& out);

/// Sketches of every file of `store` (rows 0..N-1, as Sketches::extract) when `with_store`,
/// followed by one row per job (the attacked copy, with its file's id and label), in job
/// order. The store is read once; nothing is written to it.
Sketches extract_injected(const TraceStore& store, const DonorPool& pool,
                          std::span<const InjectionJob> jobs, bool with_store,
                          const FeatureConfig& cfg, int threads);

}  // namespace malscope
