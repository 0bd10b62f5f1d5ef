#include "sim/report_writer.h"

#include <algorithm>
#include <array>

#include "io/api_family.h"
#include "sim/api_catalog.h"
#include "sim/json_text.h"

namespace malscope::sim {
namespace {

constexpr uint64_t kProcessTag = 0x70726f63ULL, kTimeTag = 0x74696d65ULL, kArgTag = 0x61726773ULL;

constexpr std::array<std::string_view, 6> kChildNames = {
    "cmd.exe", "svchost.exe", "rundll32.exe", "powershell.exe", "conhost.exe", "regsvr32.exe"};
constexpr std::array<std::string_view, 8> kFiles = {
    "C:\\\\Users\\\\user\\\\AppData\\\\Local\\\\Temp\\\\~DF1A2B.tmp",
    "C:\\\\Windows\\\\System32\\\\kernel32.dll",
    "C:\\\\Users\\\\user\\\\Documents\\\\report.docx",
    "C:\\\\Windows\\\\System32\\\\drivers\\\\etc\\\\hosts",
    "C:\\\\Users\\\\user\\\\AppData\\\\Roaming\\\\Microsoft\\\\Windows\\\\Start Menu",
    "C:\\\\ProgramData\\\\svc\\\\config.ini",
    "C:\\\\Users\\\\user\\\\Desktop\\\\photo.jpg",
    "\\\\??\\\\PhysicalDrive0"};
constexpr std::array<std::string_view, 6> kKeys = {
    "HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run",
    "HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Explorer",
    "HKEY_LOCAL_MACHINE\\\\SYSTEM\\\\ControlSet001\\\\Control\\\\Nls\\\\Locale",
    "HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\Microsoft\\\\Cryptography\\\\MachineGuid",
    "HKEY_CURRENT_USER\\\\Control Panel\\\\International",
    "HKEY_LOCAL_MACHINE\\\\SOFTWARE\\\\Policies\\\\Microsoft\\\\Windows\\\\System"};
constexpr std::array<std::string_view, 6> kModules = {"kernel32.dll", "ntdll.dll",  "advapi32.dll",
                                                      "user32.dll",   "ws2_32.dll", "crypt32.dll"};

// One row of a process's log, in time order.
struct Logged {
  uint64_t ms;
  uint32_t thread;  // FileCalls thread number
  uint32_t row;     // FileCalls row
};

// The process's calls interleaved as a sandbox logs them: each thread starts at its own time
// and advances 0-4 ms a call; ties go to the lower thread number, then the earlier row.
std::vector<Logged> interleave(const FileCalls& calls, const SimProcess& p, uint64_t start,
                               uint64_t key) {
  Rng rng(derive_key(key, kTimeTag ^ p.pid));
  std::vector<Logged> rows;
  uint64_t span = 1;
  for (uint32_t k : p.threads) span += calls.thread_begin[k + 1] - calls.thread_begin[k];
  for (size_t n = 0; n < p.threads.size(); ++n) {
    const uint32_t k = p.threads[n];
    uint64_t ms =
        start + (n == 0 ? 0 : rng.below(static_cast<uint32_t>(std::min<uint64_t>(span, 1u << 30))));
    for (uint32_t i = calls.thread_begin[k]; i < calls.thread_begin[k + 1]; ++i) {
      rows.push_back({ms, k, i});
      static constexpr uint8_t kStep[8] = {0, 0, 0, 1, 1, 1, 2, 4};
      ms += kStep[rng.next() & 7];
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Logged& a, const Logged& b) {
    return a.ms != b.ms ? a.ms < b.ms : a.thread != b.thread ? a.thread < b.thread : a.row < b.row;
  });
  return rows;
}

std::string_view cape_category(ApiFamily f) {
  switch (f) {
    case ApiFamily::kCrypto:
      return "crypto";
    case ApiFamily::kNetwork:
      return "network";
    case ApiFamily::kFile:
      return "filesystem";
    case ApiFamily::kRegistry:
      return "registry";
    case ApiFamily::kProcess:
    case ApiFamily::kMemory:
      return "process";
    case ApiFamily::kService:
      return "services";
    case ApiFamily::kUi:
      return "windows";
    case ApiFamily::kCom:
      return "com";
    case ApiFamily::kSync:
      return "synchronization";
    case ApiFamily::kModule:
    case ApiFamily::kSystem:
      return "system";
    case ApiFamily::kOther:
      break;
  }
  return "misc";
}

std::string_view cuckoo_category(ApiFamily f) {
  switch (f) {
    case ApiFamily::kFile:
      return "file";
    case ApiFamily::kSync:
      return "synchronisation";
    case ApiFamily::kUi:
      return "ui";
    case ApiFamily::kCom:
      return "ole";
    case ApiFamily::kModule:
      return "system";
    default:
      return cape_category(f);
  }
}

// A call's arguments, by family: names as the sandbox's monitor gives them, values from `h`.
void arguments(JsonText& o, ReportShape shape, ApiFamily f, uint64_t h) {
  const bool cape = shape == ReportShape::kCape;
  struct Arg {
    std::string_view cape, cuckoo;
    int kind;  // 0 handle, 1 file, 2 key, 3 module, 4 size
  };
  static constexpr Arg kFileArgs[] = {{"FileHandle", "file_handle", 0},
                                      {"FileName", "filepath", 1}};
  static constexpr Arg kKeyArgs[] = {{"KeyHandle", "key_handle", 0}, {"FullName", "regkey", 2}};
  static constexpr Arg kModArgs[] = {{"ModuleName", "module_name", 3},
                                     {"ModuleHandle", "module_address", 0}};
  static constexpr Arg kMemArgs[] = {{"ProcessHandle", "process_handle", 0},
                                     {"BaseAddress", "base_address", 0},
                                     {"RegionSize", "region_size", 4}};
  static constexpr Arg kHandle[] = {{"Handle", "handle", 0}};
  std::span<const Arg> args;
  switch (f) {
    case ApiFamily::kFile:
      args = kFileArgs;
      break;
    case ApiFamily::kRegistry:
      args = kKeyArgs;
      break;
    case ApiFamily::kModule:
      args = kModArgs;
      break;
    case ApiFamily::kMemory:
      args = kMemArgs;
      break;
    case ApiFamily::kSystem:
    case ApiFamily::kUi:
      args = {};
      break;
    default:
      args = kHandle;
      break;
  }
  o.raw(cape ? "\"arguments\": [" : "\"arguments\": {");
  for (size_t a = 0; a < args.size(); ++a) {
    if (a) o.raw(", ");
    if (cape)
      o.raw("{\"name\": ").str(args[a].cape).raw(", \"value\": ");
    else
      o.str(args[a].cuckoo).raw(": ");
    uint64_t v = mix64(h + a);
    switch (args[a].kind) {
      case 0:
        o.hex(4 * (25 + v % 600), 8);
        break;
      case 1:
        o.str(kFiles[v % kFiles.size()]);
        break;
      case 2:
        o.str(kKeys[v % kKeys.size()]);
        break;
      case 3:
        o.str(kModules[v % kModules.size()]);
        break;
      default:
        o.hex(4096u << (v % 6), 8);
        break;
    }
    if (cape) o.raw("}");
  }
  o.raw(cape ? "]" : "}");
}

void return_value(JsonText& o, ReportShape shape, int64_t v) {
  if (ret_is_text(v)) {
    o.str(ret_text(v));
  } else if (shape == ReportShape::kCuckoo) {
    o.num(v);  // a 64-bit process: integers stay signed (netlog's default_converter_64bit)
  } else if (v >= 0 && v <= 0xFFFFFFFFLL) {
    o.hex(static_cast<uint64_t>(v), 8);
  } else {
    o.hex(static_cast<uint64_t>(v), 16);  // high bits set: CAPE writes 16 digits
  }
}

void write_calls(JsonText& o, ReportShape shape, const ReportHead& head, const FileCalls& calls,
                 const std::vector<Logged>& log) {
  const ApiCatalog& cat = ApiCatalog::get();
  const bool cape = shape == ReportShape::kCape;
  o.raw("\"calls\": [");
  uint64_t id = 0;
  for (size_t r = 0; r < log.size();) {
    const Logged& c = log[r];
    const uint16_t api = calls.api[c.row];
    const int64_t ret = calls.ret.empty() ? 0 : calls.ret[c.row];
    // CAPE folds consecutive log entries of a thread with the same call and outcome.
    size_t same = 1;
    if (cape)
      while (r + same < log.size() && log[r + same].thread == c.thread &&
             calls.api[log[r + same].row] == api &&
             (calls.ret.empty() || calls.ret[log[r + same].row] == ret))
        ++same;
    const ApiInfo& info = cat[api];
    const uint64_t h = derive_key(head.key, kArgTag + c.row);
    const bool ok = ret != info.err;
    o.raw(id ? ", {" : "{");
    if (cape) {
      o.raw("\"timestamp\": ").cape_time(c.ms).raw(", \"thread_id\": \"");
      o.unum(calls.tid[c.thread]).raw("\", \"caller\": ").hex(0x00401000 + (h & 0xFFFF), 8);
      o.raw(", \"parentcaller\": ").hex(0x77000000 + ((h >> 16) & 0xFFFFF), 8);
      o.raw(", \"category\": ").str(cape_category(info.family)).raw(", \"api\": ").str(info.name);
      o.raw(ok ? ", \"status\": true, \"return\": " : ", \"status\": false, \"return\": ");
      return_value(o, shape, ret);
      o.raw(", ");
      arguments(o, shape, info.family, h);
      o.raw(", \"repeated\": ").unum(same - 1).raw(", \"id\": ").unum(id).raw("}");
    } else {
      o.raw("\"category\": ").str(cuckoo_category(info.family));
      o.raw(ok ? ", \"status\": 1, \"stacktrace\": [], \"api\": "
               : ", \"status\": 0, \"stacktrace\": [], \"api\": ");
      o.str(info.name).raw(", \"return_value\": ");
      return_value(o, shape, ret);
      o.raw(", ");
      arguments(o, shape, info.family, h);
      o.raw(", \"time\": ").epoch(c.ms).raw(", \"tid\": ").unum(calls.tid[c.thread]);
      o.raw(", \"flags\": {}}");
    }
    ++id;
    r += same;
  }
  o.raw("]");
}

// Milliseconds since 1970 at which the analysis starts: a day in 2024 by the key.
uint64_t start_ms(uint64_t key) {
  return (1704067200ULL + (key % (300 * 86400ULL))) * 1000;
}

void write_head(JsonText& o, ReportShape shape, const ReportHead& head) {
  const bool cape = shape == ReportShape::kCape;
  const uint64_t t0 = start_ms(head.key);
  o.raw("{\"info\": {\"version\": ").str(cape ? "2.4-CAPE" : "2.0.7");
  o.raw(", \"started\": ");
  if (cape)
    o.cape_time(t0);
  else
    o.epoch(t0);
  o.raw(", \"duration\": 120, \"id\": ").unum(head.task_id);
  o.raw(
      ", \"category\": \"file\", \"package\": \"exe\", \"machine\": {\"name\": \"win10\", "
      "\"manager\": \"KVM\"}}, ");
  o.raw("\"target\": {\"category\": \"file\", \"file\": {\"name\": ")
      .str(head.sha256.substr(0, 16) + ".exe");
  o.raw(", \"size\": ").unum(40960 + head.key % 2000000).raw(", \"md5\": ").str(head.md5);
  o.raw(", \"sha256\": ").str(head.sha256);
  o.raw(", \"type\": \"PE32 executable (GUI) Intel 80386, for MS Windows\"}}, ");
}

void write_tail(JsonText& o) {
  o.raw(
      ", \"network\": {\"hosts\": [], \"domains\": [], \"http\": []}, \"signatures\": [], "
      "\"malscore\": 0.0}\n");
}

std::string image_path(std::string_view name) {
  return "C:\\\\Users\\\\user\\\\AppData\\\\Local\\\\Temp\\\\" + std::string(name);
}

void write_process(JsonText& o, ReportShape shape, const ReportHead& head, const FileCalls& calls,
                   const SimProcess& p, uint64_t first_ms) {
  const std::vector<Logged> log = interleave(calls, p, first_ms, head.key);
  const std::string path = image_path(p.name);
  if (shape == ReportShape::kCape) {
    o.raw("{\"process_id\": ").unum(p.pid).raw(", \"process_name\": ").str(p.name);
    o.raw(", \"parent_id\": ").unum(p.ppid).raw(", \"module_path\": ").str(path);
    o.raw(", \"first_seen\": ").cape_time(first_ms).raw(", ");
    write_calls(o, shape, head, calls, log);
    o.raw(", \"threads\": [");
    for (size_t n = 0; n < p.threads.size(); ++n)
      o.raw(n ? ", \"" : "\"").unum(calls.tid[p.threads[n]]).raw("\"");
    o.raw("], \"environ\": {\"UserName\": \"user\", \"ComputerName\": \"WIN10\", \"CommandLine\": ")
        .str(path)
        .raw("}}");
  } else {
    o.raw("{\"type\": \"process\", \"tid\": ").unum(calls.tid[p.threads[0]]);
    o.raw(", \"time\": 0, \"pid\": ").unum(p.pid).raw(", \"ppid\": ").unum(p.ppid);
    o.raw(", \"first_seen\": ").epoch(first_ms).raw(", \"process_path\": ").str(path);
    o.raw(", \"process_name\": ").str(p.name).raw(", \"command_line\": ").str(path);
    o.raw(", \"track\": true, \"modules\": [], ");
    write_calls(o, shape, head, calls, log);
    o.raw("}");
  }
}

void write_tree(JsonText& o, ReportShape shape, const std::vector<SimProcess>& ps) {
  const bool cape = shape == ReportShape::kCape;
  o.raw("\"processtree\": [");
  for (size_t i = 0; i < ps.size(); ++i) {
    if (i > 1) o.raw(", ");
    if (i == 1) o.raw("\"children\": [");
    o.raw(cape ? "{\"name\": " : "{\"process_name\": ").str(ps[i].name);
    o.raw(", \"pid\": ")
        .unum(ps[i].pid)
        .raw(cape ? ", \"parent_id\": " : ", \"ppid\": ")
        .unum(ps[i].ppid);
    o.raw(i == 0 ? ", " : ", \"children\": []}");
  }
  if (ps.size() > 1)
    o.raw("]}");
  else if (!ps.empty())
    o.raw("\"children\": []}");
  o.raw("]");
}

}  // namespace

std::string fake_digest(uint64_t key, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint64_t word = 0; static_cast<int>(s.size()) < digits; ++word) {
    uint64_t v = mix64(key ^ mix64(word + 0x5eed));
    for (int i = 0; i < 16 && static_cast<int>(s.size()) < digits; ++i, v >>= 4) s += kHex[v & 15];
  }
  return s;
}

