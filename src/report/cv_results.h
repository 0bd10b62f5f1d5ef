#pragma once
// The cross-validation results `malscope cv --json-out` writes (the learn module), read back for
// the report: overall metrics, per-class figures, the class-0-vs-k table, the confusion matrix
// and the tree model's feature importance.
#include <cstdint>
#include <string>
#include <vector>

namespace malscope {

struct CvResults {
  std::string store;
  uint32_t files = 0;
  int classes = 0;
  int folds = 0;
  uint64_t seed = 0;
  std::vector<std::string> models;
  double logloss = 0, tianchi_logloss = 0, accuracy = 0, macro_f1 = 0;
  struct PerClass {
    int label = 0;
    uint32_t files = 0;
    double logloss = 0, precision = 0, recall = 0, f1 = 0;
  };
  std::vector<PerClass> per_class;
  struct Pair {
    int label = 0;  ///< class k of the class-0-vs-k pair
    double logloss = 0;
    uint32_t files = 0;
  };
  std::vector<Pair> pairs;
  std::vector<std::vector<uint64_t>> confusion;            ///< rows true class, columns predicted
  std::vector<std::pair<std::string, double>> importance;  ///< feature name, gain
  std::string oof_path;
};

/// Parses CV results JSON; throws Error naming `source` and the missing or malformed field.
CvResults parse_cv_results(const std::string& json_text, const std::string& source);
/// Reads and parses a CV results file.
CvResults load_cv_results(const std::string& path);

}  // namespace malscope
