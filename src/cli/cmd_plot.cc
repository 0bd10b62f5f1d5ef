#include <fmt/format.h>
#include <cstdio>

#include "analysis/class_probs.h"
#include "cli/analysis_flags.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "report/plot_page.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/output.h"

namespace malscope::cli {

void add_plot(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, output, class_names;
    std::vector<std::string> files;
    PlotPageOptions opt;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->store);
  cmd->add_option(
         "--file", a->files,
         fmt::format("file_id to plot; repeat for up to {} samples side by side", kMaxPlotSamples))
      ->required();
  add_output_option(cmd, a->output, "HTML page to write (- for standard output)");
  add_param_options(cmd, plot_page_params(), a->opt);
  add_class_names_option(cmd, a->class_names);
  cmd->callback([a, &g] {
    if (a->files.size() > kMaxPlotSamples)
      throw UsageError(
          fmt::format("plot takes at most {} --file (each 3-D plot needs a WebGL "
                      "context), got {}",
                      kMaxPlotSamples, a->files.size()));
    TraceStore store = TraceStore::open(a->store);
    a->opt.class_names = class_names_for(store, a->class_names);
    std::vector<uint32_t> files;
    for (const std::string& id : a->files) {
      std::optional<uint32_t> f = store.find_file(id);
      if (!f) throw Error(fmt::format("file_id '{}' is not in {}", id, a->store));
      files.push_back(*f);
    }
    std::string html = plot_page(store, family_map(store), files, a->opt);
    write_output(a->output, html);
    if (!g.quiet && a->output != "-")
      std::printf("%s\n",
                  fmt::format("wrote {} ({:.1f} MB)", a->output, html.size() / 1e6).c_str());
  });
}

}  // namespace malscope::cli
