#include "models/bundle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <optional>

#include "cli/learn_data.h"
#include "eval/submission.h"
#include "eval/train.h"
#include "store/ingest.h"
#include "test_util.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/serial.h"

namespace malscope {
namespace {

using testing_util::read_text;
using testing_util::TempDir;
using testing_util::write_text;

// A small trained bundle (xgb and linear on 60 files of the learning tests' data) and its store.
struct Trained {
  TempDir dir;
  std::optional<TraceStore> store;
  std::optional<Sketches> sketches;
  Bundle bundle;

  explicit Trained(const std::string& floor = "1e-6") {
    write_text(dir.file("t.csv"), testing_learn::tianchi_csv(60, 5, true, nullptr));
    IngestOptions opt;
    opt.threads = 1;
    ingest_csv(dir.file("t.csv"), dir.file("t.store"), opt);
    store.emplace(TraceStore::open(dir.file("t.store")));
    LearnSetup setup;
    setup.models = {"xgb", "linear"};
    setup.params.set("xgb.rounds", "20");
    setup.params.set("blend.floor", floor);
    sketches.emplace(Sketches::extract(*store, feature_config(setup.params), 1));
    bundle = train_bundle(*sketches, setup, {0.5, 0.5}, "t.store");
  }
};

// The bundle in the layout of version 1 (no floor field), as malscope wrote it until the floor
// became a field, or of version 2 (a floor, no temperature or stacker), with `info` as its JSON
// record.
std::string old_version_bytes(const Bundle& b, const nlohmann::json& info, uint32_t version) {
  ByteWriter p;
  p.put_bytes(info.dump());
  p.put<int32_t>(b.classes);
  p.put<uint32_t>(uint32_t(b.model_names.size()));
  for (const std::string& n : b.model_names) p.put_bytes(n);
  p.put_vector(b.weights);
  if (version == 2) p.put<double>(b.floor);
  p.put<uint32_t>(uint32_t(b.members.size()));
  for (const BundleMember& m : b.members) {
    p.put_bytes(to_bytes(m.pipeline));
    for (const auto& model : m.models) p.put_bytes(to_bytes(*model));
  }
  ByteWriter w;
  w.put_raw("MSBUNDLE");
  w.put<uint32_t>(version);
  w.put_bytes(p.str());
  w.put<uint64_t>(hash_bytes(p.str()));
  return w.str();
}

std::string version_1_bytes(const Bundle& b, const nlohmann::json& info) {
  return old_version_bytes(b, info, 1);
}

TEST(Bundle, RoundTripPredictsTheSame) {
  TempDir dir;
  write_text(dir.file("t.csv"), testing_learn::tianchi_csv(60, 5, true, nullptr));
  IngestOptions opt;
  opt.threads = 1;
  ingest_csv(dir.file("t.csv"), dir.file("t.store"), opt);
  TraceStore store = TraceStore::open(dir.file("t.store"));
  LearnSetup setup;
  setup.models = {"xgb", "linear"};
  setup.params.set("xgb.rounds", "20");
  setup.threads = 2;
  Sketches s = Sketches::extract(store, feature_config(setup.params), 2);
  Bundle b = train_bundle(s, setup, {0.5, 0.5}, "t.store");
  std::string bytes = save_bundle(b);
  Bundle back = load_bundle(bytes, "mem", {0, 2});
  EXPECT_EQ(back.classes, 3);
  EXPECT_EQ(back.weights, b.weights);
  EXPECT_EQ(back.predict(s).prob, b.predict(s).prob);
  EXPECT_EQ(save_bundle(back), bytes);

  std::string bad = bytes;
  bad[bad.size() - 20] ^= 1;
  EXPECT_THROW(load_bundle(bad, "mem", {}), Error);
  try {
    load_bundle(bytes.substr(0, bytes.size() - 9), "m.bin", {});
    ADD_FAILURE() << "loaded a truncated bundle";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model bundle 'm.bin' is corrupt"), std::string::npos)
        << e.what();
  }
  std::string other = bytes;
  other[8] = 9;  // version
  EXPECT_THROW(load_bundle(other, "mem", {}), Error);
}

TEST(Bundle, FloorBoundsEveryProbabilityAndSurvivesTheRoundTrip) {
  TempDir dir;
  write_text(dir.file("t.csv"), testing_learn::tianchi_csv(60, 5, true, nullptr));
  IngestOptions opt;
  opt.threads = 1;
  ingest_csv(dir.file("t.csv"), dir.file("t.store"), opt);
  TraceStore store = TraceStore::open(dir.file("t.store"));
  LearnSetup setup;
  setup.models = {"xgb"};
  setup.params.set("xgb.rounds", "30");
  Sketches s = Sketches::extract(store, feature_config(setup.params), 1);
  Bundle plain = train_bundle(s, setup, {1.0}, "t.store");
  const Predictions p0 = plain.predict(s);
  ASSERT_LT(*std::min_element(p0.prob.begin(), p0.prob.end()), 0.02);  // the floor must bite

  setup.params.set("blend.floor", "0.02");
  Bundle floored = load_bundle(save_bundle(train_bundle(s, setup, {1.0}, "t.store")), "mem", {});
  EXPECT_DOUBLE_EQ(floored.floor, 0.02);
  const Predictions p = floored.predict(s);
  for (size_t r = 0; r < p.rows(); ++r) {
    double sum = 0;
    for (double v : p.row(r)) {
      EXPECT_GE(v, 0.02 - 1e-12);
      sum += v;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12);
    EXPECT_EQ(argmax(p.row(r)), argmax(p0.row(r)));  // the floor keeps the order
  }
}

TEST(Bundle, VersionOneReadsItsFloorFromTheInfoWithoutTheParameterTable) {
  Trained t("0.02");
  const Predictions want = t.bundle.predict(*t.sketches);
  // A renamed parameter, a value today's table would reject: neither matters to predict.
  nlohmann::json info = t.bundle.info;
  info["params"]["xgb.renamed_knob"] = 3;
  info["params"]["features.min_df"] = "not a number";
  Bundle old = load_bundle(version_1_bytes(t.bundle, info), "old", {0, 1});
  EXPECT_EQ(old.floor, 0.02);
  EXPECT_EQ(old.predict(*t.sketches).prob, want.prob);
  t.bundle.info = info;
  EXPECT_TRUE(save_bundle(old) == save_bundle(t.bundle));  // saved again: version 3, same bytes

  info.erase("params");  // bundles from before blend.floor: the submission's clip
  EXPECT_EQ(load_bundle(version_1_bytes(t.bundle, info), "old", {}).floor, kProbEps);
}

TEST(Bundle, VersionThreeStoresItsFloorTemperatureAndStacker) {
  Trained t("0.02");
  const Predictions plain = t.bundle.predict(*t.sketches);
  std::string bytes = save_bundle(t.bundle);
  EXPECT_EQ(bytes.substr(8, 4), std::string("\3\0\0\0", 4));
  // The info is only a record: emptying it changes nothing a prediction needs.
  t.bundle.info = nlohmann::json::object();
  Bundle back = load_bundle(save_bundle(t.bundle), "mem", {0, 1});
  EXPECT_EQ(back.floor, 0.02);
  EXPECT_EQ(back.temperature, 1);
  EXPECT_TRUE(back.stack.empty());
  EXPECT_EQ(back.predict(*t.sketches).prob, plain.prob);

  // A temperature softens every member's blend; it survives the round trip.
  t.bundle.temperature = 3;
  Bundle soft = load_bundle(save_bundle(t.bundle), "mem", {0, 1});
  EXPECT_EQ(soft.temperature, 3);
  const Predictions ps = soft.predict(*t.sketches);
  EXPECT_EQ(ps.prob, t.bundle.predict(*t.sketches).prob);
  for (size_t r = 0; r < ps.rows(); ++r)
    EXPECT_LE(ps.row(r)[argmax(ps.row(r))], plain.row(r)[argmax(plain.row(r))] + 1e-12);

  // A stacker replaces the blend.
  t.bundle.temperature = 1;
  std::vector<Predictions> member =
      predict_models(t.bundle.members[0].pipeline, t.bundle.members[0].models, *t.sketches, {});
  t.bundle.stack = Stacker::fit(member, t.sketches->labels(), 0.1);
  Bundle stacked = load_bundle(save_bundle(t.bundle), "mem", {0, 1});
  EXPECT_EQ(stacked.stack.coef, t.bundle.stack.coef);
  Predictions want = t.bundle.stack.predict(member);
  apply_floor(want, 0.02);
  EXPECT_EQ(stacked.predict(*t.sketches).prob, want.prob);
}

TEST(Bundle, VersionTwoStillLoads) {
  Trained t("0.02");
  const Predictions want = t.bundle.predict(*t.sketches);
  Bundle old = load_bundle(old_version_bytes(t.bundle, t.bundle.info, 2), "v2", {0, 1});
  EXPECT_EQ(old.floor, 0.02);
  EXPECT_EQ(old.temperature, 1);
  EXPECT_TRUE(old.stack.empty());
  EXPECT_EQ(old.predict(*t.sketches).prob, want.prob);
}

TEST(Bundle, LoadErrorsNameThePart) {
  Trained t;
  std::string v1 = version_1_bytes(t.bundle, t.bundle.info);
  std::string bad = v1;
  bad[bad.size() - 9] ^= 1;  // inside the last model blob, caught by the bundle's checksum
  EXPECT_THROW(load_bundle(bad, "m.bin", {}), Error);
  Bundle unknown;
  unknown.classes = t.bundle.classes;
  unknown.model_names = {"forest"};
  unknown.weights = {1};
  unknown.members.push_back({t.bundle.members[0].pipeline, {}});
  unknown.members[0].models.push_back(std::move(t.bundle.members[0].models[0]));
  try {
    load_bundle(save_bundle(unknown), "m.bin", {});
    ADD_FAILURE() << "loaded a bundle naming an unknown model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown model 'forest'"), std::string::npos) << e.what();
  }
}

