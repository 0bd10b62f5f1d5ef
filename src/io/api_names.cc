#include "io/api_names.h"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "util/error.h"

namespace malscope {
namespace {

using namespace std::string_view_literals;

// Stems with both an ANSI (A) and a Unicode (W) export in Windows, separated by spaces: the
// names sandboxes log (CAPEv2, the Cuckoo monitor, MalbehavD, the simulator's catalogue) and the
// common Win32 A/W families beside them. A name ending in A folds only when its stem is here.
constexpr std::string_view kStemText =
    "AddAtom AddFontResource AddFontResourceEx AddPrinter BeginUpdateResource "
    "BroadcastSystemMessage BroadcastSystemMessageEx CallNamedPipe CallWindowProc "
    "CertGetNameString CertNameToStr CertOpenSystemStore CertRDNValueToStr CertStrToName "
    "ChangeDisplaySettings ChangeDisplaySettingsEx ChangeServiceConfig ChangeServiceConfig2 "
    "CharLower CharNext CharPrev CharToOem CharUpper ChooseColor ChooseFont CompareString "
    "ControlServiceEx ConvertSidToStringSid "
    "ConvertStringSecurityDescriptorToSecurityDescriptor ConvertStringSidToSid "
    "CopyEnhMetaFile CopyFile CopyFileEx CreateActCtx CreateDC CreateDesktop "
    "CreateDialogIndirectParam CreateDialogParam CreateDirectory CreateDirectoryEx "
    "CreateEnhMetaFile CreateEvent CreateEventEx CreateFile CreateFileMapping CreateFont "
    "CreateFontIndirect CreateHardLink CreateIC CreateJobObject CreateMailslot CreateMetaFile "
    "CreateMutex CreateMutexEx CreateNamedPipe CreateProcess CreateProcessAsUser "
    "CreateProcessInternal CreateScalableFontResource CreateSemaphore CreateSemaphoreEx "
    "CreateService CreateSymbolicLink CreateUrlCacheEntry CreateWaitableTimer "
    "CreateWaitableTimerEx CreateWindowEx CreateWindowStation CryptAcquireContext "
    "CryptBinaryToString CryptEnumProviderTypes CryptEnumProviders CryptGetDefaultProvider "
    "CryptRetrieveObjectByUrl CryptSetProvider CryptSetProviderEx CryptSignHash "
    "CryptStringToBinary CryptVerifySignature DefWindowProc DefineDosDevice DeleteFile "
    "DeleteUrlCacheEntry DeleteVolumeMountPoint DialogBoxIndirectParam DialogBoxParam "
    "DispatchMessage DnsHostnameToComputerName DnsQuery_ DoEnvironmentSubst "
    "DocumentProperties DragQueryFile DrawText DrawTextEx EndUpdateResource EnumDateFormats "
    "EnumDependentServices EnumDesktops EnumDisplayDevices EnumDisplaySettings "
    "EnumFontFamilies EnumFonts EnumPrinters EnumResourceLanguages EnumResourceNames "
    "EnumResourceTypes EnumServicesStatus EnumServicesStatusEx EnumSystemLocales "
    "EnumWindowStations ExpandEnvironmentStrings ExtTextOut ExtractAssociatedIcon ExtractIcon "
    "ExtractIconEx FindAtom FindExecutable FindFirstChangeNotification FindFirstFile "
    "FindFirstFileEx FindFirstUrlCacheEntry FindFirstVolume FindFirstVolumeMountPoint "
    "FindNextFile FindNextUrlCacheEntry FindNextVolume FindNextVolumeMountPoint FindResource "
    "FindResourceEx FindText FindWindow FindWindowEx FoldString FormatMessage FtpCommand "
    "FtpCreateDirectory FtpDeleteFile FtpFindFirstFile FtpGetCurrentDirectory FtpGetFile "
    "FtpOpenFile FtpPutFile FtpRemoveDirectory FtpRenameFile FtpSetCurrentDirectory "
    "GetAddrInfoEx GetAtomName GetBinaryType GetCPInfoEx GetCharWidth GetClassInfo "
    "GetClassInfoEx GetClassLong GetClassName GetCommandLine GetComputerName "
    "GetComputerNameEx GetCurrencyFormat GetCurrentDirectory GetDateFormat GetDiskFreeSpace "
    "GetDiskFreeSpaceEx GetDlgItemText GetDllDirectory GetDriveType GetEnhMetaFile "
    "GetEnvironmentStrings GetEnvironmentVariable GetFileAttributes GetFileAttributesEx "
    "GetFileSecurity GetFileVersionInfo GetFileVersionInfoEx GetFileVersionInfoSize "
    "GetFileVersionInfoSizeEx GetFullPathName GetGeoInfo GetGlyphOutline GetKeyNameText "
    "GetKeyboardLayoutName GetLocaleInfo GetLogicalDriveStrings GetLongPathName GetMessage "
    "GetModuleFileName GetModuleHandle GetModuleHandleEx GetMonitorInfo GetNamedSecurityInfo "
    "GetNumberFormat GetObject GetOpenFileName GetOutlineTextMetrics GetPrinter "
    "GetPrivateProfileInt GetPrivateProfileSection GetPrivateProfileSectionNames "
    "GetPrivateProfileString GetProfileInt GetProfileString GetSaveFileName "
    "GetServiceDisplayName GetServiceKeyName GetShortPathName GetStartupInfo GetStringTypeEx "
    "GetSystemDirectory GetSystemWindowsDirectory GetSystemWow64Directory GetTempFileName "
    "GetTempPath GetTextExtentPoint32 GetTextFace GetTextMetrics GetTimeFormat "
    "GetUrlCacheEntryInfo GetUserName GetUserNameEx GetUserObjectInformation GetVersionEx "
    "GetVolumeInformation GetVolumeNameForVolumeMountPoint GetVolumePathName "
    "GetVolumePathNamesForVolumeName GetWindowLong GetWindowLongPtr GetWindowText "
    "GetWindowsDirectory GlobalAddAtom GlobalFindAtom GlobalGetAtomName HttpAddRequestHeaders "
    "HttpEndRequest HttpOpenRequest HttpQueryInfo HttpSendRequest HttpSendRequestEx "
    "InternetCanonicalizeUrl InternetCombineUrl InternetConnect InternetCrackUrl "
    "InternetCreateUrl InternetFindNextFile InternetGetConnectedStateEx InternetGetCookie "
    "InternetGetCookieEx InternetGetLastResponseInfo InternetOpen InternetOpenUrl "
    "InternetQueryOption InternetReadFileEx InternetSetCookie InternetSetCookieEx "
    "InternetSetOption InternetSetStatusCallback InternetTimeToSystemTime IsCharAlpha "
    "IsCharAlphaNumeric IsCharLower IsCharUpper LCMapString LoadAccelerators LoadBitmap "
    "LoadCursor LoadIcon LoadImage LoadKeyboardLayout LoadLibrary LoadLibraryEx LoadMenu "
    "LoadString LogonUser LookupAccountName LookupAccountSid LookupPrivilegeDisplayName "
    "LookupPrivilegeName LookupPrivilegeValue MapVirtualKey MapVirtualKeyEx MessageBox "
    "MessageBoxEx MessageBoxIndirect MessageBoxTimeout MoveFile MoveFileEx MoveFileTransacted "
    "MoveFileWithProgress OemToChar OpenDesktop OpenEvent OpenEventLog OpenFileMapping "
    "OpenJobObject OpenMutex OpenPrinter OpenSCManager OpenSemaphore OpenService "
    "OpenWaitableTimer OpenWindowStation OutputDebugString PageSetupDlg PathAppend "
    "PathCombine PathCreateFromUrl PathFileExists PathFindExtension PathFindFileName "
    "PathIsDirectory PathIsRelative PathRemoveFileSpec PdhAddCounter PdhOpenQuery PeekMessage "
    "PlaySound PolyTextOut PostMessage PostThreadMessage PrintDlg QueryDosDevice "
    "QueryServiceConfig QueryServiceConfig2 RasConnectionNotification RasDial "
    "RasEnumConnections RasGetEntryProperties ReadConsole ReadEventLog RegConnectRegistry "
    "RegCreateKey RegCreateKeyEx RegDeleteKey RegDeleteKeyEx RegDeleteTree RegDeleteValue "
    "RegEnumKey RegEnumKeyEx RegEnumValue RegLoadKey RegOpenKey RegOpenKeyEx RegQueryInfoKey "
    "RegQueryValue RegQueryValueEx RegSaveKey RegSetValue RegSetValueEx RegisterClass "
    "RegisterClassEx RegisterEventSource RegisterServiceCtrlHandler "
    "RegisterServiceCtrlHandlerEx RegisterWindowMessage RemoveDirectory RemoveFontResource "
    "ReplaceText ReportEvent ResetDC SHBrowseForFolder SHCreateDirectoryEx SHEmptyRecycleBin "
    "SHFileOperation SHGetFileInfo SHGetFolderPath SHGetFolderPathAndSubDir "
    "SHGetPathFromIDList SHGetSpecialFolderPath SHQueryRecycleBin SearchPath SendMessage "
    "SendMessageCallback SendMessageTimeout SendNotifyMessage SetClassLong SetComputerName "
    "SetComputerNameEx SetCurrentDirectory SetDlgItemText SetDllDirectory "
    "SetEnvironmentVariable SetFileAttributes SetFileSecurity SetLocaleInfo "
    "SetNamedSecurityInfo SetUserObjectInformation SetVolumeLabel SetVolumeMountPoint "
    "SetWindowLong SetWindowLongPtr SetWindowText SetWindowsHookEx SetupDiGetClassDescription "
    "SetupDiGetClassDevs SetupDiGetDeviceInstanceId SetupDiGetDeviceInterfaceDetail "
    "SetupDiGetDeviceRegistryProperty ShellExecute ShellExecuteEx Shell_NotifyIcon StartDoc "
    "StartService StartServiceCtrlDispatcher StrChr StrCmpI StrCmpN StrDup StrStr StrStrI "
    "SystemParametersInfo TextOut URLDownloadToCacheFile URLDownloadToFile "
    "URLOpenBlockingStream URLOpenStream UpdateResource UrlCanonicalize UrlCombine "
    "UrlCreateFromPath UrlEscape UrlGetPart UrlIs UrlUnescape VkKeyScan VkKeyScanEx "
    "WNetAddConnection WNetAddConnection2 WNetCancelConnection2 WNetEnumResource "
    "WNetGetConnection WNetGetUniversalName WNetOpenEnum WNetUseConnection WSAAddressToString "
    "WSAConnectByName WSADuplicateSocket WSAEnumProtocols WSAGetServiceClassInfo "
    "WSAInstallServiceClass WSALookupServiceBegin WSALookupServiceNext WSASetService "
    "WSASocket WSAStringToAddress WaitNamedPipe WriteConsole WritePrivateProfileSection "
    "WritePrivateProfileString lstrcat lstrcmp lstrcmpi lstrcpy lstrcpyn lstrlen "
    "mciSendString wsprintf wvsprintf";

// ANSI forms without an A suffix, and their Unicode twins.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kBareAnsi = {{
    {"GetEnvironmentStrings"sv, "GetEnvironmentStringsW"sv},
    {"Module32First"sv, "Module32FirstW"sv},
    {"Module32Next"sv, "Module32NextW"sv},
    {"Process32First"sv, "Process32FirstW"sv},
    {"Process32Next"sv, "Process32NextW"sv},
    {"getaddrinfo"sv, "GetAddrInfoW"sv},
}};

}  // namespace

