#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "eval/metrics.h"
#include "eval/submission.h"
#include "store/class_names.h"
#include "util/text.h"

namespace malscope::cli {

void add_evaluate(CLI::App* cmd, Globals&) {
  struct Args {
    std::string submission, labels, class_names;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->submission, "Submission CSV (file_id,prob0..prob{K-1})", "submission");
  add_store_arg(cmd, a->labels, "Labels CSV (file_id,label)", "labels");
  add_json_flag(cmd, a->json);
  cmd->add_option("--class-names", a->class_names,
                  "Comma-separated class names by label (default: the Tianchi names, or "
                  "normal,malware for two classes)");
  cmd->callback([a] {
    Submission s = read_submission(a->submission);
    auto labels = read_labels(a->labels);
    Metrics m = compute_metrics(align_labels(s, labels, a->labels), s.pred);
    m.class_names = a->class_names.empty() ? default_class_names(m.classes)
                                           : parse_class_name_list(a->class_names, m.classes);
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
