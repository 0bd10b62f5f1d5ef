// End to end: the real binary, its files and its exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "sim/sim_csv.h"

namespace malscope {
namespace {

struct CliRun {
  int code = -1;
  std::string output;  // stdout and stderr
};

CliRun run_cli(const std::string& args) {
  std::string cmd = std::string(MALSCOPE_BIN) + " " + args + " 2>&1";
  CliRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.output.append(buf, n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(SimulateCli, WritesTheThreeFiles) {
  testing_sim::ScratchDir d("cli");
  CliRun r =
      run_cli("-j 2 simulate -o " + d.path() +
              " --train-files 40 --test-files 12 --mean-calls 200 --classes 8 --format season2");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("train.csv: 40 files"), std::string::npos) << r.output;
  auto test = testing_sim::read_csv(d / "test.csv");
  EXPECT_EQ(test.header, (std::vector<std::string>{"file_id", "api", "tid", "index"}));
  EXPECT_EQ(testing_sim::group(test).size(), 12u);
  EXPECT_TRUE(std::filesystem::exists(d / "test_labels.csv"));
  CliRun quiet = run_cli("simulate -q -o " + d.path() + " --size 100K --mean-calls 200");
  EXPECT_EQ(quiet.code, 0) << quiet.output;
  EXPECT_EQ(quiet.output, "");
}

TEST(SimulateCli, BadFlagsExitTwoNamingTheFlag) {
  testing_sim::ScratchDir d("cli_bad");
  const std::string o = " -o " + d.path();
  const std::pair<std::string, std::string> cases[] = {
      {"simulate" + o + " --classes 7", "--classes"},
      {"simulate" + o + " --format season3", "--format"},
      {"simulate" + o + " --imbalance heavy", "--imbalance"},
      {"simulate" + o + " --repeat-rate 2", "--repeat-rate"},
      {"simulate" + o + " --id-leak -0.5", "--id-leak"},
      {"simulate" + o + " --mean-calls 5", "--mean-calls"},
      {"simulate" + o + " --size 12X", "--size"},
      {"simulate" + o + " --size 1M --train-files 10", "--train-files"},
      {"simulate --train-files 10", "--output"},
  };
  for (const auto& [args, flag] : cases) {
    CliRun r = run_cli(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(flag), std::string::npos) << args << "\n" << r.output;
  }
  EXPECT_FALSE(std::filesystem::exists(d / "train.csv"));
}

TEST(SimulateCli, OutputBlockedByAFileExitsOne) {
  testing_sim::ScratchDir d("cli_blocked");
  std::FILE* f = std::fopen((d / "x").c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  CliRun r = run_cli("simulate -o " + (d / "x") + " --train-files 5 --test-files 2");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot create output directory"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace malscope
