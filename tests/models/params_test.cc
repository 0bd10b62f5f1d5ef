#include "models/params.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

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
  p.set_assignment("linear.solver=lr");
  EXPECT_EQ(p.get("linear.solver"), "lr");
  p.set("features.ngrams", "0");
  EXPECT_FALSE(p.get_bool("features.ngrams"));
  EXPECT_EQ(p.overrides(), "features.ngrams=false xgb.max_depth=8 linear.solver=lr");
  EXPECT_THROW(p.set("xgb.max_depth", "0"), UsageError);
  EXPECT_THROW(p.set("xgb.max_depth", "6.5"), UsageError);
  EXPECT_THROW(p.set("xgb.eta", "fast"), UsageError);
  EXPECT_THROW(p.set("linear.solver", "svm"), UsageError);
  EXPECT_THROW(p.set("xgb.depth", "6"), UsageError);
  EXPECT_THROW(p.set_assignment("xgb.eta"), UsageError);
}

TEST(Params, ValuesAreTheTypedMembers) {
  Params p;
  EXPECT_TRUE(p.features() == FeatureConfig{});
  EXPECT_TRUE(p.xgb() == XgbConfig{});
  EXPECT_TRUE(p.linear() == LinearConfig{});
  EXPECT_TRUE(p.blend() == BlendConfig{});
  p.set("xgb.max_depth", "8");
  p.set("features.min_df", "1");
  p.set("linear.solver", "lr");
  p.set("blend.floor", "0.01");
  EXPECT_EQ(p.xgb().max_depth, 8);
  EXPECT_EQ(p.features().min_df, 1u);
  EXPECT_EQ(p.linear().solver, "lr");
  EXPECT_EQ(p.blend().floor, 0.01);
  // The table is the five groups' rows, in order, each group's defaults from its struct.
  size_t n = feature_params().specs().size() + xgb_params().specs().size() +
             linear_params().specs().size() + textcnn_params().specs().size() +
             blend_params().specs().size();
  ASSERT_EQ(param_table().size(), n);
  EXPECT_EQ(param_table().front().name, "features.api_stats");
  EXPECT_EQ(param_table().back().name, "blend.stack_l2");
  EXPECT_EQ(find_param("blend.floor")->def, "1e-06");
  EXPECT_EQ(find_param("nope"), nullptr);
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

TEST(Params, MarkdownRowsHaveFiveCells) {
  // A '|' inside a cell (the string choices "lr|lr_dual") would split it and break the table.
  std::istringstream md(param_table_markdown());
  for (std::string line; std::getline(md, line);)
    EXPECT_EQ(std::count(line.begin(), line.end(), '|'), 6) << line;
}

TEST(Params, DocsHoldTheCurrentTable) {
  // docs/learning.md embeds `malscope tune --list-params --markdown` between two markers.
  std::ifstream in(std::string(MALSCOPE_SOURCE_DIR) + "/docs/learning.md");
  ASSERT_TRUE(in) << "docs/learning.md is missing";
  std::stringstream doc;
  doc << in.rdbuf();
  const std::string text = doc.str(), begin = "<!-- params:begin -->\n",
                    end = "<!-- params:end -->";
  size_t b = text.find(begin), e = text.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(text.substr(b + begin.size(), e - b - begin.size()), param_table_markdown())
      << "regenerate it: malscope tune --list-params --markdown";
}

}  // namespace
}  // namespace malscope
