#include "cli/terminal.h"

#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>
#include <cstdlib>

#include "util/progress.h"

namespace malscope::cli {

ProgressFn terminal_progress(bool quiet) {
  if (quiet || !::isatty(2) || std::getenv("MALSCOPE_NO_PROGRESS")) return {};
  return [](const ProgressTick& t) {
    if (t.done) {
      std::fprintf(stderr, "\r\033[K");
      return;
    }
    double rate = t.seconds > 0 ? t.bytes / t.seconds : 0;
    std::string eta;
    if (t.total_bytes > 0 && rate > 0 && t.bytes <= t.total_bytes)
      eta = fmt::format("  ETA {:.0f}s", (t.total_bytes - t.bytes) / rate);
    std::fprintf(stderr, "\r\033[K%s",
                 fmt::format("{}: {}  {}  {}/s{}", t.what, human_count(double(t.items)),
                             human_bytes(double(t.bytes)), human_bytes(rate), eta)
                     .c_str());
    std::fflush(stderr);
  };
}

}  // namespace malscope::cli
