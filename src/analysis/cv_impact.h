#pragma once
// What duplicates do to a cross-validation score: under random stratified k-fold, how many
// validation files have a duplicate in the training folds, and the out-of-fold score of a
// predictor that only copies the labels of those duplicates (what a model can earn by memory).
#include <cstdint>
#include <span>
#include <vector>

#include "eval/metrics.h"
#include "util/random.h"

namespace malscope {

struct CvImpactOptions {
  int folds = 5;
  uint64_t seed = kDefaultSeed;
  double alpha = 1.0;  ///< weight of the training prior mixed into the copied labels
};

struct CvImpact {
  int folds = 0;
  uint32_t files = 0;                 ///< labeled files (each validated once)
  uint32_t exact_in_train = 0;        ///< validation files with an exact duplicate in training
  uint32_t cluster_in_train = 0;      ///< validation files with a cluster member in training
  std::vector<uint32_t> class_files;  ///< per class: labeled files
  std::vector<uint32_t> class_cluster_in_train;  ///< per class: of them, with a training duplicate
  LossSum prior;                                 ///< out of fold: the training folds' class prior
  LossSum copy;          ///< out of fold: labels of training cluster members, else the prior
  LossSum copy_covered;  ///< `copy`, restricted to files with a training duplicate
};

/// Simulates random stratified k-fold over labeled files given exact groups and clusters.
CvImpact measure_cv_impact(std::span<const int32_t> labels, int num_classes,
                           std::span<const uint32_t> exact, std::span<const uint32_t> cluster,
                           const CvImpactOptions& options);

}  // namespace malscope
