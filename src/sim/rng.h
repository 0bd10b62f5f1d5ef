#pragma once
// The simulator's random numbers: the xoshiro256** generator and derive_key of util/random.h
// (the simulator promises the same bytes for the same seed), and the one distribution it needs
// beyond the generator's own.
#include "util/random.h"

namespace malscope::sim {

/// The simulator's generator (not malscope::Rng, the splitmix64 of folds and samples).
using Rng = Xoshiro256;

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9), so a
/// quantile grid can stand for a distribution when calibrating.
double normal_quantile(double p);

}  // namespace malscope::sim
