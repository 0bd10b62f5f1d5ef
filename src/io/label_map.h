#pragma once
// Labels for inputs whose records carry none: a sandbox report has no ground-truth family (its
// own `detections` are the sandbox's guess and are never used), so labels come from a file,
// matched to each report's file_id (store/label_file.h reads it).
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace malscope {

/// file_id -> label, matched without regard to case (hex digests are written either way).
struct LabelMap {
  std::string path;                                 ///< the labels file, for messages
  std::vector<std::string> ids;                     ///< as given, in file order
  std::vector<int32_t> labels;                      ///< label of each entry
  std::unordered_map<std::string, uint32_t> entry;  ///< lower-case id -> entry

  /// The key `entry` is indexed by.
  static std::string key(std::string_view id) {
    std::string k(id);
    for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k;
  }
  /// The entry of a file_id, or -1.
  int64_t find(std::string_view id) const {
    auto it = entry.find(key(id));
    return it == entry.end() ? -1 : static_cast<int64_t>(it->second);
  }
};

}  // namespace malscope
