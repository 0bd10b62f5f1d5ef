#include "eval/attack.h"

#include <fmt/format.h>
#include <cmath>
#include <numeric>

#include "models/predictions.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/json_reader.h"

namespace malscope {
namespace {

AttackFigures figures(const Predictions& p, size_t first, std::span<const int32_t> labels) {
  AttackFigures f;
  Predictions part{p.classes,
                   std::vector<double>(p.prob.begin() + first * p.classes,
                                       p.prob.begin() + (first + labels.size()) * p.classes)};
  size_t detected = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    detected += argmax(part.row(i)) != 0;
    f.p_benign += part.row(i)[0];
  }
  f.detection = double(detected) / double(labels.size());
  f.p_benign /= double(labels.size());
  f.logloss = logloss(labels, part);
  return f;
}

nlohmann::json figures_json(const AttackFigures& f) {
  return {{"detection", f.detection}, {"logloss", f.logloss}, {"p_benign", f.p_benign}};
}

}  // namespace

uint64_t injection_seed(uint64_t seed, uint32_t file, uint64_t attack) {
  return derive_key(derive_key(seed, file), attack);
}

AttackResult run_attack(const Bundle& bundle, const TraceStore& store, const TraceStore* donors,
                        const AttackOptions& opt) {
  if (!store.labeled()) throw Error(fmt::format("{}: attack needs a labelled store", store.path()));
  if (store.num_classes() > bundle.classes)
    throw Error(fmt::format("{} has {} classes, the model knows {}", store.path(),
                            store.num_classes(), bundle.classes));
  AttackResult r;
  r.store = store.path();
  r.donors = donors ? donors->path() : "";
  r.seed = opt.seed;
  r.files = store.num_files();
  std::vector<uint32_t> malware, benign;
  for (uint32_t f = 0; f < store.num_files(); ++f) {
    if (store.label(f) > 0) malware.push_back(f);
    if (store.label(f) == 0) benign.push_back(f);
  }
  if (malware.empty()) throw Error(fmt::format("{} has no malware files to attack", store.path()));
  DonorPool pool(store.apis(), store.has_return_value());
  if (donors) {
    std::vector<uint32_t> all(donors->num_files());
    std::iota(all.begin(), all.end(), 0u);
    pool.add(*donors, all, opt.threads);
  } else {
    pool.add(store, benign, opt.threads);
  }
  std::vector<uint32_t> allowed;
  for (uint32_t d = 0; d < pool.size(); ++d)
    if (!pool.api(d).empty()) allowed.push_back(d);  // a donor without calls injects nothing
  r.malware_files = malware.size();
  r.donor_files = allowed.size();
  for (uint16_t a : pool.noop_apis()) r.noop_apis.push_back(pool.api_names()[a]);

  // Class-0 files are attacked too: a model that reads injection itself as malware raises
  // false alarms on benign software, which detection alone would not show.
  std::vector<uint32_t> targets = malware;
  targets.insert(targets.end(), benign.begin(), benign.end());
  std::vector<InjectionJob> jobs;
  for (size_t a = 0; a < opt.attacks.size(); ++a)
    for (size_t i = 0; i < targets.size(); ++i) {
      InjectionJob& j = jobs.emplace_back();
      j.file = targets[i];
      j.injection = opt.attacks[a];
      j.seed = injection_seed(opt.seed, j.file, a);
      Rng rng(derive_key(j.seed, 0x646f6e6f72ULL));  // donors apart from positions
      // A class-0 file of the store is not its own donor (pool position = its place in benign).
      const int64_t self = !donors && i >= malware.size() ? int64_t(i - malware.size()) : -1;
      j.donors = choose_donors(j.injection, allowed, rng, self);
    }
  Sketches s = extract_injected(store, pool, jobs, true, bundle.feature_config(), opt.threads);
  Predictions p = bundle.predict(s);

  std::vector<int32_t> all_labels(s.labels().begin(), s.labels().begin() + store.num_files());
  r.clean_logloss_all = logloss(
      all_labels,
      Predictions{p.classes, std::vector<double>(p.prob.begin(),
                                                 p.prob.begin() + all_labels.size() * p.classes)});
  std::vector<int32_t> mal_labels;
  for (uint32_t f : malware) mal_labels.push_back(store.label(f));
  // The clean malware rows, gathered in the order the attacked ones are.
  Predictions clean{p.classes, {}};
  double calls = 0;
  for (uint32_t f : malware) {
    auto row = p.row(f);
    clean.prob.insert(clean.prob.end(), row.begin(), row.end());
    calls += store.file_rows(f);
  }
  r.clean = figures(clean, 0, mal_labels);
  r.clean_mean_calls = calls / double(malware.size());
  r.benign_files = benign.size();
  auto false_alarms = [&](size_t first) {
    size_t n = 0;
    for (size_t i = 0; i < benign.size(); ++i) n += argmax(p.row(first + i)) != 0;
    return benign.empty() ? 0.0 : double(n) / double(benign.size());
  };
  {
    size_t n = 0;
    for (uint32_t f : benign) n += argmax(p.row(f)) != 0;
    r.clean_false_alarms = benign.empty() ? 0.0 : double(n) / double(benign.size());
  }
  const size_t n = store.num_files();
  for (size_t a = 0; a < opt.attacks.size(); ++a) {
    const size_t first = n + a * targets.size();
    AttackRow row;
    row.injection = opt.attacks[a];
    row.figures = figures(p, first, mal_labels);
    row.false_alarms = false_alarms(first + malware.size());
    double c = 0;
    for (size_t i = 0; i < malware.size(); ++i)
      for (const ApiCount& ac : s.apis(first + i)) c += ac.count;
    row.mean_calls = c / double(malware.size());
    r.rows.push_back(row);
  }
  return r;
}

