#pragma once
// A small labeled store (the three classes of tests/cli/learn_data.h), its sketches and a fast
// two-model setup, for the CV, fold-task and training tests.
#include "../cli/learn_data.h"
#include "../features/temp_store.h"
#include "eval/cv.h"

namespace malscope::testing_eval {

/// xgb and linear with few boosting rounds, on two threads.
inline LearnSetup fast_setup() {
  LearnSetup s;
  s.models = {"xgb", "linear"};
  s.params.set("xgb.rounds", "40");
  s.params.set("xgb.early_stop", "10");
  s.seed = 3;
  s.threads = 2;
  return s;
}

struct LearnFixture {
  testing_features::TempStore store{testing_learn::tianchi_csv(90, 1, true, nullptr)};
  LearnSetup setup = fast_setup();
  Sketches sketches = Sketches::extract(store.store(), feature_config(setup.params), 2);
};

}  // namespace malscope::testing_eval
