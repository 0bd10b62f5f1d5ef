#pragma once
// Per-file scalar statistics of family 1: calls, distinct APIs, threads and calls per thread,
// the `index` column (largest, repeated and skipped values within a thread) and, for logs with
// a return_value column, distinct return values and the share of zero / negative returns overall
// and per API family.
#include <string>
#include <vector>

#include "features/thread_traits.h"
#include "store/trace_store.h"

namespace malscope {

/// Names of the values file_stats() writes, in order.
std::vector<std::string> file_stat_names(bool has_return_value, const FamilyMap& families);

/// Statistics of one trace (needs api, tid and index; ret when has_return_value), written to
/// `out` (file_stat_names().size() values).
void file_stats(const FileTrace& trace, bool has_return_value, const FamilyMap& families,
                float* out);

/// Whether a return value reads as negative: below zero as a 64-bit or as a 32-bit integer
/// (NTSTATUS and HRESULT errors are often logged unsigned, e.g. 3221225524 = 0xC0000034).
bool return_is_negative(int64_t v);

}  // namespace malscope
