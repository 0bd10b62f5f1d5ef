#include "io/batch_dictionaries.h"

#include <algorithm>
#include <cstring>

#include "util/error.h"
#include "util/hash.h"

namespace malscope {

size_t BatchDictionaries::Hash::operator()(std::string_view s) const {
  return static_cast<size_t>(hash_bytes(s));
}

uint16_t BatchDictionaries::api(std::string_view name) {
  // A direct-mapped cache in front of the map: a call's name is looked up per call.
  uint64_t head = 0, tail = 0;
  std::memcpy(&head, name.data(), std::min<size_t>(8, name.size()));
  if (name.size() > 8) std::memcpy(&tail, name.data() + name.size() - 8, 8);
  const size_t slot = mix64(head ^ (tail * 31) ^ name.size()) % kCacheSlots;
  const uint32_t cached = cache_[slot];
  if (cached && batch_.apis[cached - 1] == name) return static_cast<uint16_t>(cached - 1);
  auto it = apis_.find(name);
  if (it != apis_.end()) {
    cache_[slot] = it->second + 1u;
    return it->second;
  }
  if (batch_.apis.size() > UINT16_MAX)
    throw Error("more than 65536 distinct API names in one unit of reports");
  uint16_t id = static_cast<uint16_t>(batch_.apis.size());
  batch_.apis.emplace_back(name);
  apis_.emplace(std::string(name), id);
  return id;
}

int64_t BatchDictionaries::text(std::string_view value) {
  auto it = texts_.find(value);
  uint32_t id;
  if (it != texts_.end()) {
    id = it->second;
  } else {
    id = static_cast<uint32_t>(batch_.ret_strings.size());
    batch_.ret_strings.emplace_back(value);
    texts_.emplace(std::string(value), id);
  }
  return ret_string_value(id);
}

void BatchDictionaries::truncate(size_t apis, size_t texts) {
  cache_.fill(0);
  for (size_t i = apis; i < batch_.apis.size(); ++i) apis_.erase(batch_.apis[i]);
  for (size_t i = texts; i < batch_.ret_strings.size(); ++i) texts_.erase(batch_.ret_strings[i]);
  batch_.apis.resize(apis);
  batch_.ret_strings.resize(texts);
}

bool parse_int_text(std::string_view s, int64_t& value) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    if (s.size() > 18) return false;
    uint64_t v = 0;
    for (char c : s.substr(2)) {
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return false;
      v = v << 4 | static_cast<uint64_t>(d);
    }
    value = static_cast<int64_t>(v);  // 16 digits with the top bit set: a negative value
    return true;
  }
  const bool neg = !s.empty() && s[0] == '-';
  std::string_view digits = s.substr(neg ? 1 : 0);
  if (digits.empty() || digits.size() > 19 || (digits.size() > 1 && digits[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = 10 * v + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(INT64_MAX) + (neg ? 1 : 0)) return false;
  value = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return !(neg && v == 0);  // "-0" is text
}

}  // namespace malscope
