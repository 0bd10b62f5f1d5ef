#include <fmt/format.h>
#include <chrono>
#include <cstdio>
#include <optional>

#include "analysis/class_probs.h"
#include "cli/analysis_flags.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "report/report.h"
#include "util/fs.h"
#include "util/output.h"
#include "util/stopwatch.h"

namespace malscope::cli {

void add_report(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, output, cv, class_names, test, attack;
    MinHashOptions minhash;
    AuditOptions audit;
    ProfileOptions profile;
    ReportOptions opt;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->store);
  add_output_option(cmd, a->output, "HTML file to write (- for standard output)");
  cmd->add_option("--cv", a->cv, "CV results JSON from `malscope cv --json-out`")
      ->check(existing_input());
  cmd->add_option("--attack", a->attack, "Attack results JSON from `malscope attack -o`")
      ->check(existing_input());
  add_param_options(cmd, report_params(), a->opt);
  cmd->add_option("--test", a->test,
                  "A test store: a section on its files that are exact or near copies of this "
                  "store's (as `malscope audit TEST --against STORE`)")
      ->check(existing_input());
  add_audit_flags(cmd, a->minhash, a->audit);
  add_class_names_option(cmd, a->class_names);
  cmd->callback([a, &g] {
    auto start = std::chrono::steady_clock::now();
    TraceStore store = TraceStore::open(a->store);
    const std::vector<std::string> names = class_names_for(store, a->class_names);
    a->audit.class_names = a->profile.class_names = names;
    validate(a->minhash);
    validate(a->audit.duplicates, a->minhash.num_hashes);
    std::optional<CvSummary> cv;
    if (!a->cv.empty()) cv = CvSummary::load(a->cv);  // fail before the long pass
    std::optional<AttackResult> attack;
    if (!a->attack.empty()) attack = AttackResult::load(a->attack);
    std::optional<TraceStore> test;
    if (!a->test.empty()) test.emplace(TraceStore::open(a->test));
    FamilyMap families = family_map(store);
    ScanOptions scan;
    scan.progress = g.progress();
    scan.minhash = a->minhash;
    CorpusScan s = scan_corpus(store, families, scan, g.threads);
    Profile profile = build_profile(store, s, a->profile);
    Audit audit = run_audit(store, s, a->audit);
    std::optional<Overlap> overlap;
    if (test)
      overlap = overlap_against(*test, store, a->minhash, a->audit.duplicates, g.threads, &s);
    ReportInputs in{store,
                    families,
                    profile,
                    audit,
                    cv ? &*cv : nullptr,
                    test ? &*test : nullptr,
                    overlap ? &*overlap : nullptr,
                    attack ? &*attack : nullptr};
    std::string html = report_html(in, a->opt);
    write_output(a->output, html);
    double secs = seconds_since(start);
    if (!g.quiet && a->output != "-")
      std::printf("%s\n",
                  fmt::format("wrote {} ({:.1f} MB) in {:.1f}s", a->output, html.size() / 1e6, secs)
                      .c_str());
  });
}

}  // namespace malscope::cli
