#include "models/params.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace malscope {
namespace {

TEST(Params, DefaultsComeFromTheTable) {
  Params p;
  for (const ParamSpec& s : param_table()) EXPECT_NO_THROW(p.get(s.name)) << s.name;
  EXPECT_EQ(p.get_int("features.ngram_max"), 3);
  EXPECT_EQ(p.overrides(), "defaults");
}

TEST(Params, SetChecksTypeAndRange) {
  Params p;
  p.set("xgb.max_depth", "8");
  EXPECT_EQ(p.get_int("xgb.max_depth"), 8);
  p.set_assignment("linear.solver=lr_dual");
  EXPECT_EQ(p.get("linear.solver"), "lr_dual");
  p.set("features.ngrams", "0");
  EXPECT_FALSE(p.get_bool("features.ngrams"));
  EXPECT_EQ(p.overrides(), "features.ngrams=false xgb.max_depth=8 linear.solver=lr_dual");
  EXPECT_THROW(p.set("xgb.max_depth", "0"), UsageError);
  EXPECT_THROW(p.set("xgb.max_depth", "6.5"), UsageError);
  EXPECT_THROW(p.set("xgb.eta", "fast"), UsageError);
  EXPECT_THROW(p.set("linear.solver", "svm"), UsageError);
  EXPECT_THROW(p.set("xgb.depth", "6"), UsageError);
  EXPECT_THROW(p.set_assignment("xgb.eta"), UsageError);
}

TEST(Params, JsonRoundTrip) {
  Params p;
  p.set("xgb.eta", "0.05");
  p.set("features.collapse_repeats", "true");
  Params q;
  q.update(p.to_json());
  EXPECT_EQ(p, q);
  EXPECT_DOUBLE_EQ(p.to_json()["xgb.eta"].get<double>(), 0.05);
  EXPECT_THROW(q.update(nlohmann::json{{"xgb.eta", nullptr}}), Error);
}

TEST(Params, MarkdownListsEveryRow) {
  std::string md = param_table_markdown();
  for (const ParamSpec& s : param_table())
    EXPECT_NE(md.find("`" + std::string(s.name) + "`"), std::string::npos) << s.name;
}

}  // namespace
}  // namespace malscope
