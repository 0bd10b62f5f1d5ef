#include <fmt/format.h>
#include <cstdio>

#include "cli/commands.h"
#include "store/ingest.h"
#include "util/progress.h"

namespace malscope::cli {

void register_ingest(CLI::App& app, Globals& g) {
  struct Args {
    std::string input, output;
    IngestOptions opt;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd =
      app.add_subcommand("ingest", "Read a Tianchi-format CSV (or - for stdin) into a trace store");
  cmd->add_option("input", a->input,
                  "CSV file, or - for standard input (e.g. `unzip -p train.zip | malscope ingest - "
                  "-o train.store`)")
      ->required();
  cmd->add_option("-o,--output", a->output, "Store to write")->required();
  cmd->add_flag("--skip-bad-rows", a->opt.skip_bad_rows,
                "Skip rows that do not parse (counted, the first few printed) instead of stopping");
  cmd->add_option("--chunk-rows", a->opt.chunk_rows, "Target rows per chunk")
      ->default_val(a->opt.chunk_rows)
      ->check(CLI::Range(1u << 10, 1u << 28));
  cmd->add_flag("-q,--quiet", a->quiet, "Print nothing on success");
  cmd->callback([a, &g] {
    a->opt.threads = g.threads;
    IngestStats s = ingest_csv(a->input, a->output, a->opt);
    if (a->quiet) return;
    std::printf("%s\n", fmt::format("ingested {} rows, {} files from {} in {:.2f}s ({}/s) -> {}",
                                    s.rows, s.files, human_bytes(s.bytes), s.seconds,
                                    human_bytes(s.bytes / s.seconds), a->output)
                            .c_str());
    if (s.bad_rows)
      std::printf("skipped %llu bad rows\n", static_cast<unsigned long long>(s.bad_rows));
  });
}

}  // namespace malscope::cli
