#pragma once
// Text that comes from the input and goes into messages or JSON: messages quote a short excerpt
// with control bytes escaped; JSON output replaces bytes that are not UTF-8, so a hostile API
// name can neither flood a terminal nor break a JSON reader.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace malscope {

/// At most `max` bytes of `s`, control bytes as \xNN, "..." when cut.
std::string excerpt(std::string_view s, size_t max = 40);

/// The parts of `s` between the separators (empty parts kept: "a,,b" gives three).
std::vector<std::string> split(std::string_view s, char sep);

/// `j` as text (indented by `indent`, -1 for one line), invalid UTF-8 replaced by U+FFFD.
std::string dump_json(const nlohmann::json& j, int indent = 2);

}  // namespace malscope