std::vector<SimProcess> plan_processes(const FilePlan& plan, const FileCalls& calls, int label,
                                       uint64_t key) {
  Rng rng(derive_key(key, kProcessTag));
  // FileCalls has the plan's threads in tid order.
  std::vector<uint32_t> order(plan.threads.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return plan.threads[a].tid < plan.threads[b].tid; });
  const bool malware = label != 0;
  const bool workers_apart = rng.chance(malware ? 0.4 : 0.15);
  const bool helpers_apart = rng.chance(malware ? 0.2 : 0.05);
  std::vector<uint32_t> pids;
  while (pids.size() < 3) {
    uint32_t p = 4 * static_cast<uint32_t>(rng.range(100, 2400));
    if (std::find(pids.begin(), pids.end(), p) == pids.end()) pids.push_back(p);
  }
  const uint32_t parent = 4 * static_cast<uint32_t>(rng.range(50, 99));  // explorer.exe
  std::vector<SimProcess> ps(3);
  ps[0] = {pids[0], parent, "sample.exe", {}};
  ps[1] = {pids[1], pids[0], kChildNames[rng.below(kChildNames.size())], {}};
  ps[2] = {pids[2], pids[0], kChildNames[rng.below(kChildNames.size())], {}};
  for (uint32_t k = 0; k < calls.threads() && k < order.size(); ++k) {
    ThreadRole role = plan.threads[order[k]].role;
    int p = role == ThreadRole::kWorker && workers_apart   ? 1
            : role == ThreadRole::kHelper && helpers_apart ? 2
                                                           : 0;
    ps[p].threads.push_back(k);
  }
  // A process is its main thread's: a child with no thread of its own is not listed; the
  // sample's process without one (all its threads elsewhere) takes the first child's.
  if (ps[0].threads.empty()) {
    for (int p : {1, 2})
      if (!ps[p].threads.empty()) {
        ps[0].threads = std::move(ps[p].threads);
        ps[p].threads.clear();
        break;
      }
  }
  std::vector<SimProcess> out;
  for (SimProcess& p : ps)
    if (!p.threads.empty()) out.push_back(std::move(p));
  return out;
}

