#include "sim/behaviour.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "sim/api_catalog.h"
#include "sim/recipes.h"

namespace malscope::sim {
namespace {

// Prototypes per class (besides the shared loader and the test-only variant): benign programs are
// the most diverse; rare classes have few variants, as in the real data.
constexpr int kPrototypes[kMaxClasses] = {40, 8, 8, 6, 5, 10, 8, 12};
constexpr double kLoaderShare = 0.035;   // of a malware class's runs that are a shared loader
constexpr double kTestOnlyShare = 0.08;  // of a class's test runs that are an unseen variant
constexpr uint64_t kWorldTag = 0x776f726c64ULL, kLoaderTag = 0x6c6f61646572ULL;

constexpr std::string_view kLabelNames[kMaxClasses] = {
    "normal", "ransomware", "miner", "ddos", "worm", "virus", "backdoor", "trojan"};

void build_variant(int label, ProtoBuilder& b, const World& w) {
  switch (label) {
    case kNormal:
      build_normal(b);
      break;
    case kRansomware:
      build_ransomware(b);
      break;
    case kMiner:
      build_miner(b);
      break;
    case kDdos:
      build_ddos(b);
      break;
    case kWorm:
      build_worm(b);
      break;
    case kVirus: {
      const auto& hosts = w.classes[kNormal];
      build_virus(b, hosts[w.pick(kNormal, false, b.rng())]);
      break;
    }
    case kBackdoor:
      build_backdoor(b);
      break;
    default:
      build_trojan(b);
      break;
  }
}

// Expected calls of a routine run once (chained steps counted as if independent).
double expected_calls(const Prototype& p, const Routine& r) {
  double n = 0;
  for (const Step& s : r) {
    double m = 0;
    for (const MotifCall& c : p.motifs[s.motif]) m += (c.lo + c.hi) / 2.0;
    n += s.p * (s.lo + s.hi) / 2.0 * m;
  }
  return n;
}

void set_fixed_calls(Prototype& p) {
  const Role* roles[] = {&p.main, &p.worker, &p.helper};
  for (int i = 0; i < 3; ++i)
    p.fixed_calls[i] = static_cast<uint32_t>(
        std::lround(expected_calls(p, roles[i]->prologue) + expected_calls(p, roles[i]->epilogue)));
}

}  // namespace

std::string_view label_name(int label) {
  return label >= 0 && label < kMaxClasses ? kLabelNames[label] : std::string_view("unknown");
}

void ProtoBuilder::add(Routine& r, std::string_view name, int lo, int hi, double p) {
  r.push_back(Step{dialect(name), static_cast<uint16_t>(lo), static_cast<uint16_t>(hi),
                   static_cast<float>(p), false});
}

void ProtoBuilder::then(Routine& r, std::string_view name, int lo, int hi, double p) {
  add(r, name, lo, hi, p);
  r.back().chained = true;
}

void ProtoBuilder::maybe(double keep, Routine& r, std::string_view name, int lo, int hi, double p) {
  if (rng_.chance(keep)) add(r, name, lo, hi, p);
}

void ProtoBuilder::process_start(Routine& r) {
  add(r, "start.ldr", 1, 3);
  add(r, "start.crt", 1, 1, 0.95);
  add(r, "start.locale", 1, 4, 0.9);
  maybe(0.5, r, "start.actctx", 1, 1, 0.9);
  maybe(0.5, r, "start.sysinfo", 1, 1, 0.8);
  add(r, "dll.load", 1, 4, 0.7);
}

// The variant's own copy of a motif: some calls in their A/W twin, a call missing or added, loop
// bounds moved, two calls swapped. Different builds of one program differ like this.
uint16_t ProtoBuilder::dialect(std::string_view name) {
  auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  const ApiCatalog& cat = ApiCatalog::get();
  const Motif& src = MotifLibrary::get()(name);
  Motif m;
  for (const MotifCall& c : src) {
    double u = rng_.uniform();
    if (u < 0.05 && src.size() > 2 && &c != &src.front()) continue;  // keep the opening call
    MotifCall x = c;
    if (u < 0.15)
      if (auto t = cat.twin(c.api)) x.api = *t;
    if (x.hi > x.lo) {
      double hi = std::round(x.hi * (0.6 + rng_.uniform()));
      x.hi = static_cast<uint8_t>(std::clamp<double>(hi, x.lo, 255));
    }
    m.push_back(x);
    if (rng_.chance(0.05)) {  // an extra common call of the same family
      std::vector<uint16_t> common;
      for (uint16_t id : cat.family(cat[c.api].family))
        if (cat[id].background) common.push_back(id);
      if (!common.empty()) m.push_back({common[rng_.below(common.size())], 1, 1});
    }
  }
  if (m.size() >= 3 && rng_.chance(0.08)) {
    size_t i = rng_.below(static_cast<uint32_t>(m.size() - 1));
    std::swap(m[i], m[i + 1]);
  }
  auto id = static_cast<uint16_t>(p_.motifs.size());
  p_.motifs.push_back(std::move(m));
  index_.emplace(name, id);
  return id;
}

uint16_t World::pick(int label, bool test_split, Rng& rng) const {
  const auto& protos = classes[label];
  double total = 0;
  for (const Prototype& p : protos)
    if (test_split || !p.test_only) total += p.weight;
  double u = rng.uniform() * total;
  for (size_t i = 0; i < protos.size(); ++i) {
    if (!test_split && protos[i].test_only) continue;
    if (u < protos[i].weight) return static_cast<uint16_t>(i);
    u -= protos[i].weight;
  }
  return 0;
}

World build_world(uint64_t seed) {
  World w;
  w.classes.resize(kMaxClasses);
  uint64_t world_key = derive_key(seed, kWorldTag);
  for (int label = 0; label < kMaxClasses; ++label) {
    auto& protos = w.classes[label];
    double total = 0;
    for (int i = 0; i <= kPrototypes[label]; ++i) {
      Rng rng(derive_key(derive_key(world_key, label), i));
      Prototype p;
      p.label = label;
      p.name = fmt::format("{}/{}", label_name(label), i);
      ProtoBuilder b(p, rng);
      build_variant(label, b, w);
      // Popularity falls off like a power law: a few variants make most of a class.
      p.weight = 1.0 / std::pow(i + 1.0, 0.8);
      p.test_only = i == kPrototypes[label];
      if (p.test_only) p.weight = kTestOnlyShare / (1 - kTestOnlyShare) * total;
      total += p.test_only ? 0 : p.weight;
      set_fixed_calls(p);
      protos.push_back(std::move(p));
    }
    if (label == kNormal) continue;
    // Two loaders serve all malware classes: odd labels share one, even labels the other.
    Rng rng(derive_key(world_key ^ kLoaderTag, label % 2));
    Prototype p;
    p.label = label;
    p.name = fmt::format("{}/loader{}", label_name(label), label % 2);
    ProtoBuilder b(p, rng);
    build_loader(b);
    p.weight = kLoaderShare / (1 - kLoaderShare) * total;
    set_fixed_calls(p);
    protos.push_back(std::move(p));
  }
  return w;
}

}  // namespace malscope::sim
