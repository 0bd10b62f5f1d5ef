#include "store/class_names.h"

#include <fmt/format.h>
#include <algorithm>

#include "util/error.h"

namespace malscope {

std::span<const std::string_view> tianchi_class_names() {
  static constexpr std::string_view kNames[] = {"normal",      "ransomware", "miner",
                                                "DDoS trojan", "worm",       "infectious virus",
                                                "backdoor",    "trojan"};
  return kNames;
}

std::vector<std::string> default_class_names(int k) {
  std::vector<std::string> out;
  if (k == 2) return {"normal", "malware"};
  auto tianchi = tianchi_class_names();
  const bool season = k == 6 || k == 8;  // Tianchi's seasons 1 and 2
  for (int c = 0; c < k; ++c)
    out.push_back(season ? std::string(tianchi[c]) : fmt::format("class {}", c));
  return out;
}

std::vector<std::string> parse_class_name_list(const std::string& list, int num_classes) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? comma : comma - start);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name.empty()) throw UsageError(fmt::format("--class-names '{}' has an empty name", list));
    if (std::find(out.begin(), out.end(), name) != out.end())
      throw UsageError(fmt::format("--class-names names '{}' twice", name));
    out.push_back(std::move(name));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (static_cast<int>(out.size()) < num_classes)
    throw UsageError(fmt::format("--class-names gives {} names, the data has {} classes",
                                 out.size(), num_classes));
  return out;
}

}  // namespace malscope
