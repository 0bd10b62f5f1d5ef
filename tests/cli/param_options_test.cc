#include "cli/param_options.h"

#include <gtest/gtest.h>

namespace malscope::cli {
namespace {

struct Opts {
  int ngram = 3;
  double threshold = 0.8;
  size_t top = 10;
  std::string mode = "a";
};

const ParamTable<Opts>& opts() {
  static const ParamTable<Opts> table{
      {"ngram", &Opts::ngram, 1, 3, "N-gram length"},
      {"threshold", &Opts::threshold, 0.01, 1.0, "Similarity"},
      {"top", &Opts::top, "Rows listed"},
      {"mode", &Opts::mode, {"a", "b"}, "Mode"},
  };
  return table;
}

// Parses `args` (after the program name) into a fresh Opts.
Opts parse(std::vector<std::string> args) {
  CLI::App app;
  Opts o;
  add_param_options(&app, opts(), o);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
  return o;
}

TEST(ParamOptions, FlagsSetTheMembers) {
  Opts o = parse({"--ngram", "2", "--threshold", "0.5", "--top", "4", "--mode", "b"});
  EXPECT_EQ(o.ngram, 2);
  EXPECT_EQ(o.threshold, 0.5);
  EXPECT_EQ(o.top, 4u);
  EXPECT_EQ(o.mode, "b");
  Opts d = parse({});
  EXPECT_EQ(d.ngram, 3);
  EXPECT_EQ(d.top, 10u);
}

TEST(ParamOptions, BadValuesAreValidationErrorsNamingTheFlag) {
  try {
    parse({"--ngram", "5"});
    ADD_FAILURE() << "accepted --ngram 5";
  } catch (const CLI::ValidationError& e) {
    EXPECT_STREQ(e.what(), "--ngram: '5' is not an integer in [1, 3]");
  }
  EXPECT_THROW(parse({"--threshold", "high"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--mode", "c"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--top", "-1"}), CLI::ValidationError);
}

TEST(ParamOptions, HelpShowsTypeRangeDefaultAndText) {
  CLI::App app;
  Opts o;
  add_param_options(&app, opts(), o, "Knobs");
  const std::string help = app.help();
  EXPECT_NE(help.find("Knobs:"), std::string::npos) << help;
  EXPECT_NE(help.find("--ngram INT:INT in [1 - 3]=3"), std::string::npos) << help;
  EXPECT_NE(help.find("--threshold FLOAT:FLOAT in [0.01 - 1]=0.8"), std::string::npos) << help;
  EXPECT_NE(help.find("--top UINT=10"), std::string::npos) << help;
  EXPECT_NE(help.find("--mode a|b=a"), std::string::npos) << help;
  EXPECT_NE(help.find("N-gram length"), std::string::npos) << help;
}

TEST(ParamOptions, TextSetterSeesCanonicalValues) {
  CLI::App app;
  std::vector<std::pair<std::string, std::string>> seen;
  add_param_options(&app, opts().specs(), [&](const ParamSpec& s, const std::string& v) {
    seen.emplace_back(s.name, v);
  });
  std::vector<std::string> args = {"0.50", "--threshold"};
  app.parse(args);
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{{"threshold", "0.5"}}));
}

}  // namespace
}  // namespace malscope::cli