// tests/data/bundle_v1.msm was written by malscope before the save/load rework (bundle version
// 1, xgb blob version 2 with two bags, blend.floor 0.002 in its info): trained with
//   malscope simulate -o sim --train-files 120 --test-files 40 --seed 1 --mean-calls 100
//   malscope ingest sim/train.csv -o train.store
//   malscope -j 1 train train.store --models xgb,linear --xgb.rounds 10 --xgb.max_depth 3
//     --xgb.bags 2 --blend.floor 0.002 --features.max_ngrams 200 --weights 0.6,0.4 -o bundle_v1.msm
// bundle_v1_test.csv is sim/test.csv's files 0-19 and bundle_v1_submission.csv what that
// malscope's `predict` wrote for them.
TEST(Bundle, BundleOfTheOldCodeLoadsAndPredictsTheSame) {
  const std::string data = std::string(MALSCOPE_SOURCE_DIR) + "/tests/data/";
  TempDir dir;
  IngestOptions opt;
  opt.threads = 1;
  ingest_csv(data + "bundle_v1_test.csv", dir.file("test.store"), opt);
  TraceStore store = TraceStore::open(dir.file("test.store"));
  const std::string bytes = read_text(data + "bundle_v1.msm");
  ASSERT_EQ(bytes.substr(0, 12), std::string("MSBUNDLE\1\0\0\0", 12));
  Bundle b = load_bundle(bytes, "bundle_v1.msm", {0, 2});
  EXPECT_EQ(b.floor, 0.002);
  EXPECT_EQ(b.model_names, (std::vector<std::string>{"xgb", "linear"}));
  EXPECT_EQ(b.feature_config().max_ngrams, 200u);
  Sketches s = Sketches::extract(store, b.feature_config(), 2);
  const Predictions p = b.predict(s);
  std::vector<std::string> ids;
  for (size_t i = 0; i < s.size(); ++i) ids.push_back(s.file_id(i));
  write_submission(dir.file("sub.csv"), ids, p);
  EXPECT_EQ(read_text(dir.file("sub.csv")), read_text(data + "bundle_v1_submission.csv"));
  // Saved again (version 2) it predicts the same.
  EXPECT_EQ(load_bundle(save_bundle(b), "again", {0, 1}).predict(s).prob, p.prob);
}

}  // namespace
}  // namespace malscope
