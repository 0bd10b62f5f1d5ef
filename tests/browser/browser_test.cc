// The report and a plot page in Debian's headless Chromium: the pages load without console
// errors, every chart element holds a drawn chart, and a screenshot is taken (kept in
// $MALSCOPE_ARTIFACTS when set). Skips when Chromium is not installed.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>

#include "../analysis/analysis_fixtures.h"

namespace malscope {
namespace {

using testing_util::malscope;
using testing_util::read_text;
using testing_util::run;

constexpr const char* kChromium = "/usr/bin/chromium";

struct Browser {
  testing_util::TempDir dir;
  int runs = 0;

  // Runs Chromium on a page with fresh profile; returns stderr (the browser log).
  std::string open(const std::string& page, const std::string& action) {
    std::string profile = dir.file("profile" + std::to_string(runs++));
    std::string log = dir.file("log.txt");
    std::string cmd = std::string(kChromium) +
                      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                      " --disable-background-networking --disable-component-update --disable-sync"
                      " --enable-unsafe-swiftshader --enable-logging=stderr --v=0"
                      " --virtual-time-budget=30000 --user-data-dir=" +
                      profile + " " + action + " file://" + page;
    auto r = run("(timeout 120 " + cmd + " > " + dir.file("out.txt") + " 2> " + log + ")");
    EXPECT_EQ(r.code, 0) << read_text(log);
    return read_text(log);
  }
};

// Console lines from the page or plotly.js, less the GPU's own performance notes and a Canvas2D
// advisory that Chromium itself raises.
std::vector<std::string> console_problems(const std::string& log) {
  std::vector<std::string> bad;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(":CONSOLE") == std::string::npos) continue;
    if (line.find("GL Driver Message") != std::string::npos) continue;
    if (line.find("Canvas2D: Multiple readback operations") != std::string::npos) continue;
    bad.push_back(line);
  }
  return bad;
}

void expect_all_charts_drawn(const std::string& dom, const std::string& what) {
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex(R"re(<body[^>]*data-charts="(\d+)")re")))
      << what << ": the boot script did not finish";
  const int charts = std::stoi(m[1]);
  EXPECT_GT(charts, 0) << what;
  EXPECT_NE(dom.find("data-errors=\"0\""), std::string::npos) << what;
  EXPECT_NE(dom.find("id=\"malscope-status\" hidden"), std::string::npos) << what;
  // Each chart element, one by one: marked drawn and holding Plotly's svg.
  for (int i = 1; i <= charts; ++i) {
    std::string open = "id=\"chart-" + std::to_string(i) + "\"";
    size_t at = dom.find(open);
    ASSERT_NE(at, std::string::npos) << what << " chart " << i;
    size_t tag_end = dom.find('>', at);
    EXPECT_NE(dom.substr(at, tag_end - at).find("data-drawn=\"1\""), std::string::npos)
        << what << " chart " << i << " not drawn";
    size_t next = dom.find("class=\"chart", tag_end);
    EXPECT_NE(dom.substr(tag_end, next - tag_end).find("<svg"), std::string::npos)
        << what << " chart " << i << " has no svg";
  }
}

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kChromium))
      GTEST_SKIP() << "Chromium is not installed (" << kChromium
                   << "); scripts/setup.sh installs it";
  }
};

TEST_F(BrowserTest, ReportDrawsEveryChartWithoutConsoleErrors) {
  testing_analysis::TestStore ts(testing_analysis::three_class_csv());
  std::string page = ts.file("report.html");
  // --test with the store itself, so the overlap section's chart is drawn too.
  ASSERT_EQ(malscope("report " + ts.path() + " --test " + ts.path() + " -o " + page).code, 0);
  Browser b;
  std::string log = b.open(page, "--dump-dom");
  std::string dom = read_text(b.dir.file("out.txt"));
  EXPECT_EQ(console_problems(log), std::vector<std::string>{});
  expect_all_charts_drawn(dom, "report");
  EXPECT_NE(dom.find("<canvas"), std::string::npos);  // the 3-D examples draw with WebGL

  const char* keep = std::getenv("MALSCOPE_ARTIFACTS");
  std::string png = keep ? std::string(keep) + "/report.png" : b.dir.file("report.png");
  b.open(page, "--window-size=1400,3000 --screenshot=" + png);
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 50000u);  // a rendered page, not a blank one
  EXPECT_EQ(read_text(png).substr(1, 3), "PNG");
}

TEST_F(BrowserTest, PlotPageDrawsEverySample) {
  testing_analysis::TestStore ts(testing_analysis::three_class_csv());
  std::string page = ts.file("plot.html");
  ASSERT_EQ(
      malscope("plot " + ts.path() + " --file 1 --file 2 --file 59 --max-points 100 -o " + page)
          .code,
      0);
  Browser b;
  std::string log = b.open(page, "--dump-dom");
  EXPECT_EQ(console_problems(log), std::vector<std::string>{});
  expect_all_charts_drawn(read_text(b.dir.file("out.txt")), "plot");
}

// An API name and a file id that are HTML: plotly.js would draw them as live links; escaped,
// the page shows them as text and holds no link to the hostile address.
TEST_F(BrowserTest, HostileNamesRenderAsText) {
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  const std::string evil = "\"<a href=\"\"https://x.example\"\">EVIL</a>\"";
  for (int f = 0; f < 12; ++f)
    for (int i = 0; i < 30; ++i)
      csv += fmt::format("{},{},{},1,0,{}\n", f == 3 ? evil : std::to_string(f), f % 2,
                         i % 3 == 0 ? evil : (i % 3 == 1 ? "LdrLoadDll" : "NtClose"), i);
  testing_analysis::TestStore ts(csv);
  std::string report = ts.file("report.html"), plot = ts.file("plot.html");
  ASSERT_EQ(malscope("report " + ts.path() + " -o " + report).code, 0);
  ASSERT_EQ(malscope("plot " + ts.path() + " --file 1 --file 2 -o " + plot).code, 0);
  Browser b;
  for (const std::string& page : {report, plot}) {
    std::string log = b.open(page, "--dump-dom");
    std::string dom = read_text(b.dir.file("out.txt"));
    EXPECT_EQ(console_problems(log), std::vector<std::string>{}) << page;
    expect_all_charts_drawn(dom, page);
    // Text nodes serialise '<' as "&lt;": a match is a real link element (plotly writes
    // xlink:href).
    EXPECT_FALSE(std::regex_search(dom, std::regex(R"re(<a [^>]*x\.example)re"))) << page;
    EXPECT_NE(dom.find("&lt;a href="), std::string::npos) << page << ": the name is not shown";
  }
}

}  // namespace
}  // namespace malscope
