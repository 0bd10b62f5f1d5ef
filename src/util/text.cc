#include "util/text.h"

#include <fmt/format.h>

namespace malscope {

std::string excerpt(std::string_view v, size_t max) {
  std::string out;
  for (char c : v.substr(0, max)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else
      out += c;
  }
  if (v.size() > max) out += "...";
  return out;
}

std::string dump_json(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace malscope
