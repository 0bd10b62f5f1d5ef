#include "models/textcnn_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "models/seq_net_loader.h"
#include "util/error.h"
#include "util/random.h"

namespace malscope {
namespace {

// Skips the test when the libtorch module was not built (libtorch-dev missing).
#define REQUIRE_SEQ_NET()                              \
  do {                                                 \
    std::string why;                                   \
    if (!seq_net_available(&why)) GTEST_SKIP() << why; \
  } while (0)

// Rows of kSequence layout (column j = position j, value = token).
void add_row(FeatureMatrix& x, const std::vector<uint32_t>& tokens, int32_t label) {
  for (uint32_t j = 0; j < tokens.size(); ++j) {
    x.indices.push_back(j);
    x.values.push_back(float(tokens[j]));
  }
  x.indptr.push_back(x.indices.size());
  x.labels.push_back(label);
  x.files.push_back(uint32_t(x.rows() - 1));
}

// An order task: every row holds APIs 4 and 5 once each among random filler (6..12); class 1
// has 4 right before 5, class 0 has 5 right before 4. The API counts of both classes are the
// same, so only the order tells them apart.
FeatureMatrix order_task(size_t rows, uint64_t seed) {
  FeatureMatrix x;
  Rng rng(seed);
  for (size_t r = 0; r < rows; ++r) {
    const int32_t y = int32_t(r % 2);
    const size_t len = 20 + rng.below(30);
    std::vector<uint32_t> t;
    for (size_t i = 0; i < len; ++i) t.push_back(6 + uint32_t(rng.below(7)));
    const size_t at = rng.below(len - 1);
    t[at] = y ? 4 : 5;
    t[at + 1] = y ? 5 : 4;
    add_row(x, t, y);
  }
  return x;
}

TextCnnConfig small_config() {
  TextCnnConfig c;
  c.embed = 8;
  c.filters = 16;
  c.epochs = 12;
  c.patience = 0;
  c.batch = 16;
  c.lr = 0.01;
  c.dropout = 0.1;
  return c;
}

// A model of small_config() fitted for `epochs` on order_task(rows, seed).
std::unique_ptr<TextCnnModel> fitted(size_t rows, uint64_t seed, int epochs) {
  TextCnnConfig c = small_config();
  c.epochs = epochs;
  auto m = std::make_unique<TextCnnModel>(c, ModelContext{1, 1});
  m->fit(order_task(rows, seed), 2);
  return m;
}

std::string bytes_of(const Model& m) {
  ByteWriter w;
  m.save(w);
  return w.str();
}

TEST(TextCnn, LearnsWhatOnlyTheOrderOfCallsTells) {
  REQUIRE_SEQ_NET();
  const FeatureMatrix train = order_task(400, 1), test = order_task(200, 2);
  // The counts agree between the classes: a bag of APIs cannot separate them.
  std::map<std::pair<int, float>, int> counts;
  for (size_t r = 0; r < train.rows(); ++r)
    for (uint64_t i = train.indptr[r]; i < train.indptr[r + 1]; ++i)
      if (train.values[i] < 6) counts[{train.labels[r], train.values[i]}]++;
  EXPECT_EQ(counts[std::make_pair(0, 4.f)], counts[std::make_pair(1, 4.f)]);
  EXPECT_EQ(counts[std::make_pair(0, 5.f)], counts[std::make_pair(1, 5.f)]);

  TextCnnModel m(small_config(), ModelContext{7, 1});
  FitReport rep = m.fit(train, 2);
  EXPECT_GT(rep.rounds, 0);
  EXPECT_GE(rep.valid_logloss, 0);
  Predictions p = m.predict_proba(test);
  ASSERT_EQ(p.rows(), test.rows());
  int right = 0;
  for (size_t r = 0; r < test.rows(); ++r) right += argmax(p.row(r)) == test.labels[r];
  EXPECT_GT(right, 180) << right << " of 200 right";
}

TEST(TextCnn, SameSeedSameBytesAnotherSeedOthers) {
  REQUIRE_SEQ_NET();
  const FeatureMatrix x = order_task(120, 3);
  TextCnnConfig c = small_config();
  c.epochs = 3;
  TextCnnModel a(c, ModelContext{5, 1}), b(c, ModelContext{5, 1}), other(c, ModelContext{6, 1});
  a.fit(x, 2);
  b.fit(x, 2);
  other.fit(x, 2);
  EXPECT_EQ(bytes_of(a), bytes_of(b));
  EXPECT_NE(bytes_of(a), bytes_of(other));
}

TEST(TextCnn, ALoadedModelPredictsTheSameAndARowDoesNotDependOnItsBatch) {
  REQUIRE_SEQ_NET();
  const FeatureMatrix x = order_task(100, 4);
  std::unique_ptr<TextCnnModel> fit = fitted(100, 4, 2);
  const TextCnnModel& m = *fit;
  const std::string bytes = bytes_of(m);
  ByteReader r(bytes, "the test model");
  std::unique_ptr<Model> loaded = load_model("textcnn", r, ModelContext{});
  EXPECT_EQ(bytes_of(*loaded), bytes);
  const Predictions all = m.predict_proba(x);
  EXPECT_EQ(loaded->predict_proba(x).prob, all.prob);
  // Rows of other lengths in one batch are padded: the padding must not reach the verdict.
  for (uint32_t row : {0u, 17u, 99u}) {
    const uint32_t one[] = {row};
    Predictions p = m.predict_proba(select_rows(x, one));
    ASSERT_EQ(p.rows(), 1u);
    for (int k = 0; k < 2; ++k) EXPECT_EQ(p.row(0)[k], all.row(row)[k]) << "row " << row;
  }
}

TEST(TextCnn, EmptyAndUnseenTokensArePredictedNotRefused) {
  REQUIRE_SEQ_NET();
  std::unique_ptr<TextCnnModel> fit = fitted(60, 5, 1);
  const TextCnnModel& m = *fit;
  FeatureMatrix odd;
  add_row(odd, {}, 0);                 // a file without calls
  add_row(odd, {4, 5, 100000, 1}, 1);  // a token beyond the vocabulary reads as unknown
  add_row(odd, {2, 2, 2}, 0);
  Predictions p = m.predict_proba(odd);
  ASSERT_EQ(p.rows(), 3u);
  for (double v : p.prob) EXPECT_TRUE(v > 0 && v < 1);
}

TEST(TextCnn, CorruptBytesAreRefusedByName) {
  REQUIRE_SEQ_NET();
  std::unique_ptr<TextCnnModel> fit = fitted(40, 6, 1);
  const TextCnnModel& m = *fit;
  const std::string good = bytes_of(m);
  auto load = [](const std::string& b) {
    ByteReader r(b, "model.bin");
    TextCnnModel t(TextCnnConfig{}, ModelContext{});
    t.load(r);
  };
  EXPECT_NO_THROW(load(good));
  std::string bad = good;
  bad[0] = 'X';
  EXPECT_THROW(load(bad), Error);
  EXPECT_THROW(load(good.substr(0, good.size() - 5)), Error);
  bad = good;
  bad[10] = char(0x7f);  // the vocabulary size: the weights no longer fit the shape
  try {
    load(bad);
    FAIL() << "loaded a model whose weights do not fit its shape";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.bin"), std::string::npos) << e.what();
  }
}

TEST(TextCnn, RefusesAMatrixThatIsNotASequence) {
  REQUIRE_SEQ_NET();
  FeatureMatrix x;
  x.indices = {0, 2};  // position 1 missing
  x.values = {3, 4};
  x.indptr = {0, 2};
  x.labels = {0};
  TextCnnModel m(small_config(), ModelContext{1, 1});
  EXPECT_THROW(m.fit(x, 2), Error);
}

TEST(TextCnn, WidthsOutOfOrderAreAUsageError) {
  TextCnnConfig c;
  c.min_width = 4;
  c.max_width = 3;
  EXPECT_THROW(TextCnnModel(c, ModelContext{}), UsageError);
}

}  // namespace
}  // namespace malscope
