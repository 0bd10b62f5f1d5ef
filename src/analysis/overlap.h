#pragma once
// Train/test overlap: which files of one store (say test) are repeated runs of files of another
// (say train), exactly or nearly. In the Tianchi data such copies score for free: a model that
// memorises train predicts them well whatever it learned, and their labels can be read off train.
// Both stores' fingerprints must be made over one API numbering (api_remap), since each store
// numbers its APIs in its own order of first appearance.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/corpus_scan.h"
#include "analysis/duplicates.h"

namespace malscope {

/// For each API id of `from`, the id of the same name in `to`; names `to` lacks get ids from
/// to.apis().size() up. Throws Error if the two dictionaries together exceed 65,536 names.
std::vector<uint16_t> api_remap(const TraceStore& from, const TraceStore& to);

struct OverlapMatch {
  uint32_t file = 0;       ///< file of the queried store
  uint32_t reference = 0;  ///< its closest file in the reference store
  double similarity = 0;   ///< estimated Jaccard; 1 for exact copies
  bool exact = false;      ///< the same trace up to thread ids and order
};

struct Overlap {
  std::string store, reference;  ///< paths
  uint32_t files = 0, reference_files = 0;
  double threshold = 0;
  uint32_t exact = 0, near = 0;       ///< files with an exact / only a near copy
  int num_classes = 0;                ///< of the reference store
  std::vector<uint32_t> copy_labels;  ///< matched files by the reference copy's label
  int64_t labeled_matches = -1;       ///< matches whose queried file has a label (-1: none)
  int64_t agreeing = -1;              ///< of those, labels equal to the copy's
  std::vector<OverlapMatch> matches;  ///< one per matched file, in store order
};

/// Fingerprints only (exact keys and MinHash signatures) of `store`, its API ids mapped to
/// `numbering`'s (api_remap), so they compare with a plain scan of `numbering`.
CorpusScan fingerprints_in(const TraceStore& store, const TraceStore& numbering,
                           const MinHashOptions& minhash, int threads);

/// Matches every file of `store` against `reference`. `scan` comes from fingerprints_in(store,
/// reference), `reference_scan` from a plain scan, with the same MinHash options. (Signatures
/// hash API ids, so near matches at the threshold depend on the numbering: always this way.)
Overlap find_overlap(const TraceStore& store, const CorpusScan& scan, const TraceStore& reference,
                     const CorpusScan& reference_scan, const DuplicateOptions& options);

/// Matches every file of `store` against `reference`, as `audit STORE --against REFERENCE` and
/// `report REFERENCE --test STORE` both do: `store` fingerprinted in the reference's API numbering
/// (near matches depend on the numbering, so the two agree only in this direction), matched
/// against `reference_scan` (fingerprints made with `minhash`) or, when null, a scan made here.
Overlap overlap_against(const TraceStore& store, const TraceStore& reference,
                        const MinHashOptions& minhash, const DuplicateOptions& options, int threads,
                        const CorpusScan* reference_scan = nullptr);

nlohmann::json to_json(const Overlap& overlap, const TraceStore& store,
                       const TraceStore& reference);
std::string to_text(const Overlap& overlap);
/// CSV `file_id,reference_file_id,similarity,exact,reference_label`, one row per match.
std::string matches_csv(const Overlap& overlap, const TraceStore& store,
                        const TraceStore& reference);

}  // namespace malscope
