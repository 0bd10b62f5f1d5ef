// libFuzzer target: the store reader on arbitrary bytes (open, every table, every column of
// every chunk, each file's trace). A store may be refused with an Error, never crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "store/store_info.h"
#include "store/trace_store.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/malscope_store_fuzz." + std::to_string(::getpid());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    malscope::TraceStore s = malscope::TraceStore::open(path);
    malscope::describe(s);
    s.class_names();
    s.for_each_file(malscope::kColAll, 1, [&](const malscope::FileTrace& t, int) {
      for (size_t i = 0; i < t.size(); ++i) {
        if (t.api[i] >= s.apis().size()) __builtin_trap();
        s.format_return(t.ret[i]);
      }
      s.find_file(t.id);
    });
  } catch (const malscope::Error&) {
  }
  return 0;
}
