#include "analysis/id_leakage.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace malscope {
namespace {

struct Dataset {
  std::vector<std::string> id_text;
  std::vector<std::string_view> ids;
  std::vector<int32_t> labels;
  void finish() { ids.assign(id_text.begin(), id_text.end()); }
};

// 2,000 files of 3 classes (70/20/10%); ids 0..1999. Leaky: ids handed out in batches of 50
// files of one class. Shuffled: the same labels in random id order. Files are stored in a
// scrambled order so only the ids carry the order.
Dataset make(bool leaky, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int32_t> by_id;
  for (int i = 0; i < 2000; ++i) by_id.push_back(i < 1400 ? 0 : i < 1800 ? 1 : 2);
  if (leaky) {
    std::vector<int> batches(40);
    for (int b = 0; b < 40; ++b) batches[b] = b;
    std::shuffle(batches.begin(), batches.end(), rng);  // batches of one class, in random order
    std::vector<int32_t> v;
    for (int b : batches) v.insert(v.end(), by_id.begin() + b * 50, by_id.begin() + b * 50 + 50);
    by_id = v;
  } else {
    std::shuffle(by_id.begin(), by_id.end(), rng);
  }
  std::vector<int> order(2000);
  for (int i = 0; i < 2000; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  Dataset d;
  for (int id : order) {
    d.id_text.push_back(std::to_string(id));
    d.labels.push_back(by_id[id]);
  }
  d.finish();
  return d;
}

TEST(IdLeakage, DetectsAPlantedLeak) {
  Dataset d = make(true, 5);
  IdLeakage l = measure_id_leakage(d.ids, d.labels, 3, IdLeakOptions{});
  EXPECT_EQ(l.order, "numeric");
  EXPECT_TRUE(l.detected);
  EXPECT_TRUE(l.neighbours.leak);
  EXPECT_TRUE(l.binned.leak);
  EXPECT_LT(l.neighbours.real.mean_logloss(), 0.5 * l.prior.mean_logloss());
  EXPECT_LT(l.binned.real.mean_logloss(), l.prior.mean_logloss());
  EXPECT_GT(l.neighbours.real.accuracy(), 0.9);
  EXPECT_NEAR(l.neighbours.p_value, 0.01, 1e-12);  // better than all 99 shuffles
  EXPECT_GT(l.neighbours.z, 10);
  EXPECT_EQ(l.neighbours.shuffled.size(), 99u);
}

TEST(IdLeakage, DetectsAWeakCoarseLeak) {
  // Imbalanced (about 95% class 0) with only the first fifth of the ids enriched in class 1:
  // the binned classifier finds it.
  std::mt19937_64 rng(7);
  Dataset d;
  for (int i = 0; i < 5000; ++i) {
    double p1 = i < 1000 ? 0.12 : 0.03;
    d.id_text.push_back(std::to_string(i));
    d.labels.push_back(std::uniform_real_distribution<double>(0, 1)(rng) < p1);
  }
  d.finish();
  IdLeakage l = measure_id_leakage(d.ids, d.labels, 2, IdLeakOptions{});
  EXPECT_TRUE(l.detected);
  EXPECT_TRUE(l.binned.leak);
  EXPECT_LT(l.binned.real.mean_logloss(), l.prior.mean_logloss());
}

TEST(IdLeakage, ReportsNothingOnShuffledIds) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    Dataset d = make(false, seed);
    IdLeakage l = measure_id_leakage(d.ids, d.labels, 3, IdLeakOptions{});
    EXPECT_FALSE(l.detected) << "seed " << seed << " p " << l.neighbours.p_value << " "
                             << l.binned.p_value;
    EXPECT_LT(std::abs(l.neighbours.z), 3) << "seed " << seed;
    EXPECT_GT(l.neighbours.real.mean_logloss(), l.prior.mean_logloss()) << "seed " << seed;
  }
}

TEST(IdLeakage, OrdersNumericIdsAsNumbersAndOthersAsText) {
  // Labels follow numeric order (1..12) but not text order ("1", "10", "11", "12", "2", ...).
  Dataset d;
  for (int i = 1; i <= 12; ++i) d.id_text.push_back(std::to_string(i)), d.labels.push_back(i > 6);
  d.finish();
  IdLeakOptions o;
  o.neighbours = 1;
  IdLeakage numeric = measure_id_leakage(d.ids, d.labels, 2, o);
  EXPECT_EQ(numeric.order, "numeric");
  EXPECT_EQ(numeric.bin_classes.size(), 12u);
  EXPECT_EQ(numeric.bin_classes[0], (std::vector<uint32_t>{1, 0}));   // id 1
  EXPECT_EQ(numeric.bin_classes[11], (std::vector<uint32_t>{0, 1}));  // id 12
  d.id_text.push_back("x");
  d.labels.push_back(0);
  d.finish();
  EXPECT_EQ(measure_id_leakage(d.ids, d.labels, 2, o).order, "text");
}

TEST(IdLeakage, IgnoresUnlabeledFiles) {
  Dataset d = make(true, 9);
  for (size_t i = 0; i < d.labels.size(); i += 2) d.labels[i] = -1;
  IdLeakage l = measure_id_leakage(d.ids, d.labels, 3, IdLeakOptions{});
  EXPECT_EQ(l.prior.n, 1000u);
  EXPECT_EQ(l.neighbours.real.n, 1000u);
  EXPECT_TRUE(l.detected);
}

}  // namespace
}  // namespace malscope
