#include <iostream>

#include "cli/commands.h"
#include "cli/param_options.h"
#include "sim/simulator.h"

namespace malscope::cli {

void add_simulate(CLI::App* cmd, Globals& g) {
  struct Args {
    SimulateOptions opt;
    std::string format = "season1", imbalance = "balanced";
  };
  auto a = std::make_shared<Args>();
  SimulateOptions& o = a->opt;
  cmd->add_option("-o,--output", o.output_dir, "Directory to write (created if missing)")
      ->required();
  auto* train = cmd->add_option("--train-files", o.train_files, "Train files")
                    ->default_val(o.train_files)
                    ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 31));
  cmd->add_option("--seed", o.seed, "Random seed: the same seed gives the same bytes")
      ->default_val(o.seed);
  cmd->add_option("--classes", o.classes,
                  "6: season-1 classes (normal, ransomware, miner, DDoS, worm, virus); 8: adds "
                  "backdoor and trojan (season 2)")
      ->default_val(o.classes)
      ->check(CLI::IsMember({6, 8}));
  cmd->add_option("--format", a->format,
                  "season1: file_id,label,api,tid,return_value,index; season2: no return_value; "
                  "cape, cuckoo: folders train/ and test/ of sandbox report.json files, "
                  "labels.csv (sha256,class name) and test_labels.csv")
      ->default_val(a->format)
      ->check(CLI::IsMember({"season1", "season2", "cape", "cuckoo"}));
  cmd->add_flag("--gzip", o.gzip, "Reports: write .json.gz");
  cmd->add_option("--empty-reports", o.empty_reports,
                  "Reports with no behaviour per split (default: 1 + files / 500)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--imbalance", a->imbalance,
                  "balanced: mild imbalance, normal largest; season1: the real proportions "
                  "(95.6% normal, 53 worms in 116,624)")
      ->default_val(a->imbalance)
      ->check(CLI::IsMember({"balanced", "season1"}));
  cmd->add_option("--size", o.size_bytes,
                  "Choose the number of train files so train.csv is about this big (e.g. 500M, "
                  "14G; K/M/G are powers of 1024); replaces --train-files")
      ->transform(CLI::AsSizeValue(false))
      ->excludes(train);
  add_param_options(cmd, simulate_params(), a->opt);
  cmd->callback([a, &g] {
    SimulateOptions opt = a->opt;
    opt.format = a->format == "season2"  ? SimFormat::kSeason2
                 : a->format == "cape"   ? SimFormat::kCape
                 : a->format == "cuckoo" ? SimFormat::kCuckoo
                                         : SimFormat::kSeason1;
    opt.imbalance =
        a->imbalance == "season1" ? sim::Imbalance::kSeason1 : sim::Imbalance::kBalanced;
    opt.threads = g.threads;
    opt.progress = g.progress();
    simulate(opt, g.quiet ? nullptr : &std::cout);
  });
}

}  // namespace malscope::cli
