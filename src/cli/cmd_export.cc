#include <fmt/format.h>
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/terminal.h"
#include "export/call_summary.h"
#include "export/csv_export.h"
#include "util/progress.h"

namespace malscope::cli {

void add_export(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, dir, format = "split";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("store", a->store, "Trace store")->required();
  cmd->add_option("-o,--output", a->dir,
                  "split: output folder (created if needed); csv: the CSV file, - for standard "
                  "output")
      ->required();
  cmd->add_option("--format", a->format,
                  "split: DIR/<label>/<file_id>.csv; csv: one Tianchi CSV "
                  "(file_id[,label],api,tid[,return_value],index), whatever the store was "
                  "made from")
      ->default_val(a->format)
      ->check(CLI::IsMember({"split", "csv"}));
  cmd->callback([a, &g] {
    const TraceStore store = TraceStore::open(a->store);
    if (a->format == "csv") {
      const bool out = a->dir == "-";
      ExportStats s = export_tianchi_csv(
          store, a->dir, {.threads = g.threads, .progress = terminal_progress(out || g.quiet)});
      if (!out && !g.quiet)
        std::printf("%s\n", fmt::format("wrote {} files, {} rows, {} to {}", s.files, s.rows,
                                        human_bytes(s.bytes), a->dir)
                                .c_str());
      return;
    }
    ExportStats s = export_csv(store, a->dir, {.threads = g.threads, .progress = g.progress()});
    if (!g.quiet)
      std::printf("%s\n", fmt::format("wrote {} files, {} rows, {} to {}/", s.files, s.rows,
                                      human_bytes(s.bytes), a->dir)
                              .c_str());
  });
}

void add_summary(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, dir;
    uint32_t top = 0;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->store);
  add_output_option(cmd, a->dir, "Output folder: files.csv and classes.csv");
  cmd->add_option("--top", a->top, "Rows kept per file: its N most frequent calls (0 = all)")
      ->default_val(0);
  cmd->callback([a, &g] {
    SummaryStats s = write_summary(TraceStore::open(a->store), a->dir,
                                   {.threads = g.threads, .top = a->top, .progress = g.progress()});
    if (!g.quiet)
      std::printf("%s\n",
                  fmt::format("{} files: {} rows in {}/files.csv, {} rows in {}/classes.csv",
                              s.files, s.file_rows, a->dir, s.class_rows, a->dir)
                      .c_str());
  });
}

}  // namespace malscope::cli
