// The class behaviours analysts describe are in the data, and faint enough to overlap.
#include "sim/behaviour.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "io/api_family.h"
#include "sim/sim_csv.h"
#include "sim/simulator.h"

namespace malscope::sim {
namespace {

using testing_sim::File;

class ClassBehaviour : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing_sim::ScratchDir("behaviour");
    SimulateOptions o;
    o.output_dir = dir_->path();
    o.train_files = 1200;
    o.test_files = 10;
    o.classes = 8;
    o.mean_calls = 1500;
    o.repeat_rate = 0;
    o.threads = 2;
    simulate(o, nullptr);
    csv_ = new testing_sim::Csv(testing_sim::read_csv((*dir_) / "train.csv"));
    files_ = new std::vector<File>(testing_sim::group(*csv_));
  }
  static void TearDownTestSuite() {
    delete files_;
    delete csv_;
    delete dir_;
  }
  // Share of files of `label` for which `pred` holds.
  template <class Pred>
  static double share(int label, Pred pred) {
    int n = 0, yes = 0;
    for (const File& f : *files_) {
      if (f.label != label) continue;
      ++n;
      yes += pred(f);
    }
    return n ? static_cast<double>(yes) / n : -1;
  }
  static size_t count(const File& f, ApiFamily family) {
    size_t n = 0;
    for (const auto& th : f.threads)
      for (const auto* r : th) n += api_family(r->api) == family;
    return n;
  }
  static inline testing_sim::ScratchDir* dir_ = nullptr;
  static inline testing_sim::Csv* csv_ = nullptr;
  static inline std::vector<File>* files_ = nullptr;
};

// Largest group of threads (20+ calls) with one identical API sequence.
size_t identical_threads(const File& f) {
  std::map<std::vector<std::string>, size_t> groups;
  size_t best = 0;
  for (size_t t = 0; t < f.threads.size(); ++t)
    if (f.threads[t].size() >= 20) best = std::max(best, ++groups[f.apis(t)]);
  return best;
}

// Most threads (10+ calls) that are proper prefixes of one other thread: the longest scanner.
size_t prefix_threads(const File& f) {
  size_t best = 0;
  for (size_t top = 0; top < f.threads.size(); ++top) {
    std::vector<std::string> s = f.apis(top);
    size_t n = 0;
    for (size_t t = 0; t < f.threads.size(); ++t) {
      if (t == top || f.threads[t].size() < 10 || f.threads[t].size() >= s.size()) continue;
      std::vector<std::string> p = f.apis(t);
      n += std::equal(p.begin(), p.end(), s.begin());
    }
    best = std::max(best, n);
  }
  return best;
}

TEST_F(ClassBehaviour, RansomwareNearlyAlwaysCallsCryptButRarely) {
  auto has_crypt = [](const File& f) { return count(f, ApiFamily::kCrypto) > 0; };
  EXPECT_GE(share(kRansomware, has_crypt), 0.85);
  EXPECT_LE(share(kNormal, has_crypt), 0.4);
  EXPECT_GE(share(kRansomware,
                  [](const File& f) {
                    return count(f, ApiFamily::kCrypto) * 50 < f.calls;  // under 2% of its calls
                  }),
            0.8);
  // Heavy file I/O: more of its calls than a normal program's, which read and write files too.
  auto file_io = [](int label) {
    double n = 0, sum = 0;
    for (const File& f : *files_)
      if (f.label == label) n++, sum += static_cast<double>(count(f, ApiFamily::kFile)) / f.calls;
    return sum / n;
  };
  EXPECT_GT(file_io(kRansomware), 0.45);
  EXPECT_GT(file_io(kRansomware), 1.2 * file_io(kNormal));
}

TEST_F(ClassBehaviour, DdosRunsManyIdenticalThreads) {
  auto flood = [](const File& f) { return identical_threads(f) >= 4; };
  EXPECT_GE(share(kDdos, flood), 0.6);
  EXPECT_LE(share(kNormal, flood), 0.05);
  EXPECT_LE(share(kMiner, flood), 0.1);
}

TEST_F(ClassBehaviour, WormThreadsArePrefixesOfTheLongest) {
  auto grows = [](const File& f) { return prefix_threads(f) >= 2; };
  EXPECT_GE(share(kWorm, grows), 0.6);
  EXPECT_LE(share(kNormal, grows), 0.05);
  EXPECT_GE(share(kWorm,
                  [](const File& f) {
                    for (const auto& th : f.threads)
                      for (const auto* r : th)
                        if (r->api.starts_with("CopyFile")) return true;
                    return false;
                  }),
            0.6);
}

TEST_F(ClassBehaviour, MinersRunMoreThreadsAndNetworkThanNormal) {
  auto threads = [](int label) {
    double n = 0, t = 0;
    for (const File& f : *files_)
      if (f.label == label) n++, t += f.threads.size();
    return t / n;
  };
  EXPECT_GT(threads(kMiner), 2 * threads(kNormal));
  auto networked = [](const File& f) { return count(f, ApiFamily::kNetwork) * 20 > f.calls; };
  EXPECT_GT(share(kMiner, networked), 2 * share(kNormal, networked));
  // ... but some miners hide in one thread.
  EXPECT_GT(share(kMiner, [](const File& f) { return f.threads.size() <= 2; }), 0.05);
}

TEST_F(ClassBehaviour, VirusLooksNormalPlusAnInfectionRoutine) {
  // The infection writes into files and restores their time stamps.
  auto infects = [](const File& f) {
    for (const auto& th : f.threads) {
      bool wrote = false;
      for (const auto* r : th) {
        if (r->api == "NtWriteFile" || r->api == "SetEndOfFile") wrote = true;
        if (r->api == "SetFileTime" && wrote) return true;
      }
    }
    return false;
  };
  double virus = share(kVirus, infects), normal = share(kNormal, infects);
  EXPECT_GE(virus, 0.6);
  EXPECT_LT(virus, 0.98);  // sometimes absent
  EXPECT_LT(normal, virus / 2);
  // Thread counts like a normal program's.
  auto one_or_two = [](const File& f) { return f.threads.size() <= 3; };
  EXPECT_NEAR(share(kVirus, one_or_two), share(kNormal, one_or_two), 0.2);
}

TEST_F(ClassBehaviour, BackdoorsAndTrojansPhoneHome) {
  auto net = [](const File& f) { return count(f, ApiFamily::kNetwork) > 0; };
  EXPECT_GE(share(kBackdoor, net), 0.7);
  EXPECT_GE(share(kTrojan,
                  [](const File& f) {
                    return count(f, ApiFamily::kNetwork) + count(f, ApiFamily::kMemory) > 0;
                  }),
            0.8);
}

TEST_F(ClassBehaviour, ClassesShareTheProcessStartAndOverlap) {
  auto starts = [](const File& f) {
    for (const auto& th : f.threads)
      if (th[0]->api == "LdrLoadDll") return true;
    return false;
  };
  for (int label = 0; label < kMaxClasses; ++label)
    EXPECT_GE(share(label, starts), 0.8) << label_name(label);
  // Short runs (early exits, evasion) exist in every class.
  for (int label = 0; label < kMaxClasses; ++label)
    EXPECT_GT(share(label, [](const File& f) { return f.calls < 250; }), 0.0) << label_name(label);
}

}  // namespace
}  // namespace malscope::sim
