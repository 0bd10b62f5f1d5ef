#include "io/api_family.h"

#include <array>

namespace malscope {
namespace {

enum class Match : uint8_t {
  kExact,
  kPrefix,
  kContains,
  kContainsNoCase,  // ASCII case-insensitive
  kPrefixUpper,     // prefix followed by an upper-case letter: "Reg" in RegOpenKey, not Register
  kNtSuffix,        // an Nt/Zw native call ending with the text
  kLowerCase,       // all lower-case letters: the BSD-style winsock calls (socket, recv, ...)
};

struct Rule {
  Match match;
  std::string_view text;
  ApiFamily family;
};

using F = ApiFamily;
using M = Match;

// Checked in order; the first match wins. The order settles overlaps: InternetReadFile is network
// not file, WriteProcessMemory memory not process, GetSystemTimeAsFileTime system not file,
// IWbemServices_ExecQuery COM not service, ExitWindowsEx system not UI.
constexpr auto kRules = std::to_array<Rule>({
    {M::kContainsNoCase, "crypt", F::kCrypto},  // Crypt*, BCrypt*, NCrypt*, En/DecryptMessage
    {M::kPrefix, "Cert", F::kCrypto},
    {M::kPrefix, "PFX", F::kCrypto},
    {M::kExact, "keybd_event", F::kUi},  // lower-case, but not winsock
    {M::kExact, "mouse_event", F::kUi},
    {M::kPrefixUpper, "Co", F::kCom},
    {M::kPrefixUpper, "Ole", F::kCom},
    {M::kPrefix, "IWbem", F::kCom},
    {M::kPrefix, "CLSID", F::kCom},
    {M::kPrefix, "Internet", F::kNetwork},
    {M::kPrefix, "Http", F::kNetwork},
    {M::kPrefix, "WinHttp", F::kNetwork},
    {M::kPrefix, "WSA", F::kNetwork},
    {M::kPrefix, "WNet", F::kNetwork},
    {M::kPrefix, "Dns", F::kNetwork},
    {M::kPrefix, "GetAddrInfo", F::kNetwork},
    {M::kPrefix, "GetAdapters", F::kNetwork},
    {M::kPrefix, "GetBestInterface", F::kNetwork},
    {M::kPrefix, "ObtainUserAgent", F::kNetwork},
    {M::kPrefixUpper, "Net", F::kNetwork},  // NetShareEnum, NetUserGetInfo
    {M::kContains, "URL", F::kNetwork},     // URLDownloadToFileW
    {M::kContains, "Url", F::kNetwork},     // DeleteUrlCacheEntryW
    {M::kExact, "ConnectEx", F::kNetwork},
    {M::kExact, "TransmitFile", F::kNetwork},
    {M::kLowerCase, "", F::kNetwork},
    {M::kContains, "Service", F::kService},
    {M::kContains, "SCManager", F::kService},
    {M::kContains, "Driver", F::kService},
    {M::kPrefixUpper, "Reg", F::kRegistry},
    {M::kNtSuffix, "Key", F::kRegistry},
    {M::kNtSuffix, "KeyEx", F::kRegistry},
    {M::kNtSuffix, "Key2", F::kRegistry},
    {M::kNtSuffix, "SubKeys", F::kRegistry},
    {M::kPrefix, "SHReg", F::kRegistry},
    {M::kPrefix, "SHGetValue", F::kRegistry},
    {M::kPrefix, "SHSetValue", F::kRegistry},
    {M::kPrefix, "SHDelete", F::kRegistry},
    {M::kContains, "Registry", F::kRegistry},
    {M::kContains, "CriticalSection", F::kSync},
    {M::kContains, "Mutant", F::kSync},
    {M::kContains, "Mutex", F::kSync},
    {M::kContains, "Semaphore", F::kSync},
    {M::kContains, "Event", F::kSync},
    {M::kContains, "DelayExecution", F::kSync},
    {M::kContains, "WaitFor", F::kSync},
    {M::kPrefix, "Sleep", F::kSync},
    {M::kContains, "Timer", F::kSync},
    {M::kContains, "VirtualMemory", F::kMemory},
    {M::kPrefix, "Virtual", F::kMemory},
    {M::kContains, "ViewOf", F::kMemory},  // NtMapViewOfSection, MapViewOfFile
    {M::kNtSuffix, "Section", F::kMemory},
    {M::kContains, "ProcessMemory", F::kMemory},
    {M::kContains, "FileMapping", F::kMemory},
    {M::kContains, "Heap", F::kMemory},
    {M::kPrefix, "GlobalAlloc", F::kMemory},
    {M::kPrefix, "LocalAlloc", F::kMemory},
    {M::kPrefix, "GlobalFree", F::kMemory},
    {M::kPrefix, "LocalFree", F::kMemory},
    {M::kContains, "InstructionCache", F::kMemory},
    {M::kContains, "Process", F::kProcess},
    {M::kContains, "Thread", F::kProcess},
    {M::kContains, "Toolhelp", F::kProcess},
    {M::kPrefix, "Module32", F::kProcess},
    {M::kContains, "JobObject", F::kProcess},
    {M::kPrefix, "ShellExecute", F::kProcess},
    {M::kPrefix, "WinExec", F::kProcess},
    {M::kPrefix, "Ldr", F::kModule},
    {M::kPrefix, "LoadLibrary", F::kModule},
    {M::kPrefix, "FreeLibrary", F::kModule},
    {M::kPrefix, "GetProcAddress", F::kModule},
    {M::kPrefix, "GetModule", F::kModule},
    {M::kContains, "Resource", F::kModule},
    {M::kPrefix, "LoadString", F::kModule},
    {M::kContains, "ActCtx", F::kModule},
    {M::kContains, "Dll", F::kModule},
    {M::kContains, "SystemTime", F::kSystem},  // GetSystemTimeAsFileTime is not file I/O
    {M::kContains, "DirectoryObject", F::kSystem},
    {M::kExact, "ExitWindowsEx", F::kSystem},
    {M::kContains, "File", F::kFile},
    {M::kContains, "Directory", F::kFile},
    {M::kContains, "Path", F::kFile},
    {M::kContains, "Folder", F::kFile},
    {M::kContains, "Volume", F::kFile},
    {M::kContains, "DiskFreeSpace", F::kFile},
    {M::kContains, "DriveType", F::kFile},
    {M::kContains, "DeviceIoControl", F::kFile},
    {M::kExact, "FindClose", F::kFile},
    {M::kContains, "Window", F::kUi},  // FindWindowW, EnumWindows, SetWindowsHookExW
    {M::kContains, "Cursor", F::kUi},
    {M::kContains, "Key", F::kUi},  // GetKeyState, GetAsyncKeyState, RegisterHotKey
    {M::kContains, "Message", F::kUi},
    {M::kContains, "DrawText", F::kUi},
    {M::kContains, "Dialog", F::kUi},
    {M::kContains, "Console", F::kUi},
    {M::kContains, "Clipboard", F::kUi},
    {M::kContains, "Cabinet", F::kUi},
    {M::kContains, "Desktop", F::kUi},
    {M::kContains, "Menu", F::kUi},
    {M::kContains, "Icon", F::kUi},
    {M::kContains, "Hook", F::kUi},
    {M::kContains, "BlockInput", F::kUi},
    {M::kContains, "SystemInfo", F::kSystem},
    {M::kContains, "SystemMetrics", F::kSystem},
    {M::kContains, "MemoryStatus", F::kSystem},
    {M::kContains, "ComputerName", F::kSystem},
    {M::kContains, "UserName", F::kSystem},
    {M::kContains, "Account", F::kSystem},
    {M::kContains, "Privilege", F::kSystem},
    {M::kContains, "Token", F::kSystem},
    {M::kContains, "Time", F::kSystem},
    {M::kContains, "TickCount", F::kSystem},
    {M::kContains, "PerformanceCounter", F::kSystem},
    {M::kContains, "Debug", F::kSystem},
    {M::kContains, "xception", F::kSystem},  // SetUnhandledExceptionFilter, __exception__
    {M::kContains, "Vectored", F::kSystem},
    {M::kContains, "ErrorMode", F::kSystem},
    {M::kContains, "Handle", F::kSystem},
    {M::kContains, "Object", F::kSystem},
    {M::kContains, "ompress", F::kSystem},  // RtlCompressBuffer, RtlDecompressBuffer
    {M::kContains, "Uuid", F::kSystem},
    {M::kContains, "Locale", F::kSystem},
    {M::kContains, "Environment", F::kSystem},
    {M::kContains, "Version", F::kSystem},
    {M::kExact, "NtClose", F::kSystem},
    {M::kExact, "NtShutdownSystem", F::kSystem},
    {M::kExact, "NtRaiseHardError", F::kSystem},
});

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
char to_lower(char c) {
  return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains_no_case(std::string_view s, std::string_view lower_needle) {
  if (lower_needle.size() > s.size()) return false;
  for (size_t i = 0; i + lower_needle.size() <= s.size(); ++i) {
    size_t k = 0;
    while (k < lower_needle.size() && to_lower(s[i + k]) == lower_needle[k]) ++k;
    if (k == lower_needle.size()) return true;
  }
  return false;
}

bool all_lower(std::string_view s) {
  if (s.empty() || !is_lower(s[0])) return false;
  for (char c : s)
    if (!is_lower(c) && c != '_') return false;
  return true;
}

bool matches(const Rule& r, std::string_view s) {
  switch (r.match) {
    case Match::kExact:
      return s == r.text;
    case Match::kPrefix:
      return s.starts_with(r.text);
    case Match::kContains:
      return s.find(r.text) != std::string_view::npos;
    case Match::kContainsNoCase:
      return contains_no_case(s, r.text);
    case Match::kPrefixUpper:
      return s.size() > r.text.size() && s.starts_with(r.text) && is_upper(s[r.text.size()]);
    case Match::kNtSuffix:
      return (s.starts_with("Nt") || s.starts_with("Zw")) && s.ends_with(r.text);
    case Match::kLowerCase:
      return all_lower(s);
  }
  return false;
}

constexpr std::array<std::string_view, kNumFamilies> kNames = {
    "crypto",  "network", "file", "registry", "process", "memory", "module",
    "service", "ui",      "com",  "sync",     "system",  "other",
};

}  // namespace

ApiFamily api_family(std::string_view api_name) {
  for (const Rule& r : kRules)
    if (matches(r, api_name)) return r.family;
  return ApiFamily::kOther;
}

std::string_view family_name(ApiFamily family) {
  auto i = static_cast<size_t>(family);
  return i < kNames.size() ? kNames[i] : std::string_view("other");
}

}  // namespace malscope
