#include <fmt/format.h>
#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/learn_options.h"
#include "eval/metrics.h"
#include "eval/submission.h"
#include "models/bundle.h"
#include "store/trace_store.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/output.h"
#include "util/stopwatch.h"
#include "util/thread_pool.h"

namespace malscope::cli {

void add_predict(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string model, store, output;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("model", a->model, "Model bundle from `malscope train`")
      ->required()
      ->check(existing_input());
  add_store_arg(cmd, a->store, "Trace store to predict (labels, if any, are not used)");
  add_output_option(cmd, a->output, "Submission CSV to write (- for standard output)");
  cmd->callback([a, &g] {
    ensure_passive_openmp();
    auto t0 = std::chrono::steady_clock::now();
    const int threads = default_threads(g.threads);
    std::vector<std::string> inputs = {a->model, a->store};
    check_not_input(a->output, inputs);
    Bundle b = load_bundle(read_file(a->model), a->model, {0, threads});
    // The store is read with the API names the model was trained on: canonical names are folded
    // on the fly from an as-is store; a canonical store cannot serve an as-is model (Error).
    const ApiNaming names =
        parse_api_naming(b.info.value("api_names", "as-is"), a->model + ": api_names");
    TraceStore store = TraceStore::open(a->store, names);
    if (!g.quiet && store.meta().value("api_names", "as-is") != api_naming_name(names))
      std::fprintf(
          stderr, "malscope: %s\n",
          fmt::format("{}: API names folded to canonical, as the model was trained", a->store)
              .c_str());
    Sketches s = read_sketches(store, b.feature_config(), threads, g.quiet);
    Predictions p = b.predict(s);
    std::vector<std::string> ids;
    ids.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) ids.push_back(s.file_id(i));
    write_submission(a->output, ids, p);
    if (!g.quiet && a->output != "-")
      std::printf("%s\n", fmt::format("wrote {}: {} files x {} classes in {:.1f}s", a->output,
                                      ids.size(), p.classes, seconds_since(t0))
                              .c_str());
  });
}

}  // namespace malscope::cli