nlohmann::json AttackResult::to_json() const {
  nlohmann::json attacks = nlohmann::json::array();
  for (const AttackRow& row : rows) {
    nlohmann::json j = figures_json(row.figures);
    j["attack"] = std::string(injection_name(row.injection.kind));
    j["amount"] = row.injection.amount;
    j["label"] = injection_amount_text(row.injection);
    j["mean_calls"] = row.mean_calls;
    j["false_alarms"] = row.false_alarms;
    attacks.push_back(j);
  }
  nlohmann::json clean_j = figures_json(clean);
  clean_j["logloss_all_files"] = clean_logloss_all;
  clean_j["mean_calls"] = clean_mean_calls;
  clean_j["false_alarms"] = clean_false_alarms;
  return {{"model", model},
          {"store", store},
          {"donors", donors},
          {"seed", seed},
          {"files", files},
          {"malware_files", malware_files},
          {"benign_files", benign_files},
          {"donor_files", donor_files},
          {"noop_apis", noop_apis},
          {"clean", clean_j},
          {"attacks", attacks}};
}

AttackResult AttackResult::from_json(const nlohmann::json& j, const std::string& source) {
  JsonReader r("attack results", source, "the JSON `malscope attack --json` writes");
  auto figures_at = [&](const nlohmann::json& o, const std::string& path) {
    return AttackFigures{r.number(o, "detection", path), r.number(o, "logloss", path),
                         r.number(o, "p_benign", path)};
  };
  AttackResult a;
  a.model = r.get<std::string>(j, "model", "");
  a.store = r.get<std::string>(j, "store", "");
  a.donors = r.get<std::string>(j, "donors", "");
  a.seed = r.get<uint64_t>(j, "seed", "");
  a.files = r.get<size_t>(j, "files", "");
  a.malware_files = r.get<size_t>(j, "malware_files", "");
  a.benign_files = r.get<size_t>(j, "benign_files", "");
  a.donor_files = r.get<size_t>(j, "donor_files", "");
  a.noop_apis = r.get<std::vector<std::string>>(j, "noop_apis", "");
  const nlohmann::json& clean = r.object(j, "clean", "");
  a.clean = figures_at(clean, "clean.");
  a.clean_logloss_all = r.number(clean, "logloss_all_files", "clean.");
  a.clean_mean_calls = r.number(clean, "mean_calls", "clean.");
  a.clean_false_alarms = r.number(clean, "false_alarms", "clean.");
  for (const nlohmann::json& x : r.array(j, "attacks", "")) {
    const std::string path = fmt::format("attacks[{}].", a.rows.size());
    AttackRow row;
    const std::string name = r.get<std::string>(x, "attack", path);
    auto kind = parse_injection_kind(name);
    if (!kind)
      r.fail(fmt::format("{}attack is '{}', not threads, interleave or padding", path, name));
    row.injection = {*kind, r.number(x, "amount", path)};
    row.figures = figures_at(x, path);
    row.mean_calls = r.number(x, "mean_calls", path);
    row.false_alarms = r.number(x, "false_alarms", path);
    a.rows.push_back(row);
  }
  return a;
}

AttackResult AttackResult::load(const std::string& path) {
  JsonReader r("attack results", path, "the JSON `malscope attack --json` writes");
  return from_json(r.parse(read_file(path)), path);
}

std::string AttackResult::text() const {
  std::string out = fmt::format(
      "{} malware and {} class-0 files of {} attacked; donors: {} ({} files); padding APIs: "
      "{}\n\n",
      malware_files, benign_files, files, donors.empty() ? "the store's class 0" : donors,
      donor_files, fmt::join(noop_apis, ","));
  out += fmt::format("{:<11} {:>10} {:>10} {:>9} {:>9} {:>9} {:>11} {:>12}\n", "attack", "amount",
                     "detection", "change", "logloss", "p(benign)", "calls/file", "false alarms");
  auto line = [&](std::string_view name, std::string_view amount, const AttackFigures& f,
                  double calls, double false_alarms) {
    out +=
        fmt::format("{:<11} {:>10} {:>9.2f}% {:>+8.2f}% {:>9.4f} {:>9.4f} {:>11.0f} {:>11.2f}%\n",
                    name, amount, 100 * f.detection, 100 * (f.detection - clean.detection),
                    f.logloss, f.p_benign, calls, 100 * false_alarms);
  };
  line("clean", "-", clean, clean_mean_calls, clean_false_alarms);
  for (const AttackRow& r : rows)
    line(injection_name(r.injection.kind), injection_amount_text(r.injection), r.figures,
         r.mean_calls, r.false_alarms);
  out += fmt::format("\nclean logloss over all {} files: {:.4f}\n", files, clean_logloss_all);
  return out;
}

}  // namespace malscope
