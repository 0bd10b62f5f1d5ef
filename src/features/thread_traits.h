#pragma once
// Thread structure of one trace, the cues analysts read off by hand: how many threads and how
// long, threads running an identical call sequence (DDoS trojans), threads that are prefixes of
// the longest one (worms growing toward it), and the share of each API family overall and in the
// thread where it is strongest (miners hiding their network I/O in one thread).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "store/trace_store.h"

namespace malscope {

/// Maps API ids to family ids; families are named in `names` (e.g. crypto, network, file, ...).
struct FamilyMap {
  std::vector<uint8_t> family_of_api;  ///< indexed by API id
  std::vector<std::string> names;      ///< indexed by family id
};

/// The API families of io/api_family.h for an API dictionary (families named "crypto",
/// "network", "file", ...): the same names, in the same order, for every dictionary.
FamilyMap family_map(std::span<const std::string> api_names);
/// family_map() of a store's API dictionary.
FamilyMap family_map(const TraceStore& store);

/// Names of the values thread_traits() returns, in order.
std::vector<std::string> thread_trait_names(const FamilyMap& families);

/// Thread-structure traits of one trace (needs the api and tid columns), aligned with
/// thread_trait_names(): thread count, calls per thread (min/mean/max), largest group of
/// identical threads, share of threads in such groups, share of threads that are prefixes of the
/// longest thread, mean common-prefix fraction with it, then per family the share of calls and
/// the largest share within one thread (threads of 20+ calls).
std::vector<double> thread_traits(const FileTrace& trace, const FamilyMap& families);

/// Boundaries of the threads of a trace (rows are sorted by tid): thread k is rows
/// [bounds[k], bounds[k+1]).
std::vector<uint32_t> thread_bounds(std::span<const uint32_t> tid);

/// Exact-duplicate key: a hash of the trace's per-thread API sequences in sorted order (needs the
/// api and tid columns). Equal traces up to thread ids and thread order get equal keys: the
/// audit's exact duplicates, and the groups CV keeps in one fold.
uint64_t trace_key(const FileTrace& trace);

}  // namespace malscope
