#include "eval/metrics.h"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cmath>

#include "util/error.h"

namespace malscope {
namespace {

void check_inputs(std::span<const int32_t> labels, const Predictions& pred) {
  if (pred.classes < 2)
    throw Error(fmt::format("predictions have {} classes, need at least 2", pred.classes));
  if (labels.size() != pred.rows())
    throw Error(fmt::format("{} labels for {} prediction rows", labels.size(), pred.rows()));
  if (labels.empty()) throw Error("no files to score");
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= pred.classes)
      throw Error(
          fmt::format("label {} of row {} is outside 0..{}", labels[i], i, pred.classes - 1));
}

double safe_div(double a, double b) {
  return b > 0 ? a / b : 0.0;
}

void fill_f1(Metrics& m) {
  const int k = m.classes;
  std::vector<uint64_t> predicted(k, 0);
  for (int t = 0; t < k; ++t)
    for (int p = 0; p < k; ++p) predicted[p] += m.confusion[t][p];
  double f1_sum = 0;
  int f1_classes = 0;
  for (int c = 0; c < k; ++c) {
    ClassMetrics& cm = m.per_class[c];
    double tp = m.confusion[c][c];
    cm.precision = safe_div(tp, double(predicted[c]));
    cm.recall = safe_div(tp, cm.files);
    cm.f1 = safe_div(2 * cm.precision * cm.recall, cm.precision + cm.recall);
    if (cm.files > 0 || predicted[c] > 0) {
      f1_sum += cm.f1;
      ++f1_classes;
    }
  }
  m.macro_f1 = safe_div(f1_sum, f1_classes);
}

void fill_pairs(std::span<const int32_t> labels, const Predictions& p, Metrics& m) {
  for (int k = 1; k < m.classes; ++k) {
    PairMetrics pm{k, 0, 0};
    if (m.per_class[k].files == 0) continue;
    for (size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] != 0 && labels[i] != k) continue;
      auto row = p.row(i);
      double q = std::clamp(row[k] / (row[0] + row[k]), kProbEps, 1 - kProbEps);
      pm.logloss -= std::log(labels[i] == k ? q : 1 - q);
      ++pm.files;
    }
    pm.logloss /= pm.files;
    m.pairs.push_back(pm);
  }
}

}  // namespace

double LossSum::add_clipped(std::span<const double> p, int label) {
  const double nll = -std::log(p[label]);
  logloss += nll;
  for (size_t j = 0; j < p.size(); ++j)
    tianchi -= static_cast<int>(j) == label ? std::log(p[j]) : std::log(1 - p[j]);
  n++;
  correct += argmax(p) == label;
  return nll;
}

void LossSum::add(std::span<const double> p, int label) {
  // A clip_normalize'd copy, on the stack for the usual handful of classes.
  constexpr size_t kStack = 32;
  std::array<double, kStack> stack;
  std::vector<double> heap(p.size() > kStack ? p.size() : 0);
  std::span<double> row = heap.empty() ? std::span<double>(stack.data(), p.size()) : heap;
  std::copy(p.begin(), p.end(), row.begin());
  clip_normalize(row);
  add_clipped(row, label);
}

double file_logloss(std::span<const double> p, int label) {
  return -std::log(std::clamp(p[label], kProbEps, 1 - kProbEps));
}

Metrics compute_metrics(std::span<const int32_t> labels, const Predictions& pred) {
  check_inputs(labels, pred);
  Predictions p = pred;
  clip_normalize(p);
  Metrics m;
  m.files = static_cast<uint32_t>(labels.size());
  m.classes = p.classes;
  m.per_class.resize(p.classes);
  m.confusion.assign(p.classes, std::vector<uint32_t>(p.classes, 0));
  for (int c = 0; c < p.classes; ++c) m.per_class[c].label = c;
  LossSum sum;
  for (size_t i = 0; i < labels.size(); ++i) {
    auto row = p.row(i);
    const int y = labels[i];
    const double nll = sum.add_clipped(row, y);
    ++m.confusion[y][argmax(row)];
    ++m.per_class[y].files;
    m.per_class[y].logloss += nll;
  }
  m.logloss = sum.mean_logloss();
  m.tianchi_logloss = sum.mean_tianchi();
  m.accuracy = sum.accuracy();
  for (ClassMetrics& cm : m.per_class) cm.logloss = safe_div(cm.logloss, cm.files);
  fill_f1(m);
  fill_pairs(labels, p, m);
  return m;
}

std::string metrics_text(const Metrics& m) {
  std::string out = fmt::format(
      "files {}  classes {}\nlogloss {:.5f}  tianchi_logloss {:.5f}  accuracy {:.4f}  macro_f1 "
      "{:.4f}\n\n",
      m.files, m.classes, m.logloss, m.tianchi_logloss, m.accuracy, m.macro_f1);
  size_t w = 0;  // the name column, when the classes have names
  for (const std::string& n : m.class_names) w = std::max(w, n.size() + 1);
  auto name = [&](int c) { return w ? fmt::format(" {:<{}}", m.class_name(c), w - 1) : ""; };
  out += fmt::format("{:>5}{} {:>8} {:>9} {:>9} {:>9} {:>9}\n", "class",
                     w ? fmt::format(" {:<{}}", "name", w - 1) : "", "files", "logloss",
                     "precision", "recall", "f1");
  for (const ClassMetrics& c : m.per_class)
    out += fmt::format("{:>5}{} {:>8} {:>9.5f} {:>9.4f} {:>9.4f} {:>9.4f}\n", c.label,
                       name(c.label), c.files, c.logloss, c.precision, c.recall, c.f1);
  if (!m.pairs.empty()) {
    out += fmt::format("\nclass 0 vs k: binary logloss of p_k/(p_0+p_k)\n{:>5}{} {:>8} {:>9}\n",
                       "k", w ? fmt::format(" {:<{}}", "name", w - 1) : "", "files", "logloss");
    for (const PairMetrics& p : m.pairs)
      out += fmt::format("{:>5}{} {:>8} {:>9.5f}\n", p.label, name(p.label), p.files, p.logloss);
  }
  out += "\nconfusion (rows true, columns predicted)\n     ";
  for (int c = 0; c < m.classes; ++c) out += fmt::format(" {:>7}", c);
  out += '\n';
  for (int t = 0; t < m.classes; ++t) {
    out += fmt::format("{:>5}", t);
    for (uint32_t n : m.confusion[t]) out += fmt::format(" {:>7}", n);
    out += '\n';
  }
  return out;
}

nlohmann::json overall_json(const Metrics& m) {
  return {{"logloss", m.logloss},
          {"tianchi_logloss", m.tianchi_logloss},
          {"accuracy", m.accuracy},
          {"macro_f1", m.macro_f1}};
}

nlohmann::json per_class_json(const Metrics& m) {
  nlohmann::json a = nlohmann::json::array();
  for (const ClassMetrics& c : m.per_class) {
    a.push_back({{"class", c.label},
                 {"files", c.files},
                 {"logloss", c.logloss},
                 {"precision", c.precision},
                 {"recall", c.recall},
                 {"f1", c.f1}});
    if (!m.class_names.empty()) a.back()["name"] = m.class_name(c.label);
  }
  return a;
}

nlohmann::json pairs_json(const Metrics& m) {
  nlohmann::json a = nlohmann::json::array();
  for (const PairMetrics& p : m.pairs) {
    a.push_back({{"class", p.label}, {"logloss", p.logloss}, {"files", p.files}});
    if (!m.class_names.empty()) a.back()["name"] = m.class_name(p.label);
  }
  return a;
}

}  // namespace malscope
