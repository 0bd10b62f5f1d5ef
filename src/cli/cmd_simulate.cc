#include <iostream>

#include "cli/commands.h"
#include "sim/simulator.h"

namespace malscope::cli {

void register_simulate(CLI::App& app, Globals& g) {
  struct Args {
    SimulateOptions opt;
    std::string format = "season1", imbalance = "balanced";
  };
  auto a = std::make_shared<Args>();
  SimulateOptions& o = a->opt;
  auto* cmd = app.add_subcommand(
      "simulate",
      "Write a synthetic Tianchi-format data set (train.csv, test.csv, test_labels.csv) from a "
      "model of per-class program behaviour; deterministic per seed");
  cmd->add_option("-o,--output", o.output_dir, "Directory to write (created if missing)")
      ->required();
  auto* train = cmd->add_option("--train-files", o.train_files, "Train files")
                    ->default_val(o.train_files)
                    ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 31));
  cmd->add_option("--test-files", o.test_files,
                  "Test files (file_ids start again at 0, as in Tianchi); --size leaves it as is")
      ->default_val(o.test_files)
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 31));
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
  cmd->add_option("--mean-calls", o.mean_calls,
                  "Mean API calls per file after the 5,000-per-thread cap (heavy-tailed)")
      ->default_val(o.mean_calls)
      ->check(CLI::Range(20.0, 200000.0));
  cmd->add_option("--size", o.size_bytes,
                  "Choose the number of train files so train.csv is about this big (e.g. 500M, "
                  "14G; K/M/G are powers of 1024); replaces --train-files")
      ->transform(CLI::AsSizeValue(false))
      ->excludes(train);
  cmd->add_option("--repeat-rate", o.repeat_rate,
                  "Share of files that re-run another file of the same label (half exact copies, "
                  "half near copies)")
      ->default_val(o.repeat_rate)
      ->check(CLI::Range(0.0, 0.95));
  cmd->add_option("--id-leak", o.id_leak,
                  "0..1: how strongly file_id order follows the label (0 = shuffled, 1 = sorted "
                  "by label, as leaked in the real competition)")
      ->default_val(o.id_leak)
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--text-returns", o.text_rate,
                  "Share of return values that are not numbers (NULL, 0x1F; not season2)")
      ->default_val(o.text_rate)
      ->check(CLI::Range(0.0, 0.5));
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
