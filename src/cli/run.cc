#include <fmt/format.h>
#include <cstdio>

#include "cli/commands.h"
#include "cli/signals.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace malscope::cli {

int run(int argc, char** argv) {
  CLI::App app{
      "malscope: sandbox API-call logs (Tianchi CSV, CAPEv2 / Cuckoo reports) -> trace store, "
      "features, malware-family "
      "verdicts and reports"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "malscope 0.1.0");
  Globals g;
  // Global flags work before or after the sub-command: `malscope info S -j 2`.
  app.fallthrough();
  app.add_option("-j,--threads", g.threads,
                 fmt::format("Worker threads (0 = all cores; at most {})", kMaxThreads))
      ->default_val(0)
      ->check(CLI::Range(0, kMaxThreads));
  app.add_flag("-q,--quiet", g.quiet,
               "Print results only: no progress line, notes or summary lines (errors still show)");
  register_all(app, g);
  remove_temps_on_signals();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "malscope: %s\n", e.what());
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "malscope: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "malscope: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace malscope::cli
