#pragma once
// The plan of a data set before any row is written: how many files of each class, in which
// file_id order (shuffled, or following the label as far as --id-leak says), which files are
// repeated runs of another file, and how many rows and bytes each file will have. Everything is a
// pure function of the options, so the row generation that follows can run on any thread.
//
// Files are "drawn" in a fixed sequence that does not depend on the number of files: draw j has
// its label from a quota sequence, its run from the key (seed, split, j), and if it is a repeat,
// an earlier draw as its source. A data set of n files is the first n draws, put in file_id
// order; so --size can add files one at a time until the planned bytes reach the target.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/behaviour.h"

namespace malscope::sim {

/// Class proportions.
enum class Imbalance : uint8_t {
  kBalanced,  ///< mild imbalance, normal the largest class
  kSeason1,   ///< the real season-1 proportions (95.6% normal, 0.05% worm)
};

/// Share of each class (sums to 1) for `classes` (6 or 8) classes.
std::vector<double> class_shares(int classes, Imbalance imbalance);
/// Labels of the first n draws: the first draws give every class one file, then each draw goes to
/// the class furthest below its share, so every prefix keeps each class within a few files of
/// its share (and n = 116,624 at season-1 shares gives exactly the real counts).
std::vector<uint8_t> label_sequence(uint64_t n, const std::vector<double>& shares);
/// Files per class among the first n draws.
std::vector<uint64_t> class_counts(uint64_t n, const std::vector<double>& shares);

/// Average bytes per row of the api (and return_value) columns, by class, prototype and thread
/// role: a DDoS flood thread's "sendto,1460," is shorter than a loader's.
using ContentWidths = std::vector<std::vector<std::array<double, 3>>>;

/// What is fixed for the whole data set.
struct CorpusSpec {
  uint64_t seed = 1;
  std::vector<double> shares;  ///< per class
  double repeat_rate = 0;      ///< share of files that re-run another file of the same label
  double id_leak = 0;          ///< 0: file_id order random; 1: sorted by label
  double scale = 1;            ///< activity scale from calibrate_scale()
  bool with_ret = true;        ///< return_value column (for byte estimates)
  ContentWidths content;       ///< for byte estimates, from content_widths()
};

/// How a file's rows come about.
enum class Origin : uint8_t { kOriginal, kExactRepeat, kNearRepeat };

/// One file of a split, at its file_id.
struct CorpusFile {
  uint8_t label = 0;
  Origin origin = Origin::kOriginal;
  bool source_test = false;  ///< repeats: the split of the draw they repeat
  uint32_t draw = 0;         ///< the draw number, whose key the run derives from
  uint32_t source = 0;       ///< repeats: the draw number they repeat
  uint32_t rows = 0;
  uint64_t bytes_sans_id = 0;  ///< estimated bytes of the rows without the file_id column
};

/// All files of one split, by file_id.
struct SplitPlan {
  bool test = false;
  std::vector<CorpusFile> files;
  uint64_t rows = 0;
  uint64_t est_bytes = 0;  ///< estimated CSV size, header included
};

/// Key of draw `draw` of a split; its run and everything in it derive from this.
uint64_t file_key(uint64_t seed, bool test, uint64_t draw);

/// Plans a split of n files. Test repeats may re-run train files, so the train plan comes first.
SplitPlan plan_split(const World& world, const CorpusSpec& spec, bool test, uint64_t n,
                     const SplitPlan* train);

/// The activity scale for which a file has `mean_calls` rows on average (after the cap), for
/// these class shares.
double calibrate_scale(const World& world, const std::vector<double>& shares, double mean_calls,
                       uint64_t seed);

/// Measures ContentWidths on sample runs of every prototype.
ContentWidths content_widths(const World& world, bool with_ret, double text_rate, double scale,
                             uint64_t seed);

/// The number of train files whose CSV comes closest to `target_bytes`.
uint64_t train_files_for_size(const World& world, const CorpusSpec& spec, uint64_t target_bytes);

}  // namespace malscope::sim
