#include "io/api_family.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace malscope {
namespace {

struct Case {
  const char* name;
  ApiFamily family;
};

// Real Cuckoo names, including the ones whose family hangs on rule order.
const Case kCases[] = {
    {"CryptAcquireContextW", ApiFamily::kCrypto},
    {"CryptHashData", ApiFamily::kCrypto},
    {"BCryptGenRandom", ApiFamily::kCrypto},
    {"CryptUnprotectData", ApiFamily::kCrypto},
    {"DecryptMessage", ApiFamily::kCrypto},
    {"CertOpenStore", ApiFamily::kCrypto},
    {"InternetOpenA", ApiFamily::kNetwork},
    {"InternetReadFile", ApiFamily::kNetwork},  // not file I/O
    {"HttpSendRequestW", ApiFamily::kNetwork},
    {"URLDownloadToFileW", ApiFamily::kNetwork},
    {"WSARecv", ApiFamily::kNetwork},
    {"socket", ApiFamily::kNetwork},
    {"connect", ApiFamily::kNetwork},
    {"getaddrinfo", ApiFamily::kNetwork},
    {"GetAddrInfoW", ApiFamily::kNetwork},
    {"gethostbyname", ApiFamily::kNetwork},
    {"DnsQuery_A", ApiFamily::kNetwork},
    {"NetShareEnum", ApiFamily::kNetwork},
    {"NtCreateFile", ApiFamily::kFile},
    {"NtWriteFile", ApiFamily::kFile},
    {"CopyFileA", ApiFamily::kFile},
    {"CopyFileExW", ApiFamily::kFile},  // "Co" + lower case is not COM
    {"DeleteFileW", ApiFamily::kFile},
    {"FindFirstFileExW", ApiFamily::kFile},
    {"MoveFileWithProgressW", ApiFamily::kFile},
    {"GetFileAttributesW", ApiFamily::kFile},
    {"NtQueryDirectoryFile", ApiFamily::kFile},
    {"SetFilePointer", ApiFamily::kFile},
    {"GetSystemDirectoryW", ApiFamily::kFile},
    {"GetTempPathW", ApiFamily::kFile},
    {"RegOpenKeyExW", ApiFamily::kRegistry},
    {"RegCloseKey", ApiFamily::kRegistry},
    {"NtOpenKeyEx", ApiFamily::kRegistry},
    {"NtQueryValueKey", ApiFamily::kRegistry},
    {"NtSetValueKey", ApiFamily::kRegistry},
    {"NtEnumerateKey", ApiFamily::kRegistry},
    {"NtSaveKeyEx", ApiFamily::kRegistry},
    {"RegisterHotKey", ApiFamily::kUi},  // "Reg" + "ister" is not the registry
    {"CreateProcessInternalW", ApiFamily::kProcess},
    {"NtOpenProcess", ApiFamily::kProcess},
    {"NtTerminateProcess", ApiFamily::kProcess},
    {"CreateRemoteThread", ApiFamily::kProcess},
    {"NtCreateThreadEx", ApiFamily::kProcess},
    {"Process32NextW", ApiFamily::kProcess},
    {"ShellExecuteExW", ApiFamily::kProcess},
    {"CreateToolhelp32Snapshot", ApiFamily::kProcess},
    {"Module32FirstW", ApiFamily::kProcess},
    {"NtAllocateVirtualMemory", ApiFamily::kMemory},
    {"NtFreeVirtualMemory", ApiFamily::kMemory},
    {"NtProtectVirtualMemory", ApiFamily::kMemory},
    {"VirtualProtectEx", ApiFamily::kMemory},
    {"NtMapViewOfSection", ApiFamily::kMemory},
    {"NtUnmapViewOfSection", ApiFamily::kMemory},
    {"NtCreateSection", ApiFamily::kMemory},
    {"WriteProcessMemory", ApiFamily::kMemory},  // not process
    {"LdrLoadDll", ApiFamily::kModule},
    {"LdrGetProcedureAddress", ApiFamily::kModule},
    {"FindResourceExW", ApiFamily::kModule},
    {"OpenSCManagerW", ApiFamily::kService},
    {"StartServiceA", ApiFamily::kService},
    {"NtLoadDriver", ApiFamily::kService},
    {"GetForegroundWindow", ApiFamily::kUi},
    {"SetWindowsHookExA", ApiFamily::kUi},
    {"GetAsyncKeyState", ApiFamily::kUi},
    {"MessageBoxTimeoutW", ApiFamily::kUi},
    {"CoCreateInstance", ApiFamily::kCom},
    {"OleInitialize", ApiFamily::kCom},
    {"IWbemServices_ExecQuery", ApiFamily::kCom},  // not service
    {"NtCreateMutant", ApiFamily::kSync},
    {"NtDelayExecution", ApiFamily::kSync},
    {"GetSystemTimeAsFileTime", ApiFamily::kSystem},  // not file
    {"NtClose", ApiFamily::kSystem},
    {"GetSystemMetrics", ApiFamily::kSystem},
    {"IsDebuggerPresent", ApiFamily::kSystem},
    {"GlobalMemoryStatusEx", ApiFamily::kSystem},   // not memory
    {"ExitWindowsEx", ApiFamily::kSystem},          // not UI
    {"NtOpenDirectoryObject", ApiFamily::kSystem},  // not file
    {"__exception__", ApiFamily::kSystem},
    {"", ApiFamily::kOther},
    {"FooBar", ApiFamily::kOther},
};

TEST(ApiFamily, ClassifiesRealCuckooNames) {
  for (const Case& c : kCases)
    EXPECT_EQ(family_name(api_family(c.name)), family_name(c.family)) << c.name;
}

TEST(ApiFamily, NamesAreDistinctAndCoverEveryFamily) {
  std::set<std::string_view> names;
  for (size_t f = 0; f < kNumFamilies; ++f) names.insert(family_name(static_cast<ApiFamily>(f)));
  EXPECT_EQ(names.size(), kNumFamilies);
  EXPECT_EQ(family_name(ApiFamily::kCrypto), "crypto");
  EXPECT_EQ(family_name(ApiFamily::kOther), "other");
  EXPECT_EQ(static_cast<size_t>(ApiFamily::kOther), kNumFamilies - 1);
}

// The API names of a real Cuckoo data set (MalbehavD, in shared/): nearly all get a family, and
// the name patterns that define a family agree with it.
TEST(ApiFamily, RealDataSetNamesAreClassified) {
  std::ifstream in(std::string(MALSCOPE_SHARED_DIR) + "/data/malbehavd/train.csv");
  if (!in) GTEST_SKIP() << "shared/data/malbehavd/train.csv not found";
  std::set<std::string> apis;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    size_t a = line.find(',', line.find(',') + 1), b = line.find(',', a + 1);
    apis.insert(line.substr(a + 1, b - a - 1));
  }
  ASSERT_GT(apis.size(), 200u);
  std::vector<std::string> other;
  for (const std::string& api : apis) {
    ApiFamily f = api_family(api);
    if (f == ApiFamily::kOther) other.push_back(api);
    if (api.find("Crypt") != std::string::npos) {
      EXPECT_EQ(f, ApiFamily::kCrypto) << api;
    }
    if (api.starts_with("Reg") && !api.starts_with("Register")) {
      EXPECT_EQ(f, ApiFamily::kRegistry) << api;
    }
    if (api.starts_with("Internet") || api.starts_with("WSA") || api.starts_with("Http")) {
      EXPECT_EQ(f, ApiFamily::kNetwork) << api;
    }
    if (api.ends_with("VirtualMemory")) {
      EXPECT_EQ(f, ApiFamily::kMemory) << api;
    }
  }
  std::string list;
  for (const auto& o : other) list += o + " ";
  EXPECT_LE(other.size(), apis.size() / 50) << "unclassified: " << list;
}

}  // namespace
}  // namespace malscope