std::string_view api_naming_name(ApiNaming naming) {
  return naming == ApiNaming::kCanonical ? "canonical" : "as-is";
}

ApiNaming parse_api_naming(std::string_view text, std::string_view what) {
  if (text == "as-is") return ApiNaming::kAsIs;
  if (text == "canonical") return ApiNaming::kCanonical;
  throw UsageError(fmt::format("{}: expected as-is or canonical, got '{}'", what, text));
}

std::string canonical_api_name(std::string_view name) {
  if (name.size() > 2 && name.substr(0, 2) == "Zw" &&
      std::isupper(static_cast<unsigned char>(name[2])))
    return "Nt" + std::string(name.substr(2));
  for (const auto& [ansi, unicode] : kBareAnsi)
    if (name == ansi) return std::string(unicode);
  if (name.size() > 1 && name.back() == 'A' &&
      std::binary_search(ansi_unicode_stems().begin(), ansi_unicode_stems().end(),
                         name.substr(0, name.size() - 1)))
    return std::string(name.substr(0, name.size() - 1)) + 'W';
  return std::string(name);
}

std::span<const std::string_view> ansi_unicode_stems() {
  static const std::vector<std::string_view> stems = [] {
    std::vector<std::string_view> v;
    for (size_t at = 0; at < kStemText.size();) {
      size_t end = std::min(kStemText.find(' ', at), kStemText.size());
      v.push_back(kStemText.substr(at, end - at));
      at = end + 1;
    }
    std::sort(v.begin(), v.end());
    return v;
  }();
  return stems;
}

}  // namespace malscope
