#include "eval/submission.h"

#include <fmt/format.h>
#include <cmath>
#include <unordered_map>

#include "util/csv.h"
#include "util/error.h"
#include "util/fs.h"

namespace malscope {
namespace {

constexpr int64_t kUnits = 1'000'000'000;  // 9 decimals

void append_units(std::string& out, int64_t u) {
  if (u >= kUnits) {
    out += '1';
    return;
  }
  char digits[10];
  fmt::format_to(digits, "{:09d}", u);
  int n = 9;
  while (n > 1 && digits[n - 1] == '0') --n;
  out += "0.";
  out.append(digits, n);
}

std::string list_some(const std::vector<std::string>& ids) {
  size_t show = std::min<size_t>(ids.size(), 5);
  std::string s = fmt::format("{}", fmt::join(ids.begin(), ids.begin() + show, ", "));
  if (ids.size() > show) s += fmt::format(" and {} more", ids.size() - show);
  return s;
}

}  // namespace

std::string format_submission(std::span<const std::string> file_ids, const Predictions& pred) {
  if (file_ids.size() != pred.rows())
    throw Error(fmt::format("{} file ids for {} prediction rows", file_ids.size(), pred.rows()));
  std::string out = "file_id";
  for (int c = 0; c < pred.classes; ++c) out += fmt::format(",prob{}", c);
  out += '\n';
  std::vector<double> row(pred.classes);
  std::vector<int64_t> units(pred.classes);
  for (size_t r = 0; r < pred.rows(); ++r) {
    auto src = pred.row(r);
    row.assign(src.begin(), src.end());
    clip_normalize(row);
    // Round all but the largest; the largest takes the rest, so the printed row sums to 1.
    const int top = argmax(row);
    int64_t rest = kUnits;
    for (int c = 0; c < pred.classes; ++c) {
      if (c == top) continue;
      units[c] = std::llround(row[c] * kUnits);
      rest -= units[c];
    }
    units[top] = rest;
    csv_append(out, file_ids[r]);
    for (int c = 0; c < pred.classes; ++c) {
      out += ',';
      append_units(out, units[c]);
    }
    out += '\n';
  }
  return out;
}

void write_submission(const std::string& path, std::span<const std::string> file_ids,
                      const Predictions& p) {
  write_file_atomic(path, format_submission(file_ids, p));
}

Submission read_submission(const std::string& path) {
  CsvLines csv(path);
  auto head = csv.header();
  const int k = int(head.size()) - 1;
  bool ok = head[0] == "file_id" && k >= 2;
  for (int c = 0; ok && c < k; ++c) ok = head[c + 1] == fmt::format("prob{}", c);
  if (!ok)
    csv.fail(fmt::format("header is '{}', expected file_id,prob0,prob1,... (2 or more classes)",
                         fmt::join(head, ",")));
  Submission s;
  s.pred.classes = k;
  std::unordered_map<std::string, uint64_t> seen;
  std::vector<std::string_view> f;
  while (csv.next(f)) {
    if (int(f.size()) != k + 1)
      csv.fail(fmt::format("expected {} fields (file_id and {} probabilities), got {}", k + 1, k,
                           f.size()));
    auto [it, added] = seen.emplace(std::string(f[0]), csv.line());
    if (!added) csv.fail(fmt::format("file_id '{}' already given on line {}", f[0], it->second));
    double sum = 0;
    for (int c = 0; c < k; ++c) {
      double p = 0;
      if (!parse_double(f[c + 1], p) || p < 0 || p > 1)
        csv.fail(fmt::format("prob{} is '{}', expected a probability in [0, 1]", c, f[c + 1]));
      s.pred.prob.push_back(p);
      sum += p;
    }
    if (std::abs(sum - 1) > 1e-3)
      csv.fail(fmt::format("probabilities sum to {:.6f}, expected 1", sum));
    s.file_ids.emplace_back(f[0]);
  }
  if (s.file_ids.empty()) throw Error(fmt::format("'{}' has a header but no rows", path));
  return s;
}

std::vector<std::pair<std::string, int32_t>> read_labels(const std::string& path) {
  CsvLines csv(path);
  csv.expect_header({"file_id", "label"});
  std::vector<std::pair<std::string, int32_t>> out;
  std::unordered_map<std::string, uint64_t> seen;
  std::vector<std::string_view> f;
  while (csv.next(f)) {
    if (f.size() != 2) csv.fail(fmt::format("expected 2 fields (file_id,label), got {}", f.size()));
    int32_t y = 0;
    if (!parse_int(f[1], y) || y < 0)
      csv.fail(fmt::format("label is '{}', expected a class number >= 0", f[1]));
    auto [it, added] = seen.emplace(std::string(f[0]), csv.line());
    if (!added) csv.fail(fmt::format("file_id '{}' already given on line {}", f[0], it->second));
    out.emplace_back(std::string(f[0]), y);
  }
  if (out.empty()) throw Error(fmt::format("'{}' has a header but no rows", path));
  return out;
}

std::vector<int32_t> align_labels(const Submission& s,
                                  std::span<const std::pair<std::string, int32_t>> labels,
                                  const std::string& labels_path) {
  std::unordered_map<std::string_view, int32_t> label_of;
  for (const auto& [id, y] : labels) label_of.emplace(id, y);
  std::vector<int32_t> out(s.file_ids.size());
  std::vector<std::string> unknown, missing, out_of_range;
  std::unordered_map<std::string_view, bool> in_submission;
  for (size_t r = 0; r < s.file_ids.size(); ++r) {
    in_submission.emplace(s.file_ids[r], true);
    auto it = label_of.find(s.file_ids[r]);
    if (it == label_of.end()) {
      unknown.push_back(s.file_ids[r]);
      continue;
    }
    if (it->second >= s.pred.classes)
      out_of_range.push_back(fmt::format("{} (label {})", s.file_ids[r], it->second));
    out[r] = it->second;
  }
  for (const auto& [id, y] : labels)
    if (!in_submission.count(id)) missing.push_back(id);
  std::string problems;
  if (!unknown.empty())
    problems += fmt::format("\n  {} submitted file_id(s) not in {}: {}", unknown.size(),
                            labels_path, list_some(unknown));
  if (!missing.empty())
    problems += fmt::format("\n  {} labeled file_id(s) missing from the submission: {}",
                            missing.size(), list_some(missing));
  if (!out_of_range.empty())
    problems += fmt::format("\n  {} label(s) outside the submission's classes 0..{}: {}",
                            out_of_range.size(), s.pred.classes - 1, list_some(out_of_range));
  if (!problems.empty()) throw Error("submission and labels do not match:" + problems);
  return out;
}

}  // namespace malscope
