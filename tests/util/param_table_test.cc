#include "util/param_table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace malscope {
namespace {

// A config as a library stage has one: its initialisers are the defaults.
struct Knobs {
  bool fast = true;
  int depth = 4;
  uint32_t cap = 7;
  size_t top = 10;
  double rate = 0.25;
  std::string mode = "lr";
  int any = -3;  // no range: any int
};

const ParamTable<Knobs>& knobs() {
  static const ParamTable<Knobs> table{
      {"k.fast", &Knobs::fast, "Go fast"},
      {"k.depth", &Knobs::depth, 1, 20, "Tree depth"},
      {"k.cap", &Knobs::cap, 0, 1e9, "Cap"},
      {"k.top", &Knobs::top, "Rows listed"},
      {"k.rate", &Knobs::rate, 1e-4, 1, "Learning rate"},
      {"k.mode", &Knobs::mode, {"lr", "lr_dual"}, "Solver"},
      {"k.any", &Knobs::any, "Anything"},
  };
  return table;
}

std::string usage_error(const Knobs& in, std::string_view name, std::string_view value) {
  Knobs k = in;
  try {
    knobs().set(k, name, value);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(ParamTable, DefaultsComeFromTheStruct) {
  std::vector<std::string> defs;
  for (const ParamSpec& s : knobs().specs()) defs.push_back(s.def);
  EXPECT_EQ(defs, (std::vector<std::string>{"true", "4", "7", "10", "0.25", "lr", "-3"}));
  const auto& s = knobs().specs();
  EXPECT_EQ(s[0].type, ParamType::kBool);
  EXPECT_EQ(s[1].type, ParamType::kInt);
  EXPECT_EQ(s[2].type, ParamType::kUint);
  EXPECT_EQ(s[3].type, ParamType::kUint);
  EXPECT_EQ(s[4].type, ParamType::kDouble);
  EXPECT_EQ(s[5].type, ParamType::kString);
  EXPECT_FALSE(s[3].ranged());
  EXPECT_TRUE(s[1].ranged());
}

TEST(ParamTable, SetParsesIntoTheMembers) {
  Knobs k;
  knobs().set(k, "k.fast", "0");
  knobs().set(k, "k.depth", "8");
  knobs().set(k, "k.cap", "1000000000");
  knobs().set(k, "k.top", "3");
  knobs().set(k, "k.rate", "0.050");
  knobs().set(k, "k.mode", "lr_dual");
  knobs().set(k, "k.any", "-2000000000");
  EXPECT_FALSE(k.fast);
  EXPECT_EQ(k.depth, 8);
  EXPECT_EQ(k.cap, 1000000000u);
  EXPECT_EQ(k.top, 3u);
  EXPECT_EQ(k.rate, 0.05);
  EXPECT_EQ(k.mode, "lr_dual");
  EXPECT_EQ(k.any, -2000000000);
  EXPECT_EQ(knobs().get(k, *knobs().find("k.rate")), "0.05");  // canonical text
  EXPECT_EQ(knobs().get(k, *knobs().find("k.fast")), "false");
}

TEST(ParamTable, BadValuesNameTheParameterAndWhatItExpects) {
  const Knobs k;
  EXPECT_EQ(usage_error(k, "k.depth", "0"), "parameter k.depth: '0' is not an integer in [1, 20]");
  EXPECT_EQ(usage_error(k, "k.depth", "6.5"),
            "parameter k.depth: '6.5' is not an integer in [1, 20]");
  EXPECT_EQ(usage_error(k, "k.rate", "fast"),
            "parameter k.rate: 'fast' is not a number in [0.0001, 1]");
  EXPECT_EQ(usage_error(k, "k.rate", "inf"),
            "parameter k.rate: 'inf' is not a number in [0.0001, 1]");
  EXPECT_EQ(usage_error(k, "k.fast", "yes"), "parameter k.fast: 'yes' is not true or false");
  EXPECT_EQ(usage_error(k, "k.mode", "svm"), "parameter k.mode: 'svm' is not one of lr, lr_dual");
  EXPECT_EQ(usage_error(k, "k.top", "-1"), "parameter k.top: '-1' is not an integer");
  // Without a range an integer must still fit its member.
  EXPECT_EQ(usage_error(k, "k.any", "3000000000"),
            "parameter k.any: '3000000000' is not an integer in [-2147483648, 2147483647]");
  EXPECT_EQ(usage_error(k, "k.nope", "1"), "unknown parameter 'k.nope'");
}

TEST(ParamTable, CheckNamesTheMemberOutOfRange) {
  Knobs k;
  EXPECT_NO_THROW(knobs().check(k));
  k.depth = 21;
  EXPECT_EQ(
      [&] {
        try {
          knobs().check(k);
        } catch (const UsageError& e) {
          return std::string(e.what());
        }
        return std::string();
      }(),
      "parameter k.depth: '21' is not an integer in [1, 20]");
  k = {};
  k.mode = "other";
  EXPECT_THROW(knobs().check(k), UsageError);
}

TEST(ParamTable, JsonRoundTrip) {
  Knobs k;
  k.rate = 0.5;
  k.mode = "lr_dual";
  k.fast = false;
  const nlohmann::json j = knobs().to_json(k);
  EXPECT_EQ(j["k.rate"], 0.5);
  EXPECT_EQ(j["k.fast"], false);
  EXPECT_EQ(j["k.mode"], "lr_dual");
  EXPECT_EQ(j["k.depth"], 4);
  EXPECT_EQ(j.size(), knobs().specs().size());
  Knobs back;
  knobs().update(back, j);
  EXPECT_EQ(knobs().to_json(back), j);
  EXPECT_THROW(knobs().update(back, nlohmann::json{{"k.rate", nullptr}}), Error);
  EXPECT_THROW(knobs().update(back, nlohmann::json{{"k.nope", 1}}), UsageError);
  EXPECT_THROW(knobs().update(back, nlohmann::json{{"k.depth", 50}}), UsageError);
  EXPECT_THROW(knobs().update(back, nlohmann::json::array()), Error);
}

TEST(ParamTable, BinaryRoundTripInRowOrder) {
  Knobs k;
  k.depth = 9;
  k.mode = "lr_dual";
  ByteWriter w;
  knobs().save(w, k);
  // bool, int, u32, u64, f64, string (u64 length + bytes), int
  EXPECT_EQ(w.str().size(), 1u + 4 + 4 + 8 + 8 + (8 + 7) + 4);
  Knobs back;
  ByteReader r(w.str(), "knobs");
  knobs().load(r, back);
  r.expect_end();
  EXPECT_EQ(back.depth, 9);
  EXPECT_EQ(back.mode, "lr_dual");
  EXPECT_EQ(knobs().to_json(back), knobs().to_json(k));
}

TEST(ParamTable, MarkdownHasOneRowPerParameter) {
  const std::string md = param_markdown(knobs().specs());
  EXPECT_EQ(md.substr(0, md.find('\n')), "| parameter | type | default | range | meaning |");
  EXPECT_NE(md.find("| `k.depth` | int | 4 | 1 .. 20 | Tree depth |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| `k.cap` | int | 7 | 0 .. 1000000000 | Cap |\n"), std::string::npos);
  EXPECT_NE(md.find("| `k.fast` | bool | true |  | Go fast |\n"), std::string::npos);
  EXPECT_NE(md.find("| `k.mode` | string | lr | lr, lr_dual | Solver |\n"), std::string::npos);
  EXPECT_NE(md.find("| `k.top` | int | 10 |  | Rows listed |\n"), std::string::npos);
  std::istringstream lines(md);
  size_t n = 0;
  for (std::string line; std::getline(lines, line);) ++n;
  EXPECT_EQ(n, 2 + knobs().specs().size());
}

TEST(ParamTable, CanonicalText) {
  const ParamSpec& rate = knobs().specs()[4];
  EXPECT_EQ(param_canonical(rate, "1e-1"), "0.1");
  EXPECT_EQ(param_canonical(rate, "2"), std::nullopt);
  EXPECT_EQ(param_checked(knobs().specs()[0], "1"), "true");
  EXPECT_EQ(param_text(nlohmann::json(3), "x"), "3");
  EXPECT_EQ(param_text(nlohmann::json(0.5), "x"), "0.5");
  EXPECT_EQ(param_text(nlohmann::json(true), "x"), "true");
  EXPECT_EQ(param_format(0.1 + 0.2), "0.30000000000000004");
}

}  // namespace
}  // namespace malscope
