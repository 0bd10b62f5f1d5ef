#pragma once
// The simulator's API catalog: ~300 Windows API names spelled as Cuckoo logs them (the names the
// Tianchi and MalbehavD logs carry), each with its family, how its return value looks, how often
// it fails, and how often it shows up as benign background noise.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/api_family.h"

namespace malscope::sim {

/// The shape of an API's return value when it succeeds.
enum class RetKind : uint8_t {
  kCode,        ///< a fixed value (0 for NTSTATUS/Win32 success, 1 for BOOL, a constant length)
  kCount,       ///< a count in [0, ok] (bytes sent, string length)
  kFileSize,    ///< a file size or offset, log-uniform over 100 B .. 10 MB
  kHandle,      ///< a kernel handle: a small multiple of 4
  kNetHandle,   ///< a WinINet handle (0xCC0004 and up)
  kAddress,     ///< a module or heap address (10 digits)
  kWindow,      ///< a window handle (5-7 digits)
  kMetric,      ///< a GetSystemMetrics value (screen size, counts, flags)
  kKeyState,    ///< a key state: mostly 0, sometimes the high bit set
  kAttributes,  ///< file attribute flags
  kTime,        ///< a millisecond clock
};

/// One API of the catalog.
struct ApiInfo {
  std::string_view name;
  RetKind ret;
  int64_t ok;             ///< success value (kCode) or upper bound (kCount)
  int64_t err;            ///< the failure value the API usually reports
  uint16_t err_permille;  ///< how often it fails in an ordinary run
  uint16_t background;    ///< weight as benign noise inserted anywhere (0 = never)
  ApiFamily family;       ///< from io/api_family
};

/// The catalog: APIs by dense id (uint16), with lookups by name and by family.
class ApiCatalog {
 public:
  /// The one catalog (built on first use; immutable, safe to share across threads).
  static const ApiCatalog& get();

  /// Number of APIs.
  size_t size() const { return apis_.size(); }
  /// API by id.
  const ApiInfo& operator[](uint16_t id) const { return apis_[id]; }
  /// Id of a name, if it is in the catalog.
  std::optional<uint16_t> find(std::string_view name) const;
  /// Id of a name that must be in the catalog; throws Error naming it otherwise.
  uint16_t id(std::string_view name) const;
  /// Ids of the APIs of one family.
  std::span<const uint16_t> family(ApiFamily f) const { return by_family_[static_cast<size_t>(f)]; }
  /// The ANSI/wide twin of an API (RegOpenKeyExW <-> RegOpenKeyExA), if the catalog has it.
  std::optional<uint16_t> twin(uint16_t id) const;
  /// Ids with a background weight, and the running sum of the weights (for sampling).
  std::span<const uint16_t> background() const { return background_; }
  std::span<const uint32_t> background_cumulative() const { return background_cum_; }

 private:
  ApiCatalog();
  std::vector<ApiInfo> apis_;
  std::unordered_map<std::string_view, uint16_t> by_name_;
  std::vector<std::vector<uint16_t>> by_family_;
  std::vector<uint16_t> background_;
  std::vector<uint32_t> background_cum_;
};

}  // namespace malscope::sim
