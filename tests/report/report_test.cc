// The HTML pages: every section, plotly inlined, nothing fetched from elsewhere, same bytes for
// the same input, bad CV results refused before anything is written.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <regex>
#include <sstream>

#include "../analysis/analysis_fixtures.h"
#include "../eval/cv_results_fixture.h"
#include "report/html_page.h"
#include "report/plotly_js.h"
#include "util/error.h"

namespace malscope {
namespace {

using testing_analysis::CsvBuilder;
using testing_analysis::TestStore;
using testing_eval::kCvJson;
using testing_util::malscope;
using testing_util::read_text;

std::string csv() {
  return testing_analysis::three_class_csv();
}

TEST(Report, HasEverySectionAndInlinesPlotly) {
  TestStore ts(csv());
  testing_util::write_text(ts.file("cv.json"), kCvJson);
  auto r =
      malscope("report " + ts.path() + " -o " + ts.file("r.html") + " --cv " + ts.file("cv.json"));
  ASSERT_EQ(r.code, 0) << r.out;
  std::string html = read_text(ts.file("r.html"));
  for (const char* id : {"overview", "pies", "distinctive", "traits", "examples", "audit", "cv"})
    EXPECT_NE(html.find(fmt::format("<section id=\"{}\">", id)), std::string::npos) << id;
  for (const char* text : {"Repeated runs", "Leakage through file_id order",
                           "What duplicates do to a cross-validation score", "Confusion matrix",
                           "Class 0 against each class k", "api:CryptEncrypt"})
    EXPECT_NE(html.find(text), std::string::npos) << text;
  EXPECT_NE(html.find(std::string(plotly_js().substr(0, 200))), std::string::npos);
  EXPECT_GT(html.size(), plotly_js().size());
  // Works offline: no element loads anything from elsewhere. (The bundle itself names map tile
  // servers that only map charts would fetch; the report draws none.)
  std::string page = html;
  page.erase(page.find(plotly_js()), plotly_js().size());
  std::regex external(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase);
  std::smatch m;
  EXPECT_FALSE(std::regex_search(page, m, external)) << m.str();
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<iframe"), std::string::npos);
}

// --test: a section on the test files that are copies of this store's files.
TEST(Report, TestStoreCopiesGetTheirSection) {
  TestStore train(csv());
  std::mt19937 rng(9);
  CsvBuilder b;
  b.file("new", 0, {{1, testing_analysis::random_calls(rng, 20, 80)}});
  TestStore test(b.str());
  auto plain = malscope("report " + train.path() + " -o " + train.file("a.html"));
  ASSERT_EQ(plain.code, 0) << plain.out;
  EXPECT_EQ(read_text(train.file("a.html")).find("<section id=\"overlap\">"), std::string::npos);
  // The train store against itself: every file has an exact copy.
  auto self = malscope("report " + train.path() + " --test " + train.path() + " -o " +
                       train.file("b.html"));
  ASSERT_EQ(self.code, 0) << self.out;
  std::string html = read_text(train.file("b.html"));
  EXPECT_NE(html.find("<section id=\"overlap\">"), std::string::npos);
  EXPECT_NE(html.find("60 of 60 test files (100.0%) have an exact copy here"), std::string::npos);
  EXPECT_NE(html.find("The test label equals the copy&#39;s for 60 of 60"), std::string::npos)
      << html.substr(html.find("<section id=\"overlap\">"), 2000);
  auto other =
      malscope("report " + train.path() + " --test " + test.path() + " -o " + train.file("c.html"));
  ASSERT_EQ(other.code, 0) << other.out;
  EXPECT_NE(read_text(train.file("c.html")).find("0 of 1 test files (0.0%) have an exact copy"),
            std::string::npos);
}

TEST(Report, SameInputSameBytes) {
  TestStore ts(csv());
  ASSERT_EQ(malscope("-j 1 report " + ts.path() + " -o " + ts.file("a.html")).code, 0);
  ASSERT_EQ(malscope("-j 3 report " + ts.path() + " -o " + ts.file("b.html")).code, 0);
  std::string a = read_text(ts.file("a.html")), b = read_text(ts.file("b.html"));
  EXPECT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b);
  EXPECT_EQ(a.find("<section id=\"cv\">"), std::string::npos);  // no --cv, no CV section
}

TEST(Report, BadCvResultsFailBeforeWritingAndNameTheField) {
  TestStore ts(csv());
  std::string broken = kCvJson;
  broken.replace(broken.find("\"macro_f1\""), 10, "\"macro_fx\"");
  testing_util::write_text(ts.file("cv.json"), broken);
  auto r =
      malscope("report " + ts.path() + " -o " + ts.file("r.html") + " --cv " + ts.file("cv.json"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("metrics.macro_f1 is missing"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(ts.file("r.html")));
}

TEST(Report, PlotPageShowsEachSampleAndSaysWhenThinned) {
  TestStore ts(csv());
  auto r = malscope("plot " + ts.path() + " --file 4 --file 59 --max-points 100 -o " +
                    ts.file("p.html"));
  ASSERT_EQ(r.code, 0) << r.out;
  std::string html = read_text(ts.file("p.html"));
  EXPECT_NE(html.find("4 · class 1"), std::string::npos);
  EXPECT_NE(html.find("59 · class 2"), std::string::npos);
  EXPECT_NE(html.find("calls shown ("), std::string::npos);  // 59 has 3 x 99 calls > 100
  EXPECT_NE(html.find("\"mode\":\"3d\""), std::string::npos);
}

// The same files without the label column, as a test set comes.
std::string unlabeled_csv() {
  std::istringstream in(csv());
  std::string line, out;
  while (std::getline(in, line)) {
    size_t a = line.find(','), b = line.find(',', a + 1);
    out += line.substr(0, a) + line.substr(b) + "\n";
  }
  return out;
}

TEST(Report, UnlabeledStoresGetTheSectionsThatApply) {
  TestStore ts(unlabeled_csv());
  ASSERT_FALSE(ts.store().labeled());
  auto r = malscope("report " + ts.path() + " -o " + ts.file("r.html"));
  ASSERT_EQ(r.code, 0) << r.out;
  std::string html = read_text(ts.file("r.html"));
  EXPECT_NE(html.find("all files (60 files)"), std::string::npos);  // one pie for everything
  EXPECT_NE(html.find("Needs a labeled store"), std::string::npos);
  EXPECT_NE(html.find("Repeated runs"), std::string::npos);
  EXPECT_EQ(html.find("Leakage through file_id order"), std::string::npos);
  auto audit = malscope("audit " + ts.path() + " --groups-out " + ts.file("g.csv"));
  EXPECT_EQ(audit.code, 0) << audit.out;
  EXPECT_NE(audit.out.find("60 files, unlabeled"), std::string::npos) << audit.out;
}

TEST(HtmlPage, EscapesTextAndKeepsJsonInsideItsScript) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  std::string j = script_json({{"name", "</script><script>alert(1)</script>"}});
  EXPECT_EQ(j.find("</"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(j)["name"], "</script><script>alert(1)</script>");
  HtmlPage page("t <1>", "s");
  page.section("a", "A & B");
  page.table({"h"}, {{"<b>"}, {"12.5%"}});
  std::string html = page.render();
  EXPECT_NE(html.find("<title>t &lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<td>&lt;b&gt;</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">12.5%</td>"), std::string::npos);
}

}  // namespace
}  // namespace malscope
