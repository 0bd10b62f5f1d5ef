#include "sim/motif_library.h"

#include <fmt/format.h>
#include <charconv>

#include "sim/api_catalog.h"
#include "util/error.h"

namespace malscope::sim {
namespace {

struct MotifSpec {
  std::string_view name;
  std::string_view calls;
};

// Grouped as the programs use them: process start, benign activity, then what analysts report
// for each kind of malware. Names are Cuckoo's (the API catalog checks every one).
constexpr MotifSpec kMotifs[] = {
    // Process start and exit: every program.
    {"start.ldr",
     "LdrLoadDll LdrGetProcedureAddress*4-30 LdrGetDllHandle LdrGetProcedureAddress*2-12"},
    {"start.crt",
     "GetSystemTimeAsFileTime NtAllocateVirtualMemory*1-3 SetUnhandledExceptionFilter "
     "NtProtectVirtualMemory LdrGetDllHandle*1-2 LdrGetProcedureAddress*1-6 SetErrorMode"},
    {"start.locale", "NtOpenKey NtQueryValueKey*1-3 NtClose"},
    {"start.actctx", "CreateActCtxW NtOpenFile NtCreateSection NtMapViewOfSection NtClose"},
    {"start.sysinfo", "GetSystemInfo GetNativeSystemInfo NtQuerySystemInformation*1-2"},
    {"start.com", "CoInitializeEx CoCreateInstance*1-3"},
    {"start.ole", "OleInitialize CoGetClassObject CoCreateInstance"},
    {"start.gui",
     "GetSystemMetrics*2-8 LoadStringW*1-6 FindResourceExW LoadResource SizeofResource"},
    {"start.console", "GetFileType*1-3 SetStdHandle WriteConsoleW"},
    {"exit", "LdrUnloadDll*1-4 NtTerminateProcess"},
    {"exit.com", "CoUninitialize LdrUnloadDll*1-3 NtTerminateProcess"},
    // Benign activity.
    {"reg.read", "RegOpenKeyExW RegQueryValueExW*1-4 RegCloseKey"},
    {"reg.read.nt", "NtOpenKey NtQueryValueKey*1-4 NtClose"},
    {"reg.read.a", "RegOpenKeyExA RegQueryValueExA*1-3 RegCloseKey"},
    {"reg.enum", "RegOpenKeyExW RegQueryInfoKeyW RegEnumKeyExW*2-20 RegCloseKey"},
    {"reg.enum.values", "NtOpenKeyEx NtQueryKey NtEnumerateValueKey*2-15 NtClose"},
    {"reg.enum.keys", "NtOpenKey NtEnumerateKey*2-20 NtClose"},
    {"reg.write", "RegCreateKeyExW RegSetValueExW*1-4 RegCloseKey"},
    {"reg.write.nt", "NtCreateKey NtSetValueKey*1-3 NtClose"},
    {"reg.cleanup", "RegOpenKeyExW RegDeleteValueW*1-3 RegDeleteKeyW RegCloseKey"},
    {"file.read", "NtCreateFile NtQueryInformationFile NtReadFile*1-8 NtClose"},
    {"file.read.small", "GetFileAttributesW NtCreateFile GetFileSize NtReadFile NtClose"},
    {"file.write", "NtCreateFile NtWriteFile*1-10 NtSetInformationFile NtClose"},
    {"file.append", "NtCreateFile SetFilePointer NtWriteFile*1-4 NtClose"},
    {"file.probe", "GetFileAttributesW NtQueryAttributesFile"},
    {"file.probe.full", "NtQueryFullAttributesFile GetFileAttributesExW"},
    {"file.list", "FindFirstFileExW NtQueryDirectoryFile*1-6 NtClose"},
    {"file.map", "NtOpenFile NtCreateSection NtMapViewOfSection NtClose NtUnmapViewOfSection"},
    {"file.version", "GetFileVersionInfoSizeW GetFileVersionInfoW"},
    {"file.temp", "GetTempPathW NtCreateFile NtWriteFile*1-4 NtClose DeleteFileW"},
    {"file.copy", "CopyFileW SetFileAttributesW"},
    {"file.attrs", "GetFileInformationByHandle SetFileTime SetFileAttributesW"},
    {"file.rename", "MoveFileWithProgressW"},
    {"file.delete", "DeleteFileW"},
    {"file.handle", "GetFileInformationByHandleEx GetFileSizeEx SetFilePointerEx"},
    {"dir.create", "CreateDirectoryW NtCreateFile NtWriteFile*1-20 SetFileTime NtClose"},
    {"dir.remove", "RemoveDirectoryW"},
    {"paths", "GetSystemDirectoryW GetSystemWindowsDirectoryW SHGetFolderPathW"},
    {"paths.short", "GetShortPathNameW SearchPathW"},
    {"gui.loop",
     "GetCursorPos GetForegroundWindow GetKeyState*0-2 DrawTextExW*1-4 SendNotifyMessageW*0-1"},
    {"gui.dialog", "FindWindowW EnumWindows MessageBoxTimeoutW"},
    {"gui.res", "FindResourceW LoadResource SizeofResource LoadStringW*1-3"},
    {"gui.shell", "SHGetSpecialFolderLocation ReadCabinetState SHGetFolderPathW"},
    {"metrics", "GetSystemMetrics*2-10"},
    {"mem.churn", "NtAllocateVirtualMemory*1-4 NtFreeVirtualMemory*1-3"},
    {"mem.protect", "NtProtectVirtualMemory*1-3"},
    {"sync.mutex", "NtCreateMutant NtOpenMutant*0-1"},
    {"sync.sleep", "NtDelayExecution"},
    {"time", "GetSystemTimeAsFileTime timeGetTime*0-1"},
    {"dll.load", "LdrLoadDll LdrGetProcedureAddress*1-10"},
    {"dll.unload", "LdrUnloadDll"},
    {"dll.handle", "LdrGetDllHandle LdrGetProcedureAddress*1-4"},
    {"sysinfo",
     "GetComputerNameW GetUserNameW GlobalMemoryStatusEx GetDiskFreeSpaceExW "
     "GetTimeZoneInformation"},
    {"volume",
     "GetVolumeNameForVolumeMountPointW GetVolumePathNamesForVolumeNameW GetVolumePathNameW"},
    {"http.get",
     "InternetOpenW InternetConnectW HttpOpenRequestW HttpSendRequestW HttpQueryInfoA "
     "InternetReadFile*1-12 InternetCloseHandle*2-3"},
    {"http.url", "InternetCrackUrlW InternetOpenUrlW InternetReadFile*1-8 InternetCloseHandle"},
    {"dns", "GetAddrInfoW"},
    {"sock.init", "WSAStartup"},
    {"sock.client", "socket setsockopt connect send*1-3 recv*1-6 closesocket"},
    {"sock.wsa", "WSASocketW WSAConnect WSASend*1-3 WSARecv*1-6 closesocket"},
    {"net.state", "InternetGetConnectedState GetAdaptersAddresses GetBestInterfaceEx"},
    {"proc.spawn", "CreateProcessInternalW NtResumeThread*0-1 NtClose*1-2"},
    {"shell", "ShellExecuteExW"},
    {"thread.spawn", "CreateThread NtResumeThread*0-1"},
    {"svc.query", "OpenSCManagerW OpenServiceW*1-4 EnumServicesStatusW"},
    {"wmi", "CoInitializeSecurity CoCreateInstance IWbemServices_ExecQuery*1-4"},
    {"crypto.hash", "CryptAcquireContextW CryptCreateHash CryptHashData*1-20"},
    {"crypto.protect", "CryptProtectData CryptUnprotectData"},
    {"crypto.encrypt", "CryptAcquireContextW CryptGenKey CryptEncrypt*1-8"},
    {"cert.check", "CertOpenStore CertControlStore CryptDecodeObjectEx*1-3"},
    {"tls", "EncryptMessage*1-4 DecryptMessage*1-6"},
    {"console.out", "WriteConsoleW*1-10"},
    {"exception", "__exception__ RtlAddVectoredExceptionHandler RtlRemoveVectoredExceptionHandler"},
    {"uuid", "UuidCreate"},
    {"job", "CreateJobObjectW SetInformationJobObject"},
    {"debug.out", "OutputDebugStringA*1-3"},
    // Malware: evasion, unpacking, injection, persistence.
    {"anti.debug",
     "IsDebuggerPresent GetSystemMetrics*1-2 GetCursorPos NtQuerySystemInformation "
     "GlobalMemoryStatusEx"},
    {"anti.sleep", "NtDelayExecution*1-3 GetSystemTimeAsFileTime"},
    {"anti.vm",
     "NtOpenKey*1-3 NtQueryValueKey*1-3 GetDiskFreeSpaceExW GetComputerNameA GetUserNameA"},
    {"anti.vm.files", "NtQueryAttributesFile*2-8 GetFileAttributesW*1-4"},
    {"anti.exception",
     "RtlAddVectoredExceptionHandler __exception__*1-3 RtlAddVectoredContinueHandler"},
    {"proc.enum", "CreateToolhelp32Snapshot Process32FirstW Process32NextW*5-60 NtClose"},
    {"thread.enum", "CreateToolhelp32Snapshot Thread32First Thread32Next*5-40 NtClose"},
    {"module.enum", "CreateToolhelp32Snapshot Module32FirstW Module32NextW*3-30 NtClose"},
    {"unpack",
     "NtAllocateVirtualMemory*1-4 RtlDecompressBuffer NtProtectVirtualMemory*1-3 "
     "LdrGetProcedureAddress*5-40"},
    {"unpack.mem", "NtAllocateVirtualMemory*2-6 NtProtectVirtualMemory*2-6 NtFreeVirtualMemory"},
    {"inject",
     "NtOpenProcess NtAllocateVirtualMemory WriteProcessMemory*1-3 NtProtectVirtualMemory "
     "CreateRemoteThread NtClose"},
    {"inject.apc",
     "NtOpenProcess NtOpenThread NtAllocateVirtualMemory NtWriteVirtualMemory "
     "NtQueueApcThread NtResumeThread NtClose"},
    {"inject.ex",
     "NtOpenProcess NtAllocateVirtualMemory WriteProcessMemory NtCreateThreadEx NtClose"},
    {"hollow",
     "CreateProcessInternalW NtUnmapViewOfSection NtAllocateVirtualMemory "
     "WriteProcessMemory*2-6 NtGetContextThread NtSetContextThread NtResumeThread"},
    {"read.other", "NtOpenProcess ReadProcessMemory*1-6 NtReadVirtualMemory*0-4 NtClose"},
    {"persist.run", "RegOpenKeyExW RegSetValueExW RegCloseKey"},
    {"persist.run.a", "RegCreateKeyExA RegSetValueExA RegCloseKey"},
    {"persist.svc", "OpenSCManagerW CreateServiceW StartServiceW"},
    {"persist.svc.a", "OpenSCManagerA CreateServiceA StartServiceA"},
    {"persist.task", "CreateProcessInternalW NtClose"},
    {"self.copy", "GetSystemDirectoryW GetTempPathW CopyFileW SetFileAttributesW"},
    {"self.copy.a", "GetSystemDirectoryA CopyFileA SetFileAttributesW"},
    {"self.delete", "MoveFileWithProgressW CreateProcessInternalW"},
    {"mutex.check", "NtOpenMutant NtCreateMutant"},
    {"privilege", "LookupPrivilegeValueW NtOpenProcess NtClose"},
    {"driver", "NtLoadDriver"},
    {"hotkey", "RegisterHotKey"},
    {"shutdown.box", "ExitWindowsEx"},
    {"keylog", "SetWindowsHookExW GetAsyncKeyState*5-40 GetKeyboardState GetForegroundWindow"},
    {"keylog.poll", "GetAsyncKeyState*10-60 GetForegroundWindow GetKeyState"},
    {"window.hunt", "EnumWindows FindWindowExW*1-5 FindWindowW GetForegroundWindow"},
    {"c2.http",
     "InternetOpenA InternetConnectA HttpOpenRequestA HttpSendRequestA InternetReadFile*1-4 "
     "InternetCloseHandle*2-3 NtDelayExecution"},
    {"c2.http.w",
     "InternetOpenW InternetConnectW HttpOpenRequestW HttpSendRequestW InternetReadFile*1-4 "
     "InternetCloseHandle*2-3 NtDelayExecution"},
    {"c2.sock", "socket connect send recv*1-3 closesocket NtDelayExecution"},
    {"c2.sock.keep", "send recv*1-3 select NtDelayExecution"},
    {"c2.dns", "DnsQuery_A gethostbyname"},
    {"c2.agent", "ObtainUserAgentString InternetSetOptionA InternetQueryOptionA"},
    {"download.exec", "URLDownloadToFileW ShellExecuteExW"},
    {"download.exec.http",
     "InternetOpenUrlA InternetReadFile*3-30 NtCreateFile NtWriteFile*3-30 NtClose "
     "CreateProcessInternalW"},
    {"cache.wipe", "DeleteUrlCacheEntryW*1-3"},
    {"steal.browser", "NtCreateFile NtReadFile*2-20 CryptUnprotectData*1-10 NtClose"},
    {"steal.sysinfo",
     "GetComputerNameW GetUserNameW GetAdaptersInfo GetNativeSystemInfo LookupAccountSidW"},
    {"steal.creds",
     "RegOpenKeyExA RegEnumKeyExA*1-8 RegQueryValueExA*1-8 CryptUnprotectData RegCloseKey"},
    {"steal.mem", "CryptUnprotectMemory CryptProtectMemory"},
    {"shell.remote", "CreateProcessInternalW NtReadFile*1-5 NtWriteFile*1-3 NtClose"},
    {"bind.shell", "WSAStartup socket bind listen accept recv send"},
    {"exfil", "NtCreateFile NtReadFile*1-6 send*1-6 NtClose"},
    {"wmi.recon",
     "CoInitializeEx CoInitializeSecurity CoCreateInstance IWbemServices_ExecQuery*1-5"},
    {"wmi.exec", "CoCreateInstance IWbemServices_ExecMethod"},
    {"netapi.recon", "NetGetJoinInformation NetUserGetInfo NetUserGetLocalGroups"},
    // Ransomware.
    {"ransom.keys", "CryptAcquireContextW CryptImportKey CryptGenRandom CryptExportKey"},
    {"ransom.keys.gen", "CryptAcquireContextA CryptGenKey CryptExportKey"},
    {"ransom.drives",
     "GetVolumePathNamesForVolumeNameW GetDiskFreeSpaceExW GetVolumeNameForVolumeMountPointW"},
    {"ransom.find", "FindFirstFileExW NtQueryDirectoryFile*1-8 NtClose"},
    {"ransom.encrypt.inplace",
     "GetFileAttributesW NtCreateFile NtQueryInformationFile NtReadFile*1-4 "
     "SetFilePointer NtWriteFile*1-4 NtClose"},
    {"ransom.encrypt.copy",
     "NtCreateFile NtReadFile*1-4 NtCreateFile NtWriteFile*1-4 NtClose*2 DeleteFileW"},
    {"ransom.encrypt.map",
     "NtOpenFile NtCreateSection NtMapViewOfSection NtUnmapViewOfSection NtClose "
     "SetFileInformationByHandle"},
    {"ransom.rename", "MoveFileWithProgressW"},
    {"ransom.note", "NtCreateFile NtWriteFile NtClose"},
    {"ransom.shadow", "CreateProcessInternalW NtClose"},
    {"ransom.chunk", "CryptEncrypt"},
    {"ransom.wallpaper", "RegOpenKeyExW RegSetValueExW RegCloseKey SendNotifyMessageW"},
    // Miners.
    {"miner.pool", "GetAddrInfoW socket setsockopt connect send recv*1-4"},
    {"miner.stratum", "send recv*1-3 select NtDelayExecution*0-1"},
    {"miner.work", "GetSystemTimeAsFileTime NtDelayExecution*0-1"},
    {"miner.watch",
     "CreateToolhelp32Snapshot Process32FirstW Process32NextW*10-80 NtClose FindWindowW"},
    {"miner.gpu", "LdrLoadDll LdrGetProcedureAddress*10-40 NtDeviceIoControlFile*1-5"},
    {"miner.idle", "GetCursorPos GetForegroundWindow NtDelayExecution"},
    {"miner.config", "NtCreateFile NtReadFile NtClose GlobalMemoryStatusEx GetSystemInfo"},
    // DDoS trojans.
    {"ddos.flood.tcp", "socket connect send*1-20 closesocket"},
    {"ddos.flood.udp", "sendto*5-50"},
    {"ddos.flood.http", "InternetOpenA InternetOpenUrlA InternetReadFile InternetCloseHandle*1-2"},
    {"ddos.bulk.metrics", "GetSystemMetrics*2-20 NtClose*1-5 NtAllocateVirtualMemory*1-4"},
    {"ddos.bulk.reg",
     "RegOpenKeyExA RegQueryValueExA*1-6 RegCloseKey NtOpenKey NtQueryValueKey NtClose"},
    {"ddos.cmd", "recv*1-2 NtDelayExecution"},
    {"ddos.raw", "WSASocketA setsockopt sendto*3-30"},
    // Worms.
    {"worm.scan", "socket ioctlsocket connect select closesocket"},
    {"worm.smb", "NetShareEnum CopyFileW*1-3"},
    {"worm.usb",
     "GetVolumePathNamesForVolumeNameW GetDiskFreeSpaceW CopyFileA NtCreateFile NtWriteFile "
     "NtClose "
     "SetFileAttributesW"},
    {"worm.mail", "gethostbyname DnsQuery_A socket connect send*3-10 recv closesocket"},
    {"worm.copy", "GetSystemDirectoryA CopyFileA SetFileAttributesW CopyFileW"},
    {"worm.share", "NetShareEnum NetUserGetInfo CopyFileExW"},
    // Infectious viruses.
    {"virus.stub",
     "NtAllocateVirtualMemory NtProtectVirtualMemory LdrGetDllHandle LdrGetProcedureAddress*8-30"},
    {"virus.find", "FindFirstFileExW NtQueryDirectoryFile*1-4"},
    {"virus.infect",
     "GetFileAttributesW SetFileAttributesW NtCreateFile GetFileSize NtReadFile*1-2 "
     "SetFilePointer NtWriteFile SetFilePointer NtWriteFile SetFileTime NtClose"},
    {"virus.infect.map",
     "NtOpenFile NtCreateSection NtMapViewOfSection NtUnmapViewOfSection NtClose SetEndOfFile "
     "SetFileTime"},
    // Backdoors.
    {"backdoor.info",
     "GetComputerNameW GetUserNameW GetAdaptersAddresses GetNativeSystemInfo "
     "GetTimeZoneInformation"},
    {"backdoor.files",
     "FindFirstFileExW NtQueryDirectoryFile*1-5 NtCreateFile NtReadFile*1-6 send*1-6 NtClose"},
    {"backdoor.upload", "recv*1-8 NtCreateFile NtWriteFile*1-8 NtClose"},
    {"backdoor.proxy", "socket connect send*1-4 recv*1-4 closesocket"},
};

// Parses "Api" or "Api*n" or "Api*lo-hi".
MotifCall parse_call(std::string_view tok, std::string_view motif) {
  const ApiCatalog& cat = ApiCatalog::get();
  size_t star = tok.find('*');
  MotifCall c{cat.id(tok.substr(0, star)), 1, 1};
  if (star == std::string_view::npos) return c;
  std::string_view rep = tok.substr(star + 1);
  size_t dash = rep.find('-');
  unsigned lo = 0, hi = 0;
  auto [p1, e1] = std::from_chars(rep.data(), rep.data() + rep.size(), lo);
  hi = lo;
  if (dash != std::string_view::npos)
    std::from_chars(rep.data() + dash + 1, rep.data() + rep.size(), hi);
  if (e1 != std::errc() || lo > hi || hi > 255)
    throw Error(fmt::format("simulator: bad repeat '{}' in motif '{}'", tok, motif));
  c.lo = static_cast<uint8_t>(lo);
  c.hi = static_cast<uint8_t>(hi);
  return c;
}

}  // namespace

const MotifLibrary& MotifLibrary::get() {
  static const MotifLibrary library;
  return library;
}

MotifLibrary::MotifLibrary() {
  for (const MotifSpec& spec : kMotifs) {
    Motif m;
    std::string_view rest = spec.calls;
    while (!rest.empty()) {
      size_t sp = rest.find(' ');
      std::string_view tok = rest.substr(0, sp);
      if (!tok.empty()) m.push_back(parse_call(tok, spec.name));
      rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    }
    motifs_.emplace(spec.name, std::move(m));
  }
}

const Motif& MotifLibrary::operator()(std::string_view name) const {
  auto it = motifs_.find(name);
  if (it == motifs_.end()) throw Error(fmt::format("simulator: no motif '{}'", name));
  return it->second;
}

}  // namespace malscope::sim