void write_report(std::string& out, ReportShape shape, const ReportHead& head,
                  const FileCalls& calls, const std::vector<SimProcess>& processes) {
  JsonText o(out);
  write_head(o, shape, head);
  o.raw("\"behavior\": {\"processes\": [");
  uint64_t ms = start_ms(head.key) + 2000;
  for (size_t i = 0; i < processes.size(); ++i) {
    if (i) o.raw(", ");
    write_process(o, shape, head, calls, processes[i], ms + 700 * i);
  }
  o.raw("], ");
  write_tree(o, shape, processes);
  o.raw(shape == ReportShape::kCape
            ? ", \"summary\": {\"files\": [], \"keys\": [], \"mutexes\": [], "
              "\"executed_commands\": [], \"resolved_apis\": []}}"
            : "}");
  write_tail(o);
}

void write_empty_report(std::string& out, ReportShape shape, const ReportHead& head, int kind) {
  JsonText o(out);
  write_head(o, shape, head);
  if (shape == ReportShape::kCape) {
    o.raw(kind == 0 ? "\"behavior\": {\"processes\": [], \"processtree\": [], \"summary\": "
                      "{\"files\": [], \"keys\": [], \"mutexes\": []}}"
                    : "\"behavior\": {\"processes\": []}");
  } else if (kind == 0) {
    o.raw("\"behavior\": {}");
  } else {
    o.raw(
        "\"behavior\": {\"processes\": [{\"pid\": 2204, \"ppid\": 1204, \"process_name\": "
        "\"sample.exe\", \"track\": true, \"calls\": []}]}");
  }
  write_tail(o);
}

}  // namespace malscope::sim
