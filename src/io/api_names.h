#pragma once
// API names across sandboxes: CAPEv2 logs `DeleteFileA` where a Cuckoo-named data set (MalbehavD,
// the simulator) has `DeleteFileW`, and other tools log `ZwClose` for `NtClose`. The canonical
// naming folds such spellings, which differ between sandboxes and versions but not in meaning,
// into one, so that a model trained on one sandbox's names can score another's reports:
//   - an ANSI name becomes its Unicode twin (`DeleteFileA` -> `DeleteFileW`), for the stems in
//     one table (api_names.cc) whose A and W forms both exist in Windows, and for the ANSI forms
//     that have no A suffix (`Process32First` -> `Process32FirstW`, `getaddrinfo` ->
//     `GetAddrInfoW`); a W-only name (`CreateProcessInternalW`) is already canonical;
//   - `Zw` + an upper-case letter becomes `Nt` (the sandboxes' monitors log `Nt*` only);
//   - everything else is kept: `Ex` variants are other functions (`RegOpenKeyExW` is not
//     `RegOpenKeyW`), the Win32 and native layers stay apart, case is never folded (`socket`),
//     and pseudo-APIs (`__exception__`, `__anomaly__`) stay as they are.
#include <span>
#include <string>
#include <string_view>

namespace malscope {

/// How a store spells API names.
enum class ApiNaming {
  kAsIs,       ///< as the input spells them
  kCanonical,  ///< folded by canonical_api_name()
};

/// "as-is" or "canonical".
std::string_view api_naming_name(ApiNaming naming);
/// Parses "as-is" or "canonical"; throws UsageError naming `what` (e.g. "--api-names") otherwise.
ApiNaming parse_api_naming(std::string_view text, std::string_view what);

/// The canonical spelling of an API name (the name itself when nothing folds it).
std::string canonical_api_name(std::string_view name);

/// The stems whose `A` form folds into the `W` form, sorted (for the docs and tests).
std::span<const std::string_view> ansi_unicode_stems();

}  // namespace malscope
