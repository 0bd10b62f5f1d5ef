#include <fmt/format.h>
#include <cstdio>
#include <optional>

#include "analysis/audit.h"
#include "analysis/class_probs.h"
#include "analysis/overlap.h"
#include "cli/analysis_flags.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/output.h"
#include "util/text.h"

namespace malscope::cli {

void add_audit(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string store, groups_out, class_names, against, matches_out;
    MinHashOptions minhash;
    AuditOptions opt;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  add_store_arg(cmd, a->store);
  add_json_flag(cmd, a->json);
  cmd->add_option("--groups-out", a->groups_out,
                  "Write the clusters as CV groups (CSV file_id,group) for `malscope cv --groups`");
  add_param_options(cmd, audit_params(), a->opt);
  cmd->add_option("--against", a->against,
                  "Also match every file against this store (e.g. test against train): files "
                  "with an exact or near copy there, and the copies' labels")
      ->check(existing_input());
  cmd->add_option("--matches-out", a->matches_out,
                  "With --against: write the matches as CSV "
                  "(file_id,reference_file_id,similarity,exact,reference_label)");
  add_audit_flags(cmd, a->minhash, a->opt);
  add_class_names_option(cmd, a->class_names);
  cmd->callback([a, &g] {
    if (!a->matches_out.empty() && a->against.empty())
      throw UsageError("--matches-out needs --against");
    TraceStore store = TraceStore::open(a->store);
    a->opt.class_names = class_names_for(store, a->class_names);
    validate(a->minhash);
    validate(a->opt.duplicates, a->minhash.num_hashes);
    ScanOptions scan;
    scan.progress = g.progress();
    scan.api_counts = scan.traits = false;
    scan.minhash = a->minhash;
    CorpusScan s = scan_corpus(store, family_map(store), scan, g.threads);
    Audit audit = run_audit(store, s, a->opt);
    if (!a->groups_out.empty()) write_output(a->groups_out, groups_csv(store, audit));
    std::optional<TraceStore> reference;
    std::optional<Overlap> overlap;
    if (!a->against.empty()) {
      reference.emplace(TraceStore::open(a->against));
      overlap = overlap_against(store, *reference, a->minhash, a->opt.duplicates, g.threads);
      if (!a->matches_out.empty())
        write_output(a->matches_out, matches_csv(*overlap, store, *reference));
    }
    std::string out;
    if (a->json) {
      nlohmann::json j = to_json(audit);
      if (overlap) j["overlap"] = to_json(*overlap, store, *reference);
      out = dump_json(j) + "\n";
    } else {
      out = to_text(audit);
      if (overlap) out += to_text(*overlap);
    }
    if (!a->groups_out.empty() && !a->json && a->groups_out != "-")
      out += fmt::format("groups written to {}\n", a->groups_out);
    if (!a->matches_out.empty() && !a->json && a->matches_out != "-")
      out += fmt::format("matches written to {}\n", a->matches_out);
    std::fputs(out.c_str(), stdout);
  });
}

}  // namespace malscope::cli
