#include "analysis/class_probs.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "eval/folds.h"
#include "util/error.h"

namespace malscope {

std::string class_name(int label, int k, std::span<const std::string> names) {
  static const char* kTianchi[] = {"normal", "ransomware",       "miner",    "DDoS trojan",
                                   "worm",   "infectious virus", "backdoor", "trojan"};
  if (label < 0) return "unlabeled";
  if (static_cast<size_t>(label) < names.size()) return names[label];
  if ((k == 6 || k == 8) && label < k) return kTianchi[label];
  if (k == 2 && label < 2) return label == 0 ? "normal" : "malware";
  return fmt::format("class {}", label);
}

std::vector<std::string> parse_class_names(const std::string& list, int k) {
  std::vector<std::string> out;
  if (list.empty()) return out;
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    out.push_back(list.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (static_cast<int>(out.size()) != k)
    throw UsageError(
        fmt::format("--class-names gives {} names, the store has {} classes", out.size(), k));
  return out;
}

std::vector<double> smoothed(std::span<const uint32_t> counts, std::span<const double> prior,
                             double alpha) {
  std::vector<double> p(counts.size());
  smoothed_into(counts, prior, alpha, p);
  return p;
}

std::vector<double> class_prior(std::span<const int32_t> labels, int k) {
  std::vector<double> p(k, 0.0);
  double n = 0;
  for (int32_t y : labels)
    if (y >= 0 && y < k) p[y]++, n++;
  for (double& x : p) x = n ? x / n : 1.0 / k;
  return p;
}

std::vector<uint32_t> labeled_folds(std::span<const int32_t> labels, int folds, uint64_t seed) {
  std::vector<uint32_t> files;
  std::vector<int32_t> y;
  for (uint32_t f = 0; f < labels.size(); ++f)
    if (labels[f] >= 0) files.push_back(f), y.push_back(labels[f]);
  std::vector<uint32_t> fold(labels.size(), 0);
  if (y.size() < static_cast<size_t>(folds)) {  // assign_folds would refuse: too few to fill
    for (uint32_t i = 0; i < files.size(); ++i) fold[files[i]] = i;
    return fold;
  }
  const std::vector<uint32_t> dealt = assign_folds(y, folds, seed);
  for (size_t i = 0; i < files.size(); ++i) fold[files[i]] = dealt[i];
  return fold;
}

}  // namespace malscope
