#pragma once
// Class names: a store keeps one per class, so every later stage (bundles, CV tables, profiles,
// reports) shows "ransomware", not "class 1". Given at ingest (--class-names, or a labels file
// that uses names); otherwise the defaults below.
#include <span>
#include <string>
#include <vector>

namespace malscope {

/// The Tianchi names by label: 0 normal, 1 ransomware, 2 miner, 3 DDoS trojan, 4 worm,
/// 5 infectious virus, 6 backdoor, 7 trojan.
std::span<const std::string_view> tianchi_class_names();

/// Default names for `num_classes` classes: "normal", "malware" for two (benign-vs-malware
/// sets); the Tianchi names for six or eight (seasons 1 and 2); "class N" otherwise.
std::vector<std::string> default_class_names(int num_classes);

/// Parses a comma-separated list of names (spaces around names trimmed); throws UsageError for
/// an empty or repeated name, or fewer names than `num_classes`.
std::vector<std::string> parse_class_name_list(const std::string& list, int num_classes);

}  // namespace malscope
