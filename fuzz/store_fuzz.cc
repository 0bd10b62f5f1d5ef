// libFuzzer target: the store reader on arbitrary bytes (open, every table, every column of
// every chunk, each file's trace). A store may be refused with an Error, never crash.
// Most mutations would stop at the file-size or checksum test (the checksum is unkeyed: a crafted
// store passes it too), so the target sets both for whatever the mutation made: the tables, the
// dictionaries and the column frames behind them are what gets fuzzed.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "store/format.h"
#include "store/store_info.h"
#include "store/store_writer.h"
#include "store/trace_store.h"
#include "util/error.h"

namespace {

bool in_file(const malscope::store::Section& s, size_t size) {
  return s.offset <= size && s.size <= size - s.offset;
}

// Makes the header's file size and checksum agree with the bytes, when its sections are in bounds.
void fix_header(std::string& bytes) {
  using malscope::store::Header;
  if (bytes.size() < sizeof(Header)) return;
  Header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  for (const auto* s : {&h.apis, &h.ret_strings, &h.file_ids, &h.files, &h.chunks, &h.meta})
    if (!in_file(*s, bytes.size())) return;
  if (h.file_size != 0) h.file_size = bytes.size();  // 0 is the interrupted-ingest mark: keep it
  h.meta_checksum = malscope::store::meta_checksum(bytes.data(), h);
  std::memcpy(bytes.data(), &h, sizeof h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // tmpfs when there is one: truncating a file on a disk file system costs more than the run.
  static const std::string path =
      std::string(::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/malscope_store_fuzz." +
      std::to_string(::getpid());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  fix_header(bytes);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
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
