#pragma once
// The generative model of program behaviour. A class (normal, ransomware, miner, ...) has several
// prototypes: variants built by the class's recipe from motifs (see recipes.h). A prototype says
// what each kind of thread does (main, worker, helper) as routines of motif steps, how the
// program spreads its activity over threads, and how noisy its runs are. Each file is one run of
// one prototype: loop counts, optional steps and per-call noise differ from run to run.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/motif_library.h"
#include "sim/rng.h"

namespace malscope::sim {

/// The class labels (Tianchi numbering).
enum Label : int {
  kNormal = 0,
  kRansomware = 1,
  kMiner = 2,
  kDdos = 3,
  kWorm = 4,
  kVirus = 5,
  kBackdoor = 6,
  kTrojan = 7,
};
/// Number of classes the simulator knows (season 2).
inline constexpr int kMaxClasses = 8;

/// A motif emitted lo..hi times, with probability p each time its routine runs; a chained step
/// runs only if the step before it ran (find files, then infect them).
struct Step {
  uint16_t motif;  ///< index into Prototype::motifs
  uint16_t lo, hi;
  float p;
  bool chained = false;
};

/// Steps run in order.
using Routine = std::vector<Step>;

/// What one thread does: the prologue once, the body over and over until the thread's length is
/// reached, then the epilogue (unless the trace is cut at the per-thread cap first).
struct Role {
  Routine prologue, body, epilogue;
};

/// How worker threads relate to each other.
enum class WorkerShape : uint8_t {
  kIndependent,  ///< each worker runs the body on its own
  kClone,        ///< workers run one identical sequence (DDoS flooders)
  kPrefix,       ///< workers are prefixes of the longest one (worm spreaders started in turn)
};

/// How a program spreads its activity over threads.
struct Layout {
  uint16_t workers_lo = 0, workers_hi = 0;  ///< worker threads besides the main one
  uint32_t calls_per_worker = 0;            ///< if > 0, workers = activity / this, within [lo, hi]
  float main_share = 1.0f;  ///< share of the activity in the main thread if it has workers
  WorkerShape shape = WorkerShape::kIndependent;
  float clone_exact = 1.0f;                ///< share of clone workers that are exact copies
  uint8_t helpers_lo = 0, helpers_hi = 0;  ///< short helper threads (COM, RPC, thread pool)
};

/// Per-call noise rates of a run.
struct Noise {
  float insert = 0.02f;  ///< a benign background call slips in before a call
  float drop = 0.01f;    ///< a call is missing
  float swap = 0.01f;    ///< a call swaps places with the one before it
};

/// One variant of a class.
struct Prototype {
  int label = 0;
  std::string name;           ///< e.g. "ransomware/3 (copy-delete)"
  std::vector<Motif> motifs;  ///< this variant's own dialect of the motifs it uses
  Role main, worker, helper;
  Layout layout;
  Noise noise;
  double size_factor = 1;  ///< relative amount of activity
  double err_scale = 1;    ///< multiplies API failure rates
  double weight = 1;       ///< popularity within the class
  double early_exit = 0;   ///< probability that a run stops early (evasion, crash, bad args)
  /// Calls a thread of each role (main, worker, helper) makes in its prologue and epilogue, on
  /// average: a run's activity is spent in the body, on top of these.
  std::array<uint32_t, 3> fixed_calls{};
  bool test_only = false;  ///< a variant only test files use
};

/// All prototypes of all classes, built from the seed.
struct World {
  std::vector<std::vector<Prototype>> classes;  ///< by label, kMaxClasses entries

  /// Picks a prototype of `label` for a file of the train (test_split false) or test split.
  uint16_t pick(int label, bool test_split, Rng& rng) const;
};

/// Builds the world of a seed: every class's prototypes, deterministic in the seed.
World build_world(uint64_t seed);

/// Human-readable class name ("normal", "ransomware", ...).
std::string_view label_name(int label);

/// Builds one prototype: adds steps, giving each motif this variant's dialect on first use.
class ProtoBuilder {
 public:
  ProtoBuilder(Prototype& proto, Rng& rng) : p_(proto), rng_(rng) {}
  /// Appends a step: motif `name`, emitted lo..hi times, with probability p.
  void add(Routine& r, std::string_view name, int lo, int hi, double p = 1.0);
  /// Appends a step that runs only when the step before it ran.
  void then(Routine& r, std::string_view name, int lo, int hi, double p = 1.0);
  /// Appends the step only in some variants: with probability `keep`.
  void maybe(double keep, Routine& r, std::string_view name, int lo, int hi, double p = 1.0);
  /// The process start every program shares, into a prologue.
  void process_start(Routine& r);
  /// The builder's random stream (variant decisions).
  Rng& rng() { return rng_; }
  Prototype& proto() { return p_; }

 private:
  uint16_t dialect(std::string_view name);
  Prototype& p_;
  Rng& rng_;
  std::unordered_map<std::string_view, uint16_t> index_;
};

}  // namespace malscope::sim
