#pragma once
// API families: a coarse grouping of Windows API names (as Cuckoo logs them, e.g. NtCreateFile,
// RegOpenKeyExW, CryptHashData, WSARecv) by what the call touches. The grouping is by name
// rules, so it also classifies names it has never seen (A/W/Ex variants, new Nt* calls).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace malscope {

/// What an API call touches. The order is stable: features use the values as column offsets.
enum class ApiFamily : uint8_t {
  kCrypto,    ///< CryptoAPI, CNG, DPAPI, certificates, SSPI message encryption
  kNetwork,   ///< sockets, WinINet/HTTP, DNS, adapters, NetAPI (shares, users)
  kFile,      ///< files, directories, volumes, well-known paths, device I/O
  kRegistry,  ///< Reg* and Nt*Key
  kProcess,   ///< processes, threads, toolhelp snapshots, jobs, shell execution
  kMemory,    ///< virtual memory, sections and views, cross-process memory
  kModule,    ///< DLL loading, procedure lookup, resources
  kService,   ///< service control manager, drivers
  kUi,        ///< windows, input, hooks, message boxes, console
  kCom,       ///< COM/OLE initialisation and objects, WMI
  kSync,      ///< mutexes, events, delays
  kSystem,    ///< system information, time, errors/exceptions, handles
  kOther,     ///< anything no rule matches
};

/// Number of families (the values of ApiFamily are 0 .. kNumFamilies-1).
inline constexpr size_t kNumFamilies = static_cast<size_t>(ApiFamily::kOther) + 1;

/// The family of an API name; kOther when no rule matches.
ApiFamily api_family(std::string_view api_name);

/// Lower-case name of a family ("crypto", "network", ...), stable for feature names.
std::string_view family_name(ApiFamily family);

}  // namespace malscope
