#include "sim/api_catalog.h"

#include <fmt/format.h>

#include "util/error.h"

namespace malscope::sim {
namespace {

using K = RetKind;

// NTSTATUS, HRESULT and Win32 codes as the logs show them (signed 32-bit).
constexpr int64_t kNotFound = -1073741772;         // STATUS_OBJECT_NAME_NOT_FOUND
constexpr int64_t kAccessDenied = -1073741790;     // STATUS_ACCESS_DENIED
constexpr int64_t kInvalidParam = -1073741811;     // STATUS_INVALID_PARAMETER
constexpr int64_t kInvalidHandle = -1073741816;    // STATUS_INVALID_HANDLE
constexpr int64_t kNoMemory = -1073741801;         // STATUS_NO_MEMORY
constexpr int64_t kBufferOverflow = -2147483643;   // STATUS_BUFFER_OVERFLOW
constexpr int64_t kNoMoreEntries = -2147483622;    // STATUS_NO_MORE_ENTRIES
constexpr int64_t kNoMoreFiles = -2147483642;      // STATUS_NO_MORE_FILES
constexpr int64_t kEndOfFile = -1073741807;        // STATUS_END_OF_FILE
constexpr int64_t kDllNotFound = -1073741515;      // STATUS_DLL_NOT_FOUND
constexpr int64_t kNoEntryPoint = -1073741511;     // STATUS_ENTRYPOINT_NOT_FOUND
constexpr int64_t kLengthMismatch = -1073741820;   // STATUS_INFO_LENGTH_MISMATCH
constexpr int64_t kBadProtection = -1073741755;    // STATUS_INVALID_PAGE_PROTECTION
constexpr int64_t kConflict = -1073741800;         // STATUS_CONFLICTING_ADDRESSES
constexpr int64_t kPartialCopy = -2147483635;      // STATUS_PARTIAL_COPY
constexpr int64_t kNotAtBase = 1073741827;         // STATUS_IMAGE_NOT_AT_BASE (a success)
constexpr int64_t kNameExists = 1073741824;        // STATUS_OBJECT_NAME_EXISTS (a success)
constexpr int64_t kPending = 259;                  // STATUS_PENDING
constexpr int64_t kNoPrivilege = -1073741727;      // STATUS_PRIVILEGE_NOT_HELD
constexpr int64_t kBadCompression = -1073741246;   // STATUS_BAD_COMPRESSION_BUFFER
constexpr int64_t kHrNotFound = -2147024894;       // HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)
constexpr int64_t kHrNotRegistered = -2147221164;  // REGDB_E_CLASSNOTREG
constexpr int64_t kHrTooLate = -2147417831;        // RPC_E_TOO_LATE
constexpr int64_t kHrInetNotFound = -2146697211;   // INET_E_RESOURCE_NOT_FOUND
constexpr int64_t kHrWbemClass = -2147217392;      // WBEM_E_INVALID_CLASS
constexpr int64_t kWinNotFound = 2, kWinDenied = 5, kWinBadHandle = 6, kWinMoreData = 234,
                  kWinNoMoreItems = 259, kWinBufferOverflow = 111, kWinHostNotFound = 11001,
                  kDnsNameError = 9003;

// name, return kind, ok, err, failures per mille, background weight.
constexpr ApiInfo kApis[] = {
    // Module loading and resources.
    {"LdrLoadDll", K::kCode, 0, kDllNotFound, 40, 6},
    {"LdrGetProcedureAddress", K::kCode, 0, kNoEntryPoint, 25, 40},
    {"LdrGetDllHandle", K::kCode, 0, kDllNotFound, 150, 15},
    {"LdrUnloadDll", K::kCode, 0, kInvalidParam, 5, 4},
    {"FindResourceW", K::kAddress, 0, 0, 60, 1},
    {"FindResourceExW", K::kAddress, 0, 0, 60, 2},
    {"FindResourceA", K::kAddress, 0, 0, 60, 0},
    {"FindResourceExA", K::kAddress, 0, 0, 60, 0},
    {"LoadResource", K::kAddress, 0, 0, 10, 1},
    {"SizeofResource", K::kCount, 8192, 0, 10, 0},
    {"LoadStringW", K::kCount, 64, 0, 30, 3},
    {"LoadStringA", K::kCount, 64, 0, 30, 0},
    {"CreateActCtxW", K::kHandle, 0, -1, 60, 0},
    // Memory.
    {"NtAllocateVirtualMemory", K::kCode, 0, kNoMemory, 5, 30},
    {"NtFreeVirtualMemory", K::kCode, 0, kInvalidParam, 5, 25},
    {"NtProtectVirtualMemory", K::kCode, 0, kBadProtection, 20, 8},
    {"NtReadVirtualMemory", K::kCode, 0, kPartialCopy, 40, 0},
    {"NtWriteVirtualMemory", K::kCode, 0, kAccessDenied, 30, 0},
    {"WriteProcessMemory", K::kCode, 1, 0, 30, 0},
    {"ReadProcessMemory", K::kCode, 1, 0, 50, 0},
    {"NtCreateSection", K::kCode, 0, kInvalidParam, 20, 2},
    {"NtOpenSection", K::kCode, 0, kNotFound, 100, 1},
    {"NtMapViewOfSection", K::kCode, 0, kNotAtBase, 80, 2},
    {"NtUnmapViewOfSection", K::kCode, 0, kConflict, 10, 1},
    // Processes and threads.
    {"CreateProcessInternalW", K::kCode, 1, 0, 50, 0},
    {"NtCreateUserProcess", K::kCode, 0, kAccessDenied, 30, 0},
    {"NtCreateProcessEx", K::kCode, 0, kAccessDenied, 30, 0},
    {"NtOpenProcess", K::kCode, 0, kAccessDenied, 120, 0},
    {"NtTerminateProcess", K::kCode, 0, kAccessDenied, 20, 0},
    {"NtOpenThread", K::kCode, 0, kAccessDenied, 80, 0},
    {"NtResumeThread", K::kCode, 0, kInvalidHandle, 10, 0},
    {"NtSuspendThread", K::kCode, 0, kInvalidHandle, 10, 0},
    {"NtTerminateThread", K::kCode, 0, kInvalidHandle, 10, 0},
    {"NtGetContextThread", K::kCode, 0, kAccessDenied, 10, 0},
    {"NtSetContextThread", K::kCode, 0, kAccessDenied, 10, 0},
    {"NtQueueApcThread", K::kCode, 0, kAccessDenied, 20, 0},
    {"NtQueueApcThreadEx", K::kCode, 0, kAccessDenied, 20, 0},
    {"NtCreateThreadEx", K::kCode, 0, kAccessDenied, 10, 0},
    {"CreateThread", K::kHandle, 0, 0, 5, 0},
    {"CreateRemoteThread", K::kHandle, 0, 0, 80, 0},
    {"RtlCreateUserThread", K::kCode, 0, kAccessDenied, 30, 0},
    {"CreateToolhelp32Snapshot", K::kHandle, 0, -1, 10, 0},
    {"Process32FirstW", K::kCode, 1, 0, 5, 0},
    {"Process32NextW", K::kCode, 1, 0, 25, 0},
    {"Thread32First", K::kCode, 1, 0, 5, 0},
    {"Thread32Next", K::kCode, 1, 0, 20, 0},
    {"Module32FirstW", K::kCode, 1, 0, 5, 0},
    {"Module32NextW", K::kCode, 1, 0, 30, 0},
    {"ShellExecuteExW", K::kCode, 1, 0, 80, 0},
    {"CreateJobObjectW", K::kHandle, 0, 0, 5, 0},
    {"SetInformationJobObject", K::kCode, 1, 0, 20, 0},
    // Files, directories, volumes.
    {"NtCreateFile", K::kCode, 0, kNotFound, 100, 3},
    {"NtOpenFile", K::kCode, 0, kNotFound, 120, 3},
    {"NtReadFile", K::kCode, 0, kEndOfFile, 60, 3},
    {"NtWriteFile", K::kCode, 0, kAccessDenied, 15, 0},
    {"NtDeleteFile", K::kCode, 0, kNotFound, 100, 0},
    {"NtQueryDirectoryFile", K::kCode, 0, kNoMoreFiles, 150, 0},
    {"NtQueryInformationFile", K::kCode, 0, kBufferOverflow, 20, 4},
    {"NtSetInformationFile", K::kCode, 0, kAccessDenied, 30, 0},
    {"NtQueryAttributesFile", K::kCode, 0, kNotFound, 250, 3},
    {"NtQueryFullAttributesFile", K::kCode, 0, kNotFound, 250, 0},
    {"NtDeviceIoControlFile", K::kCode, 0, kPending, 100, 1},
    {"DeviceIoControl", K::kCode, 1, 0, 100, 0},
    {"CopyFileA", K::kCode, 1, 0, 100, 0},
    {"CopyFileW", K::kCode, 1, 0, 100, 0},
    {"CopyFileExW", K::kCode, 1, 0, 100, 0},
    {"DeleteFileW", K::kCode, 1, 0, 150, 0},
    {"MoveFileWithProgressW", K::kCode, 1, 0, 60, 0},
    {"FindFirstFileExW", K::kHandle, 0, -1, 150, 0},
    {"FindFirstFileExA", K::kHandle, 0, -1, 150, 0},
    {"GetFileAttributesW", K::kAttributes, 0, -1, 250, 4},
    {"GetFileAttributesExW", K::kCode, 1, 0, 200, 1},
    {"SetFileAttributesW", K::kCode, 1, 0, 30, 0},
    {"GetFileSize", K::kFileSize, 0, -1, 10, 1},
    {"GetFileSizeEx", K::kCode, 1, 0, 10, 0},
    {"GetFileType", K::kCount, 3, 0, 5, 4},
    {"GetFileInformationByHandle", K::kCode, 1, 0, 10, 0},
    {"GetFileInformationByHandleEx", K::kCode, 1, 0, 10, 0},
    {"SetFileInformationByHandle", K::kCode, 1, 0, 20, 0},
    {"SetFilePointer", K::kFileSize, 0, -1, 10, 0},
    {"SetFilePointerEx", K::kCode, 1, 0, 10, 0},
    {"SetEndOfFile", K::kCode, 1, 0, 10, 0},
    {"SetFileTime", K::kCode, 1, 0, 10, 0},
    {"CreateDirectoryW", K::kCode, 1, 0, 200, 0},
    {"RemoveDirectoryA", K::kCode, 1, 0, 150, 0},
    {"RemoveDirectoryW", K::kCode, 1, 0, 150, 0},
    {"GetTempPathW", K::kCode, 38, 0, 0, 0},
    {"GetShortPathNameW", K::kCount, 80, 0, 50, 0},
    {"SearchPathW", K::kCount, 60, 0, 300, 0},
    {"GetSystemDirectoryW", K::kCode, 19, 0, 0, 0},
    {"GetSystemDirectoryA", K::kCode, 19, 0, 0, 0},
    {"GetSystemWindowsDirectoryW", K::kCode, 10, 0, 0, 0},
    {"GetSystemWindowsDirectoryA", K::kCode, 10, 0, 0, 0},
    {"SHGetFolderPathW", K::kCode, 0, kHrNotFound, 20, 0},
    {"SHGetSpecialFolderLocation", K::kCode, 0, kHrNotFound, 20, 0},
    {"GetVolumeNameForVolumeMountPointW", K::kCode, 1, 0, 50, 0},
    {"GetVolumePathNamesForVolumeNameW", K::kCode, 1, 0, 50, 0},
    {"GetVolumePathNameW", K::kCode, 1, 0, 20, 0},
    {"GetDiskFreeSpaceExW", K::kCode, 1, 0, 20, 0},
    {"GetDiskFreeSpaceW", K::kCode, 1, 0, 20, 0},
    {"GetFileVersionInfoSizeW", K::kCount, 2400, 0, 200, 0},
    {"GetFileVersionInfoSizeExW", K::kCount, 2400, 0, 200, 0},
    {"GetFileVersionInfoW", K::kCode, 1, 0, 20, 0},
    {"GetFileVersionInfoExW", K::kCode, 1, 0, 20, 0},
    // Registry.
    {"NtOpenKey", K::kCode, 0, kNotFound, 150, 12},
    {"NtOpenKeyEx", K::kCode, 0, kNotFound, 150, 2},
    {"NtQueryValueKey", K::kCode, 0, kNotFound, 200, 15},
    {"NtQueryKey", K::kCode, 0, kBufferOverflow, 30, 1},
    {"NtEnumerateKey", K::kCode, 0, kNoMoreEntries, 150, 0},
    {"NtEnumerateValueKey", K::kCode, 0, kNoMoreEntries, 150, 0},
    {"NtQueryMultipleValueKey", K::kCode, 0, kNotFound, 100, 0},
    {"NtSetValueKey", K::kCode, 0, kAccessDenied, 20, 0},
    {"NtCreateKey", K::kCode, 0, kAccessDenied, 30, 0},
    {"NtDeleteKey", K::kCode, 0, kAccessDenied, 50, 0},
    {"NtDeleteValueKey", K::kCode, 0, kNotFound, 100, 0},
    {"NtSaveKeyEx", K::kCode, 0, kNoPrivilege, 200, 0},
    {"NtLoadKey", K::kCode, 0, kNoPrivilege, 200, 0},
    {"NtRenameKey", K::kCode, 0, kAccessDenied, 50, 0},
    {"NtReplaceKey", K::kCode, 0, kNoPrivilege, 200, 0},
    {"RegOpenKeyExW", K::kCode, 0, kWinNotFound, 200, 4},
    {"RegOpenKeyExA", K::kCode, 0, kWinNotFound, 200, 1},
    {"RegQueryValueExW", K::kCode, 0, kWinNotFound, 250, 5},
    {"RegQueryValueExA", K::kCode, 0, kWinNotFound, 250, 1},
    {"RegCloseKey", K::kCode, 0, kWinBadHandle, 2, 8},
    {"RegCreateKeyExW", K::kCode, 0, kWinDenied, 30, 0},
    {"RegCreateKeyExA", K::kCode, 0, kWinDenied, 30, 0},
    {"RegSetValueExW", K::kCode, 0, kWinDenied, 20, 0},
    {"RegSetValueExA", K::kCode, 0, kWinDenied, 20, 0},
    {"RegEnumKeyW", K::kCode, 0, kWinNoMoreItems, 150, 0},
    {"RegEnumKeyExW", K::kCode, 0, kWinNoMoreItems, 150, 0},
    {"RegEnumKeyExA", K::kCode, 0, kWinNoMoreItems, 150, 0},
    {"RegEnumValueW", K::kCode, 0, kWinNoMoreItems, 150, 0},
    {"RegEnumValueA", K::kCode, 0, kWinNoMoreItems, 150, 0},
    {"RegQueryInfoKeyW", K::kCode, 0, kWinMoreData, 20, 0},
    {"RegQueryInfoKeyA", K::kCode, 0, kWinMoreData, 20, 0},
    {"RegDeleteKeyW", K::kCode, 0, kWinNotFound, 150, 0},
    {"RegDeleteKeyA", K::kCode, 0, kWinNotFound, 150, 0},
    {"RegDeleteValueW", K::kCode, 0, kWinNotFound, 150, 0},
    {"RegDeleteValueA", K::kCode, 0, kWinNotFound, 150, 0},
    // Network.
    {"WSAStartup", K::kCode, 0, 10091, 2, 0},
    {"socket", K::kHandle, 0, -1, 20, 0},
    {"WSASocketW", K::kHandle, 0, -1, 20, 0},
    {"WSASocketA", K::kHandle, 0, -1, 20, 0},
    {"connect", K::kCode, 0, -1, 200, 0},
    {"WSAConnect", K::kCode, 0, -1, 200, 0},
    {"send", K::kCount, 1460, -1, 30, 0},
    {"sendto", K::kCount, 1460, -1, 30, 0},
    {"WSASend", K::kCode, 0, -1, 30, 0},
    {"WSASendTo", K::kCode, 0, -1, 30, 0},
    {"recv", K::kCount, 4096, -1, 60, 0},
    {"recvfrom", K::kCount, 4096, -1, 60, 0},
    {"WSARecv", K::kCode, 0, -1, 60, 0},
    {"WSARecvFrom", K::kCode, 0, -1, 60, 0},
    {"bind", K::kCode, 0, -1, 30, 0},
    {"listen", K::kCode, 0, -1, 10, 0},
    {"accept", K::kHandle, 0, -1, 100, 0},
    {"select", K::kCount, 2, 0, 300, 0},
    {"closesocket", K::kCode, 0, -1, 5, 0},
    {"shutdown", K::kCode, 0, -1, 30, 0},
    {"setsockopt", K::kCode, 0, -1, 10, 0},
    {"getsockname", K::kCode, 0, -1, 10, 0},
    {"ioctlsocket", K::kCode, 0, -1, 10, 0},
    {"getaddrinfo", K::kCode, 0, kWinHostNotFound, 150, 0},
    {"GetAddrInfoW", K::kCode, 0, kWinHostNotFound, 150, 0},
    {"gethostbyname", K::kAddress, 0, 0, 150, 0},
    {"DnsQuery_A", K::kCode, 0, kDnsNameError, 150, 0},
    {"DnsQuery_W", K::kCode, 0, kDnsNameError, 150, 0},
    {"InternetOpenA", K::kNetHandle, 0, 0, 5, 0},
    {"InternetOpenW", K::kNetHandle, 0, 0, 5, 0},
    {"InternetOpenUrlA", K::kNetHandle, 0, 0, 200, 0},
    {"InternetOpenUrlW", K::kNetHandle, 0, 0, 200, 0},
    {"InternetConnectA", K::kNetHandle, 0, 0, 50, 0},
    {"InternetConnectW", K::kNetHandle, 0, 0, 50, 0},
    {"HttpOpenRequestA", K::kNetHandle, 0, 0, 10, 0},
    {"HttpOpenRequestW", K::kNetHandle, 0, 0, 10, 0},
    {"HttpSendRequestA", K::kCode, 1, 0, 150, 0},
    {"HttpSendRequestW", K::kCode, 1, 0, 150, 0},
    {"HttpQueryInfoA", K::kCode, 1, 0, 50, 0},
    {"InternetReadFile", K::kCode, 1, 0, 50, 0},
    {"InternetWriteFile", K::kCode, 1, 0, 50, 0},
    {"InternetCloseHandle", K::kCode, 1, 0, 2, 0},
    {"InternetCrackUrlA", K::kCode, 1, 0, 10, 0},
    {"InternetCrackUrlW", K::kCode, 1, 0, 10, 0},
    {"InternetSetOptionA", K::kCode, 1, 0, 20, 0},
    {"InternetQueryOptionA", K::kCode, 1, 0, 20, 0},
    {"InternetSetStatusCallback", K::kCode, 0, -1, 5, 0},
    {"InternetGetConnectedState", K::kCode, 1, 0, 100, 0},
    {"InternetGetConnectedStateExA", K::kCode, 1, 0, 100, 0},
    {"URLDownloadToFileW", K::kCode, 0, kHrInetNotFound, 250, 0},
    {"ObtainUserAgentString", K::kCode, 0, kHrNotFound, 5, 0},
    {"DeleteUrlCacheEntryW", K::kCode, 1, 0, 300, 0},
    {"DeleteUrlCacheEntryA", K::kCode, 1, 0, 300, 0},
    {"GetAdaptersAddresses", K::kCode, 0, kWinBufferOverflow, 300, 0},
    {"GetAdaptersInfo", K::kCode, 0, kWinBufferOverflow, 300, 0},
    {"GetBestInterfaceEx", K::kCode, 0, 1168, 50, 0},
    {"NetShareEnum", K::kCode, 0, kWinDenied, 100, 0},
    {"NetUserGetInfo", K::kCode, 0, 2221, 100, 0},
    {"NetGetJoinInformation", K::kCode, 0, kWinDenied, 20, 0},
    {"NetUserGetLocalGroups", K::kCode, 0, 2221, 100, 0},
    // Crypto and certificates.
    {"CryptAcquireContextW", K::kCode, 1, 0, 30, 0},
    {"CryptAcquireContextA", K::kCode, 1, 0, 30, 0},
    {"CryptCreateHash", K::kCode, 1, 0, 5, 0},
    {"CryptHashData", K::kCode, 1, 0, 2, 0},
    {"CryptGenKey", K::kCode, 1, 0, 5, 0},
    {"CryptImportKey", K::kCode, 1, 0, 20, 0},
    {"CryptExportKey", K::kCode, 1, 0, 60, 0},
    {"CryptGenRandom", K::kCode, 1, 0, 2, 0},
    {"CryptEncrypt", K::kCode, 1, 0, 10, 0},
    {"CryptDecrypt", K::kCode, 1, 0, 30, 0},
    {"CryptDecodeObjectEx", K::kCode, 1, 0, 30, 0},
    {"CryptProtectData", K::kCode, 1, 0, 10, 0},
    {"CryptUnprotectData", K::kCode, 1, 0, 150, 0},
    {"CryptProtectMemory", K::kCode, 1, 0, 5, 0},
    {"CryptUnprotectMemory", K::kCode, 1, 0, 5, 0},
    {"CertOpenStore", K::kAddress, 0, 0, 20, 0},
    {"CertControlStore", K::kCode, 1, 0, 20, 0},
    {"CertCreateCertificateContext", K::kAddress, 0, 0, 20, 0},
    {"EncryptMessage", K::kCode, 0, -2146893048, 10, 0},
    {"DecryptMessage", K::kCode, 0, -2146893032, 30, 0},
    // Services and drivers.
    {"OpenSCManagerW", K::kAddress, 0, 0, 100, 0},
    {"OpenSCManagerA", K::kAddress, 0, 0, 100, 0},
    {"OpenServiceW", K::kAddress, 0, 0, 300, 0},
    {"OpenServiceA", K::kAddress, 0, 0, 300, 0},
    {"CreateServiceW", K::kAddress, 0, 0, 150, 0},
    {"CreateServiceA", K::kAddress, 0, 0, 150, 0},
    {"StartServiceW", K::kCode, 1, 0, 100, 0},
    {"StartServiceA", K::kCode, 1, 0, 100, 0},
    {"ControlService", K::kCode, 1, 0, 100, 0},
    {"EnumServicesStatusW", K::kCode, 1, 0, 400, 0},
    {"EnumServicesStatusA", K::kCode, 1, 0, 400, 0},
    {"NtLoadDriver", K::kCode, 0, kNoPrivilege, 300, 0},
    // User interface and input.
    {"GetCursorPos", K::kCode, 1, 0, 5, 4},
    {"GetForegroundWindow", K::kWindow, 0, 0, 30, 4},
    {"GetKeyState", K::kKeyState, 0, 0, 0, 3},
    {"GetAsyncKeyState", K::kKeyState, 0, 0, 0, 0},
    {"GetKeyboardState", K::kCode, 1, 0, 5, 0},
    {"FindWindowW", K::kWindow, 0, 0, 600, 0},
    {"FindWindowA", K::kWindow, 0, 0, 600, 0},
    {"FindWindowExW", K::kWindow, 0, 0, 600, 0},
    {"FindWindowExA", K::kWindow, 0, 0, 600, 0},
    {"EnumWindows", K::kCode, 1, 0, 10, 0},
    {"SetWindowsHookExW", K::kNetHandle, 0, 0, 30, 0},
    {"SetWindowsHookExA", K::kNetHandle, 0, 0, 30, 0},
    {"UnhookWindowsHookEx", K::kCode, 1, 0, 10, 0},
    {"DrawTextExW", K::kCount, 32, 0, 5, 2},
    {"DrawTextExA", K::kCount, 32, 0, 5, 0},
    {"SendNotifyMessageW", K::kCode, 1, 0, 10, 1},
    {"SendNotifyMessageA", K::kCode, 1, 0, 10, 0},
    {"MessageBoxTimeoutW", K::kCode, 1, 32000, 300, 0},
    {"MessageBoxTimeoutA", K::kCode, 1, 32000, 300, 0},
    {"TaskDialog", K::kCode, 0, kHrNotFound, 30, 0},
    {"WriteConsoleW", K::kCode, 1, 0, 10, 0},
    {"WriteConsoleA", K::kCode, 1, 0, 10, 0},
    {"RegisterHotKey", K::kCode, 1, 0, 300, 0},
    {"ReadCabinetState", K::kCode, 1, 0, 10, 0},
    // COM, OLE, WMI.
    {"CoInitializeEx", K::kCode, 0, 1, 300, 0},
    {"CoUninitialize", K::kCode, 0, 0, 0, 0},
    {"CoCreateInstance", K::kCode, 0, kHrNotRegistered, 100, 0},
    {"CoCreateInstanceEx", K::kCode, 0, kHrNotRegistered, 100, 0},
    {"CoGetClassObject", K::kCode, 0, kHrNotRegistered, 100, 0},
    {"CoInitializeSecurity", K::kCode, 0, kHrTooLate, 300, 0},
    {"OleInitialize", K::kCode, 0, 1, 300, 0},
    {"IWbemServices_ExecQuery", K::kCode, 0, kHrWbemClass, 50, 0},
    {"IWbemServices_ExecMethod", K::kCode, 0, kHrWbemClass, 50, 0},
    // Synchronisation.
    {"NtCreateMutant", K::kCode, 0, kNameExists, 100, 2},
    {"NtOpenMutant", K::kCode, 0, kNotFound, 500, 2},
    {"NtDelayExecution", K::kCode, 0, 0, 0, 8},
    // System information, time, errors, handles.
    {"NtClose", K::kCode, 0, kInvalidHandle, 5, 50},
    {"NtDuplicateObject", K::kCode, 0, kInvalidHandle, 5, 5},
    {"NtOpenDirectoryObject", K::kCode, 0, kAccessDenied, 50, 1},
    {"NtQuerySystemInformation", K::kCode, 0, kLengthMismatch, 300, 3},
    {"GetSystemInfo", K::kCode, 0, 0, 0, 2},
    {"GetNativeSystemInfo", K::kCode, 0, 0, 0, 1},
    {"GetSystemTimeAsFileTime", K::kCode, 0, 0, 0, 15},
    {"timeGetTime", K::kTime, 0, 0, 0, 1},
    {"GlobalMemoryStatus", K::kCode, 0, 0, 0, 0},
    {"GlobalMemoryStatusEx", K::kCode, 1, 0, 0, 1},
    {"GetSystemMetrics", K::kMetric, 0, 0, 0, 5},
    {"GetComputerNameW", K::kCode, 1, 0, 5, 0},
    {"GetComputerNameA", K::kCode, 1, 0, 5, 0},
    {"GetUserNameW", K::kCode, 1, 0, 5, 0},
    {"GetUserNameA", K::kCode, 1, 0, 5, 0},
    {"GetUserNameExW", K::kCode, 1, 0, 30, 0},
    {"GetUserNameExA", K::kCode, 1, 0, 30, 0},
    {"LookupAccountSidW", K::kCode, 1, 0, 30, 0},
    {"LookupPrivilegeValueW", K::kCode, 1, 0, 10, 0},
    {"GetTimeZoneInformation", K::kCount, 2, 0, 0, 0},
    {"IsDebuggerPresent", K::kCode, 0, 1, 0, 1},
    {"SetErrorMode", K::kCode, 0, 32769, 300, 1},
    {"SetUnhandledExceptionFilter", K::kAddress, 0, 0, 400, 1},
    {"RtlAddVectoredExceptionHandler", K::kAddress, 0, 0, 0, 0},
    {"RtlAddVectoredContinueHandler", K::kAddress, 0, 0, 0, 0},
    {"RtlRemoveVectoredExceptionHandler", K::kCode, 1, 0, 5, 0},
    {"__exception__", K::kCode, 0, 0, 0, 0},
    {"UuidCreate", K::kCode, 0, 1824, 5, 0},
    {"OutputDebugStringA", K::kCode, 0, 0, 0, 0},
    {"ExitWindowsEx", K::kCode, 1, 0, 300, 0},
    {"SetStdHandle", K::kCode, 1, 0, 5, 0},
    {"RtlDecompressBuffer", K::kCode, 0, kBadCompression, 50, 0},
    {"RtlCompressBuffer", K::kCode, 0, kInvalidParam, 10, 0},
};

}  // namespace

const ApiCatalog& ApiCatalog::get() {
  static const ApiCatalog catalog;
  return catalog;
}

ApiCatalog::ApiCatalog() : by_family_(kNumFamilies) {
  uint32_t cum = 0;
  for (const ApiInfo& a : kApis) {
    auto id = static_cast<uint16_t>(apis_.size());
    ApiInfo info = a;
    info.family = api_family(a.name);
    apis_.push_back(info);
    by_name_.emplace(info.name, id);
    by_family_[static_cast<size_t>(info.family)].push_back(id);
    if (info.background) {
      cum += info.background;
      background_.push_back(id);
      background_cum_.push_back(cum);
    }
  }
}

std::optional<uint16_t> ApiCatalog::find(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

uint16_t ApiCatalog::id(std::string_view name) const {
  auto id = find(name);
  if (!id) throw Error(fmt::format("simulator: API '{}' is not in the catalog", name));
  return *id;
}

std::optional<uint16_t> ApiCatalog::twin(uint16_t id) const {
  std::string_view n = apis_[id].name;
  if (n.size() < 2) return std::nullopt;
  char last = n.back();
  if (last != 'A' && last != 'W') return std::nullopt;
  std::string other(n);
  other.back() = last == 'A' ? 'W' : 'A';
  return find(other);
}

}  // namespace malscope::sim
