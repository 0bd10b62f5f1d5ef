#include "analysis/class_probs.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "util/error.h"
#include "util/hash.h"

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

void LossSum::add(std::span<const double> p, int label) {
  auto clip = [](double x) { return std::clamp(x, kProbClip, 1 - kProbClip); };
  size_t best = 0;
  double tianchi_row = 0;
  for (size_t c = 0; c < p.size(); ++c) {
    if (p[c] > p[best]) best = c;
    tianchi_row -= static_cast<int>(c) == label ? std::log(clip(p[c])) : std::log(1 - clip(p[c]));
  }
  logloss -= std::log(clip(p[label]));
  tianchi += tianchi_row;
  n++;
  correct += static_cast<int>(best) == label;
}

std::vector<double> smoothed(std::span<const uint32_t> counts, std::span<const double> prior,
                             double alpha) {
  double total = alpha;
  for (uint32_t c : counts) total += c;
  std::vector<double> p(counts.size());
  for (size_t c = 0; c < counts.size(); ++c) p[c] = (counts[c] + alpha * prior[c]) / total;
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

std::vector<uint8_t> stratified_folds(std::span<const int32_t> labels, int folds, uint64_t seed) {
  std::vector<uint8_t> fold(labels.size(), 0);
  std::unordered_map<int32_t, std::vector<std::pair<uint64_t, uint32_t>>> by_class;
  for (uint32_t f = 0; f < labels.size(); ++f)
    if (labels[f] >= 0)
      by_class[labels[f]].emplace_back(mix64(seed * 0x9e3779b97f4a7c15ULL + f), f);
  for (auto& [label, files] : by_class) {
    std::sort(files.begin(), files.end());
    for (size_t i = 0; i < files.size(); ++i)
      fold[files[i].second] = static_cast<uint8_t>(i % folds);
  }
  return fold;
}

void shuffle(std::span<int32_t> v, uint64_t seed) {
  uint64_t state = seed;
  for (size_t i = v.size(); i > 1; --i) {
    state += 0x9e3779b97f4a7c15ULL;
    size_t j = mix64(state) % i;
    std::swap(v[i - 1], v[j]);
  }
}

}  // namespace malscope
