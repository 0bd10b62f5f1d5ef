#include <fmt/format.h>
#include <cstdio>

#include "analysis/audit.h"
#include "cli/analysis_flags.h"
#include "cli/commands.h"
#include "util/fs.h"

namespace malscope::cli {

void register_audit(CLI::App& app, Globals& g) {
  struct Args {
    std::string store, groups_out, class_names;
    MinHashOptions minhash;
    AuditOptions opt;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "audit",
      "Data quality: exact and near-duplicate clusters, label conflicts, leakage through "
      "file_id order, and what duplicates do to a k-fold CV score");
  cmd->add_option("store", a->store, "Trace store")->required();
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->add_option("--groups-out", a->groups_out,
                  "Write the clusters as CV groups (CSV file_id,group) for `malscope cv --groups`");
  cmd->add_option("--top", a->opt.top, "Clusters listed per table")->default_val(a->opt.top);
  add_audit_flags(cmd, a->minhash, a->opt);
  add_class_names_flag(cmd, a->class_names);
  cmd->callback([a, &g] {
    TraceStore store = TraceStore::open(a->store);
    a->opt.class_names = parse_class_names(a->class_names, store.num_classes());
    validate(a->minhash);
    validate(a->opt.duplicates, a->minhash.num_hashes);
    ScanOptions scan;
    scan.api_counts = scan.traits = false;
    scan.minhash = a->minhash;
    CorpusScan s = scan_corpus(store, family_map(store), scan, g.threads);
    Audit audit = run_audit(store, s, a->opt);
    if (!a->groups_out.empty()) write_file_atomic(a->groups_out, groups_csv(store, audit));
    std::string out = a->json ? to_json(audit).dump(2) + "\n" : to_text(audit);
    if (!a->groups_out.empty() && !a->json)
      out += fmt::format("groups written to {}\n", a->groups_out);
    std::fputs(out.c_str(), stdout);
  });
}

}  // namespace malscope::cli
