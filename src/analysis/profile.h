#pragma once
// Class behaviour profiles: what each class calls (the analysts' pies), which APIs set a class
// apart from class 0 (with a statistic and the counts behind it), and per-class summaries of the
// thread-structure traits.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/corpus_scan.h"
#include "util/param_table.h"

namespace malscope {

struct ProfileOptions {
  size_t top_apis = 12;                  ///< APIs listed per class by share of calls
  size_t distinctive = 15;               ///< APIs listed as over- and as under-represented
  std::vector<std::string> class_names;  ///< one per class, or empty for the defaults
};

/// One API in class k against class 0: presence (files calling it) and volume (share of calls).
struct ApiContrast {
  uint16_t api = 0;
  uint32_t files_k = 0, files_0 = 0;  ///< files that call it
  uint64_t calls_k = 0, calls_0 = 0;  ///< calls to it
  double share_k = 0, share_0 = 0;    ///< mean over files of its share of the file's calls
  double log_odds = 0;    ///< presence: log odds ratio (0.5 added to each cell), natural log
  double z_presence = 0;  ///< its Wald z-score
  double log2_ratio = 0;  ///< volume: log2(share_k / share_0), 1e-6 added to both
  double z_volume = 0;    ///< Welch z-score of the difference of mean shares
  double score = 0;       ///< the z of larger magnitude: > 0 over-, < 0 under-represented
};

/// Distribution of a trait over the files of a class.
struct TraitStats {
  double mean = 0, p10 = 0, p50 = 0, p90 = 0;
};

struct ClassProfile {
  int label = -1;  ///< -1: every file of an unlabeled store
  std::string name;
  uint32_t files = 0;
  uint64_t calls = 0;
  std::vector<std::pair<uint16_t, uint64_t>> api_calls;  ///< every API called, most calls first
  std::vector<ApiContrast> over, under;  ///< against class 0, strongest first (none for 0)
  std::vector<TraitStats> traits;        ///< aligned with Profile::trait_names
};

struct Profile {
  std::string store;
  uint32_t files = 0;
  uint64_t calls = 0;
  std::vector<std::string> apis;         ///< the store's API names
  std::vector<std::string> trait_names;  ///< "calls", "distinct_apis", then the thread traits
  std::vector<ClassProfile> classes;     ///< by label; one entry (label -1) when unlabeled
  ProfileOptions options;
};

/// The flags bound to ProfileOptions: --top, --distinctive (profile).
const ParamTable<ProfileOptions>& profile_params();
/// Builds the profile from a scan made with API counts and traits.
Profile build_profile(const TraceStore& store, const CorpusScan& scan,
                      const ProfileOptions& options);
/// Everything, for machines.
nlohmann::json to_json(const Profile& profile);
/// The tables `malscope profile` prints.
std::string to_text(const Profile& profile);

}  // namespace malscope
