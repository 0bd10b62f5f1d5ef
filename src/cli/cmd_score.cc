#include <fmt/format.h>
#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/learn_options.h"
#include "serve/score_inputs.h"
#include "util/csv.h"
#include "util/output.h"
#include "util/stopwatch.h"
#include "util/thread_pool.h"

namespace malscope::cli {
namespace {

void append_csv_header(std::string& out, int classes, int reasons) {
  out += "file_id,class";
  for (int c = 0; c < classes; ++c) out += fmt::format(",prob{}", c);
  for (int k = 1; k <= reasons; ++k) out += fmt::format(",reason{}", k);
  out += '\n';
}

void append_csv_row(std::string& out, const Verdict& v, const std::vector<std::string>& names,
                    int reasons) {
  csv_append(out, v.file_id);
  out += ',';
  csv_append(out, names[size_t(v.predicted)]);
  for (double p : v.prob) out += fmt::format(",{}", p);
  for (int k = 0; k < reasons; ++k) {
    out += ',';
    if (size_t(k) < v.reasons.size()) csv_append(out, v.reasons[size_t(k)].text);
  }
  out += '\n';
}

}  // namespace

void add_score(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string model, output = "-", format = "jsonl";
    std::vector<std::string> inputs;
    int reasons = 5;
    bool skip_bad = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("model", a->model, "Model bundle from `malscope train`")
      ->required()
      ->check(existing_input());
  cmd->add_option("input", a->inputs,
                  "Report files (.json, .json.gz), folders of them and list files (.txt, "
                  ".list); or one Tianchi CSV (- for standard input); or one trace store")
      ->required();
  cmd->add_option("-o,--output", a->output, "Where to write the verdicts (- for standard output)")
      ->default_val(a->output);
  cmd->add_option("--format", a->format,
                  "jsonl: one JSON object a trace (file_id, class, label, probs, calls, "
                  "reasons); csv: file_id,class,prob0..prob{K-1},reason1..reasonK")
      ->default_val(a->format)
      ->check(CLI::IsMember({"jsonl", "csv"}));
  cmd->add_option("--reasons", a->reasons, "Reasons per verdict (0: none, faster)")
      ->default_val(a->reasons)
      ->check(CLI::Range(0, 100));
  cmd->add_flag("--skip-bad", a->skip_bad,
                "Skip reports that do not parse (listed on stderr) instead of stopping");
  cmd->callback([a, &g] {
    ensure_passive_openmp();
    auto t0 = std::chrono::steady_clock::now();
    const int threads = default_threads(g.threads);
    std::vector<std::string> inputs = a->inputs;
    inputs.push_back(a->model);
    if (a->output != "-") {
      check_output_file(a->output);
      check_not_input(a->output, inputs);
    }
    const std::string kind = input_kind(a->inputs);
    // A store is scored in one pass with threaded models, reports a unit per worker.
    auto scorer = load_scorer(a->model, kind == "reports" ? 1 : threads);
    const std::vector<std::string>& names = scorer->class_names();
    std::string out;
    const bool csv = a->format == "csv";
    if (csv) append_csv_header(out, scorer->bundle().classes, a->reasons);
    ScoreOptions opt;
    opt.reasons = a->reasons;
    opt.threads = threads;
    opt.skip_bad = a->skip_bad;
    opt.log = g.log();
    size_t n = score_inputs(*scorer, a->inputs, opt, [&](std::vector<Verdict>& vs) {
      for (const Verdict& v : vs) {
        if (csv) {
          append_csv_row(out, v, names, a->reasons);
        } else {
          out +=
              verdict_json(v, names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
          out += '\n';
        }
      }
    });
    write_output(a->output, out);
    if (!g.quiet && a->output != "-")
      std::printf("%s\n", fmt::format("wrote {}: {} traces scored in {:.2f}s", a->output, n,
                                      seconds_since(t0))
                              .c_str());
  });
}

}  // namespace malscope::cli
