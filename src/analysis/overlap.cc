#include "analysis/overlap.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "analysis/minhash.h"
#include "analysis/text_table.h"
#include "util/csv.h"
#include "util/error.h"
#include "util/hash.h"

namespace malscope {

std::vector<uint16_t> api_remap(const TraceStore& from, const TraceStore& to) {
  std::unordered_map<std::string_view, uint32_t> id;
  for (size_t i = 0; i < to.apis().size(); ++i) id.emplace(to.apis()[i], static_cast<uint32_t>(i));
  std::vector<uint16_t> out(from.apis().size());
  uint32_t next = static_cast<uint32_t>(to.apis().size());
  for (size_t i = 0; i < from.apis().size(); ++i) {
    auto [it, fresh] = id.emplace(from.apis()[i], next);
    if (fresh) ++next;
    if (it->second > UINT16_MAX)
      throw Error(
          fmt::format("'{}' and '{}' together name more than 65536 APIs", from.path(), to.path()));
    out[i] = static_cast<uint16_t>(it->second);
  }
  return out;
}

CorpusScan fingerprints_in(const TraceStore& store, const TraceStore& numbering,
                           const MinHashOptions& minhash, int threads) {
  ScanOptions o;
  o.api_counts = o.traits = false;
  o.minhash = minhash;
  o.api_remap = api_remap(store, numbering);
  return scan_corpus(store, FamilyMap{}, o, threads);
}

Overlap find_overlap(const TraceStore& store, const CorpusScan& scan, const TraceStore& reference,
                     const CorpusScan& ref_scan, const DuplicateOptions& opt) {
  const int k = scan.num_hashes;
  if (k == 0 || k != ref_scan.num_hashes)
    throw Error("overlap: both scans need fingerprints of the same MinHash length");
  validate(opt, k);
  Overlap o;
  o.store = store.path();
  o.reference = reference.path();
  o.files = store.num_files();
  o.reference_files = reference.num_files();
  o.threshold = opt.threshold;
  o.num_classes = reference.num_classes();
  o.copy_labels.assign(std::max(o.num_classes, 0), 0);

  // The reference's exact groups, one representative each (the first file), and an LSH index
  // of their signatures: per band, (band hash, representative) sorted by hash.
  std::unordered_map<uint64_t, uint32_t> exact_of;
  std::vector<uint32_t> reps;
  for (uint32_t f = 0; f < ref_scan.files; ++f)
    if (exact_of.emplace(ref_scan.keys[f], f).second) reps.push_back(f);
  const int rows = k / opt.bands;
  auto band_hash = [&](std::span<const uint32_t> sig, int band) {
    return hash_bytes(
        std::string_view(reinterpret_cast<const char*>(sig.data() + band * rows), size_t(rows) * 4),
        0x1234567ULL + band);
  };
  std::vector<std::vector<std::pair<uint64_t, uint32_t>>> index(opt.bands);
  for (int b = 0; b < opt.bands; ++b) {
    index[b].reserve(reps.size());
    for (uint32_t r : reps) index[b].emplace_back(band_hash(ref_scan.signature(r), b), r);
    std::sort(index[b].begin(), index[b].end());
  }

  std::vector<uint32_t> seen;  // candidates tried for the current file
  for (uint32_t f = 0; f < o.files; ++f) {
    OverlapMatch m{f, 0, 0, false};
    auto hit = exact_of.find(scan.keys[f]);
    if (hit != exact_of.end()) {
      m.reference = hit->second, m.similarity = 1, m.exact = true;
    } else {
      // Near copies: candidates sharing a band; a bucket shared by many representatives (short,
      // common traces) is sampled, at most max_leaders per band.
      seen.clear();
      const auto sig = scan.signature(f);
      for (int b = 0; b < opt.bands; ++b) {
        const uint64_t h = band_hash(sig, b);
        auto it = std::lower_bound(index[b].begin(), index[b].end(), std::make_pair(h, 0u));
        for (int n = 0; it != index[b].end() && it->first == h && n < opt.max_leaders; ++it, ++n) {
          if (std::find(seen.begin(), seen.end(), it->second) != seen.end()) continue;
          seen.push_back(it->second);
          double j = estimate_jaccard(sig, ref_scan.signature(it->second));
          if (j >= opt.threshold && j > m.similarity) m.reference = it->second, m.similarity = j;
        }
      }
      if (m.similarity == 0) continue;
    }
    (m.exact ? o.exact : o.near)++;
    const int32_t ref_label = reference.label(m.reference);
    if (ref_label >= 0 && ref_label < o.num_classes) o.copy_labels[ref_label]++;
    const int32_t label = store.label(f);
    if (label >= 0 && ref_label >= 0) {
      if (o.labeled_matches < 0) o.labeled_matches = o.agreeing = 0;
      o.labeled_matches++;
      o.agreeing += label == ref_label;
    }
    o.matches.push_back(m);
  }
  return o;
}

Overlap overlap_against(const TraceStore& store, const TraceStore& reference,
                        const MinHashOptions& minhash, const DuplicateOptions& options, int threads,
                        const CorpusScan* reference_scan) {
  std::optional<CorpusScan> own;
  if (!reference_scan) {
    ScanOptions o;
    o.api_counts = o.traits = false;
    o.minhash = minhash;
    reference_scan = &own.emplace(scan_corpus(reference, FamilyMap{}, o, threads));
  }
  const MinHashOptions& made = reference_scan->minhash;
  if (made.ngram != minhash.ngram || made.num_hashes != minhash.num_hashes ||
      made.weighted != minhash.weighted || reference_scan->keys.size() != reference.num_files())
    throw Error(fmt::format("overlap: the scan of '{}' lacks fingerprints of these MinHash options",
                            reference.path()));
  return find_overlap(store, fingerprints_in(store, reference, minhash, threads), reference,
                      *reference_scan, options);
}

nlohmann::json to_json(const Overlap& o, const TraceStore& store, const TraceStore& reference) {
  nlohmann::json j = {{"store", o.store},         {"reference", o.reference},
                      {"files", o.files},         {"reference_files", o.reference_files},
                      {"threshold", o.threshold}, {"exact", o.exact},
                      {"near", o.near},           {"copy_labels", o.copy_labels}};
  if (o.labeled_matches >= 0) {
    j["labeled_matches"] = o.labeled_matches;
    j["agreeing"] = o.agreeing;
  }
  nlohmann::json m = nlohmann::json::array();
  for (const OverlapMatch& x : o.matches)
    m.push_back({{"file_id", store.file_id(x.file)},
                 {"reference_file_id", reference.file_id(x.reference)},
                 {"similarity", x.similarity},
                 {"exact", x.exact}});
  j["matches"] = std::move(m);
  return j;
}

std::string to_text(const Overlap& o) {
  auto pct = [&](uint64_t n) { return o.files ? 100.0 * n / o.files : 0.0; };
  std::string s = fmt::format("\noverlap with {} ({} files)\n", o.reference, o.reference_files);
  s += fmt::format("  files with an exact copy there    {:>8} ({:.1f}%)\n", o.exact, pct(o.exact));
  s += fmt::format("  files with only a near copy       {:>8} ({:.1f}%)  estimated Jaccard >= {}\n",
                   o.near, pct(o.near), o.threshold);
  s += fmt::format("  files with neither                {:>8} ({:.1f}%)\n",
                   o.files - o.exact - o.near, pct(o.files - o.exact - o.near));
  if (o.exact + o.near > 0 && o.num_classes > 0) {
    s += "  copies by their label there      ";
    for (int c = 0; c < o.num_classes; ++c) s += fmt::format(" {}:{}", c, o.copy_labels[c]);
    s += "\n";
  }
  if (o.labeled_matches > 0)
    s += fmt::format("  labels equal to the copy's        {:>8} of {} ({:.1f}%)\n", o.agreeing,
                     o.labeled_matches, 100.0 * o.agreeing / o.labeled_matches);
  if (o.exact + o.near > 0)
    s += "  a model scored on such files is partly scored on its training data\n";
  return s;
}

std::string matches_csv(const Overlap& o, const TraceStore& store, const TraceStore& reference) {
  std::string s = "file_id,reference_file_id,similarity,exact,reference_label\n";
  for (const OverlapMatch& m : o.matches)
    s += fmt::format("{},{},{:.4f},{},{}\n", csv_field(store.file_id(m.file)),
                     csv_field(reference.file_id(m.reference)), m.similarity, m.exact ? 1 : 0,
                     reference.label(m.reference));
  return s;
}

}  // namespace malscope
