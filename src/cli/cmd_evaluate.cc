#include <cstdio>

#include "cli/commands.h"
#include "eval/metrics.h"
#include "eval/submission.h"
#include "util/text.h"

namespace malscope::cli {

void register_evaluate(CLI::App& app, Globals&) {
  struct Args {
    std::string submission, labels;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd =
      app.add_subcommand("evaluate",
                         "Score a submission against true labels: logloss (plain and Tianchi), "
                         "accuracy, macro-F1, per class, class-0-vs-k pairs, confusion matrix");
  cmd->add_option("submission", a->submission, "Submission CSV (file_id,prob0..prob{K-1})")
      ->required();
  cmd->add_option("labels", a->labels, "Labels CSV (file_id,label)")->required();
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a] {
    Submission s = read_submission(a->submission);
    auto labels = read_labels(a->labels);
    Metrics m = compute_metrics(align_labels(s, labels, a->labels), s.pred);
    if (a->json) {
      nlohmann::json j = {{"files", m.files},           {"classes", m.classes},
                          {"metrics", overall_json(m)}, {"per_class", per_class_json(m)},
                          {"pairs", pairs_json(m)},     {"confusion", m.confusion}};
      std::printf("%s\n", dump_json(j).c_str());
    } else {
      std::fputs(metrics_text(m).c_str(), stdout);
    }
  });
}

}  // namespace malscope::cli
