// libFuzzer target: the CSV reader on arbitrary bytes. The first line is the header (any
// columns); the rest is parsed as one block in both modes, strict and skipping bad rows.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "io/csv_parser.h"
#include "io/csv_schema.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  malscope::CsvSchema schema;
  try {
    schema = malscope::CsvSchema::from_header(in.substr(0, nl), "fuzz");
  } catch (const malscope::Error&) {
    // A bad header: parse the body as season 1 instead, so every input reaches the parser.
    schema = malscope::CsvSchema::from_header("file_id,label,api,tid,return_value,index", "fuzz");
  }
  std::string body(in.substr(nl + 1));
  if (body.empty() || body.back() != '\n') body += '\n';  // blocks end with a line end
  for (bool skip : {false, true}) {
    malscope::TraceBatch b = malscope::parse_block(body, schema, skip);
    // Invariants every batch must hold for the store builder.
    for (const auto& f : b.files)
      if (f.row_begin > f.row_end || f.row_end > b.rows()) __builtin_trap();
    for (size_t i = 0; i < b.rows(); ++i) {
      if (b.api[i] >= b.apis.size()) __builtin_trap();
      if (malscope::ret_is_string(b.ret[i]) &&
          malscope::ret_string_id(b.ret[i]) >= b.ret_strings.size())
        __builtin_trap();
    }
  }
  return 0;
}
