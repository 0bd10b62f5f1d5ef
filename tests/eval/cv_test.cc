#include "eval/cv.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace malscope {
namespace {

TEST(TimeLeft, SecondsThenMinutes) {
  EXPECT_EQ(time_left(0), "");
  EXPECT_EQ(time_left(-3), "");
  EXPECT_EQ(time_left(12.4), "; about 12s left");
  EXPECT_EQ(time_left(59.6), "; about 1m00s left");
  EXPECT_EQ(time_left(425), "; about 7m05s left");
}

// The features.* parameters are the library's FeatureConfig defaults: one set of defaults, whether
// malscope is driven by its commands or used as a library.
TEST(FeatureConfigParams, DefaultsAreTheLibrarys) {
  const FeatureConfig from_params = feature_config(Params{}), library{};
  EXPECT_EQ(from_params.max_ngrams, library.max_ngrams);
  EXPECT_EQ(from_params.min_df, library.min_df);
  EXPECT_EQ(from_params.ngram_max, library.ngram_max);
  EXPECT_TRUE(from_params == library) << "a features.* default differs from FeatureConfig's";
}

TEST(EnsureSequences, ASequenceModelGetsTheCallsUnlessTheUserSaidNone) {
  LearnSetup s;
  s.models = {"xgb", "linear"};
  ensure_sequences(s);
  EXPECT_EQ(s.params.features().sequence_len, 0u);  // no cost when no model reads them
  s.models = {"xgb", "textcnn"};
  ensure_sequences(s);
  EXPECT_EQ(s.params.features().sequence_len, kDefaultSequenceLen);
  LearnSetup own;
  own.models = {"textcnn"};
  own.params.set("features.sequence_len", "300");
  own.given = {"features.sequence_len"};
  ensure_sequences(own);
  EXPECT_EQ(own.params.features().sequence_len, 300u);
  own.params.set("features.sequence_len", "0");
  EXPECT_THROW(ensure_sequences(own), UsageError);
}

}  // namespace
}  // namespace malscope
