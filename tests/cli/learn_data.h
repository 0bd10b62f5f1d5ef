#pragma once
// A small three-class data set in the season-1 CSV layout for the learning tests: class 0 calls
// common APIs, class 1 adds a rare crypto call and file I/O, class 2 runs several threads with one
// identical sequence. Noise calls keep it from being trivially separable.
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "util/random.h"

namespace malscope::testing_learn {

inline std::string tianchi_csv(int files, uint64_t seed, bool labeled, std::string* labels) {
  static const char* common[] = {"NtClose",          "LdrLoadDll",       "NtOpenKey",
                                 "RegQueryValueExW", "GetSystemMetrics", "NtAllocateVirtualMemory"};
  Rng rng(seed);
  std::string csv = labeled ? "file_id,label,api,tid,return_value,index\n"
                            : "file_id,api,tid,return_value,index\n";
  if (labels) *labels = "file_id,label\n";
  for (int f = 0; f < files; ++f) {
    const int y = f % 3;
    const std::string id = std::to_string(seed * 10000 + uint64_t(f));
    if (labels) *labels += id + "," + std::to_string(y) + "\n";
    auto row = [&](const char* api, int tid, int idx) {
      csv += id + (labeled ? "," + std::to_string(y) : "") + "," + api + "," + std::to_string(tid) +
             ",0," + std::to_string(idx) + "\n";
    };
    const int threads = y == 2 ? 3 + int(rng.below(3)) : 1 + int(rng.below(2));
    for (int t = 0; t < threads; ++t) {
      Rng seq(y == 2 ? seed + uint64_t(f) : rng.next());  // class 2: every thread the same
      const int n = 8 + int(seq.below(12));
      for (int i = 0; i < n; ++i) {
        const char* api = common[seq.below(6)];
        if (y == 1 && seq.below(4) == 0) api = seq.below(2) ? "CryptEncrypt" : "NtWriteFile";
        if (rng.below(20) == 0) api = "NtDelayExecution";  // noise in every class
        row(api, 100 + t, i);
      }
    }
  }
  return csv;
}

/// `csv` (tianchi_csv's labeled layout) with `copies` copies of each of its first `files`
/// files appended: new file_ids, thread ids moved by 1000 per copy, other return values. Each
/// copy is the same trace for trace_key (API sequences per thread).
inline std::string with_copies(const std::string& csv, int files, int copies) {
  std::istringstream in(csv);
  std::string line, out, first_id;
  std::getline(in, line);
  out = line + "\n";
  std::vector<std::vector<std::string>> rows;
  std::set<std::string> ids;
  while (std::getline(in, line)) {
    out += line + "\n";
    std::vector<std::string> f;
    std::istringstream l(line);
    for (std::string x; std::getline(l, x, ',');) f.push_back(x);
    if (ids.count(f[0]) == 0 && ids.size() == size_t(files)) continue;
    ids.insert(f[0]);
    rows.push_back(f);
  }
  for (int c = 1; c <= copies; ++c)
    for (const auto& f : rows)  // file_id,label,api,tid,return_value,index
      out += "9" + std::to_string(c) + f[0] + "," + f[1] + "," + f[2] + "," +
             std::to_string(std::stoi(f[3]) + 1000 * c) + "," + std::to_string(c) + "," + f[5] +
             "\n";
  return out;
}

}  // namespace malscope::testing_learn
