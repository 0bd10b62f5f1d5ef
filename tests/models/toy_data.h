#pragma once
// A small separable problem for model tests: class c lights column c (values 3..5), plus two
// noise columns every row shares.
#include <cstdint>
#include <string>

#include "features/feature_matrix.h"
#include "util/random.h"

namespace malscope::testing_toy {

inline FeatureMatrix separable(size_t rows, int classes, uint64_t seed) {
  FeatureMatrix x;
  const uint32_t cols = uint32_t(classes) + 2;
  std::vector<std::string> names;
  for (uint32_t c = 0; c < cols; ++c) names.push_back("col" + std::to_string(c));
  x.set_column_names(std::move(names));
  Rng rng(seed);
  for (size_t r = 0; r < rows; ++r) {
    int32_t y = int32_t(r % size_t(classes));
    x.indices.push_back(uint32_t(y));
    x.values.push_back(float(3 + 2 * rng.uniform()));
    x.indices.push_back(cols - 2);
    x.values.push_back(float(rng.uniform()));
    x.indices.push_back(cols - 1);
    x.values.push_back(float(rng.uniform()));
    x.indptr.push_back(x.indices.size());
    x.labels.push_back(y);
    x.files.push_back(uint32_t(r));
  }
  return x;
}

}  // namespace malscope::testing_toy
