#include "analysis/cv_impact.h"

#include <gtest/gtest.h>

#include <cmath>

namespace malscope {
namespace {

TEST(CvImpact, CountsValidationFilesWithTrainingDuplicates) {
  // 300 files in 100 clusters of three identical files (exact = cluster), labels per cluster;
  // 200 singletons.
  std::vector<int32_t> labels;
  std::vector<uint32_t> group;
  for (uint32_t c = 0; c < 100; ++c)
    for (int i = 0; i < 3; ++i) labels.push_back(c % 2), group.push_back(c);
  for (uint32_t s = 0; s < 200; ++s) labels.push_back(s % 2), group.push_back(100 + s);
  CvImpact r = measure_cv_impact(labels, 2, group, group, CvImpactOptions{});
  EXPECT_EQ(r.files, 500u);
  EXPECT_EQ(r.exact_in_train, r.cluster_in_train);
  // A clustered file lacks a training duplicate only when all three share its fold.
  EXPECT_GT(r.cluster_in_train, 250u);
  EXPECT_LE(r.cluster_in_train, 300u);
  EXPECT_EQ(r.class_files, (std::vector<uint32_t>{250, 250}));
  EXPECT_EQ(r.class_cluster_in_train[0] + r.class_cluster_in_train[1], r.cluster_in_train);
  // Copying consistent labels beats the prior, and is near-perfect on the covered files.
  EXPECT_NEAR(r.prior.mean_logloss(), std::log(2.0), 0.01);
  EXPECT_LT(r.copy.mean_logloss(), r.prior.mean_logloss());
  EXPECT_LT(r.copy_covered.mean_logloss(), 0.35);
  EXPECT_EQ(r.copy_covered.n, r.cluster_in_train);
  EXPECT_DOUBLE_EQ(r.copy_covered.accuracy(), 1.0);
}

TEST(CvImpact, NearClustersCountBeyondExactGroups) {
  // Pairs that are near (one cluster) but not exact duplicates.
  std::vector<int32_t> labels;
  std::vector<uint32_t> exact, cluster;
  for (uint32_t i = 0; i < 400; ++i)
    labels.push_back((i / 2) % 2), exact.push_back(i), cluster.push_back(i / 2);
  CvImpact r = measure_cv_impact(labels, 2, exact, cluster, CvImpactOptions{});
  EXPECT_EQ(r.exact_in_train, 0u);
  EXPECT_GT(r.cluster_in_train, 250u);
}

TEST(CvImpact, NoDuplicatesMeansCopyIsThePrior) {
  std::vector<int32_t> labels;
  std::vector<uint32_t> group;
  for (uint32_t i = 0; i < 100; ++i) labels.push_back(i % 4 == 0), group.push_back(i);
  CvImpact r = measure_cv_impact(labels, 2, group, group, CvImpactOptions{});
  EXPECT_EQ(r.cluster_in_train, 0u);
  EXPECT_DOUBLE_EQ(r.copy.mean_logloss(), r.prior.mean_logloss());
}

}  // namespace
}  // namespace malscope
