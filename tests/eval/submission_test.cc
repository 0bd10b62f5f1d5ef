#include "eval/submission.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "util/error.h"

namespace malscope {
namespace {

std::string temp_file(const std::string& name, const std::string& text) {
  std::string p = testing::TempDir() + "sub_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(p) << text;
  return p;
}

TEST(Submission, ExactFormat) {
  std::vector<std::string> ids = {"a", "b"};
  Predictions p{3, {1.0, 0.0, 0.0, 0.2, 0.3, 0.5}};
  std::string s = format_submission(ids, p);
  EXPECT_EQ(s,
            "file_id,prob0,prob1,prob2\n"
            "a,0.999998,0.000001,0.000001\n"
            "b,0.2,0.3,0.5\n");
}

TEST(Submission, RowsSumToOneAndStayClipped) {
  std::vector<std::string> ids;
  Predictions p = Predictions::zeros(50, 6);
  for (size_t r = 0; r < 50; ++r) {
    ids.push_back(std::to_string(r));
    for (int c = 0; c < 6; ++c) p.row(r)[c] = double((r * 7 + c * 13) % 11) / 3.7 + (c == 2) * 1e9;
  }
  std::stringstream in(format_submission(ids, p));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "file_id,prob0,prob1,prob2,prob3,prob4,prob5");
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    std::stringstream f(line);
    std::string field;
    std::getline(f, field, ',');
    int64_t units = 0;  // in 1e-9, read from the text so the sum is exact
    int cols = 0;
    while (std::getline(f, field, ',')) {
      ++cols;
      double v = std::stod(field);
      EXPECT_GE(v, 1e-6) << line;
      EXPECT_LE(v, 1 - 1e-6) << line;
      std::string frac = field.substr(2);
      frac.resize(9, '0');
      units += std::stoll(frac);
    }
    EXPECT_EQ(cols, 6);
    EXPECT_EQ(units, 1'000'000'000) << line;
  }
  EXPECT_EQ(rows, 50);
}

TEST(Submission, ReadBackAndAlign) {
  std::string sub = temp_file("ok.csv", "file_id,prob0,prob1\nx,0.25,0.75\ny,1,0\n");
  std::string lab = temp_file("ok_labels.csv", "file_id,label\ny,0\nx,1\n");
  Submission s = read_submission(sub);
  ASSERT_EQ(s.file_ids.size(), 2u);
  EXPECT_EQ(s.pred.classes, 2);
  EXPECT_EQ(align_labels(s, read_labels(lab), lab), (std::vector<int32_t>{1, 0}));
  std::remove(sub.c_str());
  std::remove(lab.c_str());
}

void expect_error(const std::string& text, const std::string& needle) {
  std::string p = temp_file("bad.csv", text);
  try {
    read_submission(p);
    ADD_FAILURE() << "no error for " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
  std::remove(p.c_str());
}

TEST(Submission, ReadErrorsNameTheLine) {
  expect_error("file_id,p0,p1\nx,0.5,0.5\n", "expected file_id,prob0");
  expect_error("file_id,prob0,prob1\nx,0.5\n", ":2: expected 3 fields");
  expect_error("file_id,prob0,prob1\nx,0.5,0.5\nx,0.5,0.5\n", ":3: file_id 'x' already given");
  expect_error("file_id,prob0,prob1\nx,abc,0.5\n", "prob0 is 'abc'");
  expect_error("file_id,prob0,prob1\nx,-0.1,1.1\n", "expected a probability");
  expect_error("file_id,prob0,prob1\nx,0.5,0.4\n", "sum to 0.9");
  expect_error("", "is empty");
}

TEST(Submission, AlignReportsMissingAndUnknownIds) {
  std::string sub = temp_file("al.csv", "file_id,prob0,prob1\nx,0.5,0.5\nz,0.5,0.5\n");
  std::string lab = temp_file("al_labels.csv", "file_id,label\nx,0\ny,1\n");
  try {
    align_labels(read_submission(sub), read_labels(lab), lab);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("not in"), std::string::npos) << m;
    EXPECT_NE(m.find("z"), std::string::npos) << m;
    EXPECT_NE(m.find("missing from the submission: y"), std::string::npos) << m;
  }
  std::string lab3 = temp_file("al3.csv", "file_id,label\nx,0\nz,2\n");
  EXPECT_THROW(align_labels(read_submission(sub), read_labels(lab3), lab3), Error);
  std::string dup = temp_file("dup.csv", "file_id,label\nx,0\nx,1\n");
  EXPECT_THROW(read_labels(dup), Error);
  for (auto& p : {sub, lab, lab3, dup}) std::remove(p.c_str());
}

}  // namespace
}  // namespace malscope
