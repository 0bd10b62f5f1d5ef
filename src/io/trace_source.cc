#include "io/trace_source.h"

#include <fmt/format.h>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "util/error.h"
#include "util/text.h"

namespace malscope {
namespace {

// Function-local: registration runs during static initialisation, in no fixed file order.
std::vector<TraceSourceKind>& registry() {
  static std::vector<TraceSourceKind> kinds;
  return kinds;
}

std::mutex& registry_mutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

std::string TraceSource::nothing_read(uint64_t bad) const {
  return bad ? fmt::format("'{}': all {} records were bad; no store written", name(), bad)
             : fmt::format("'{}' holds no traces; no store written", name());
}

bool register_trace_source(const TraceSourceKind& kind) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry().push_back(kind);
  return true;
}

std::vector<TraceSourceKind> trace_source_kinds() {
  std::lock_guard<std::mutex> lock(registry_mutex());
  std::vector<TraceSourceKind> kinds = registry();
  std::sort(kinds.begin(), kinds.end(), [](const TraceSourceKind& a, const TraceSourceKind& b) {
    return std::strcmp(a.name, b.name) < 0;
  });
  return kinds;
}

std::unique_ptr<TraceSource> open_trace_source(std::span<const std::string> inputs,
                                               const SourceOptions& options) {
  if (inputs.empty()) throw UsageError("no input given");
  std::vector<std::string> names;
  for (const TraceSourceKind& k : trace_source_kinds()) {
    if (k.accepts(inputs)) return k.open(inputs, options);
    names.push_back(k.name);
  }
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (in != "-" && !std::filesystem::exists(in, ec))
      throw Error(fmt::format("cannot open '{}': no such file or folder", in));
  }
  throw UsageError(
      fmt::format("no reader takes '{}'{} (readers: {})", excerpt(inputs[0], 200),
                  inputs.size() > 1 ? fmt::format(" and {} more", inputs.size() - 1) : "",
                  fmt::join(names, ", ")));
}

}  // namespace malscope
