#include "sim/corpus_plan.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

#include "sim/file_plan.h"
#include "sim/return_values.h"
#include "sim/trace_generator.h"

namespace malscope::sim {
namespace {

constexpr uint64_t kTrainTag = 0x747261696eULL, kTestTag = 0x74657374ULL,
                   kOrderTag = 0x6f72646572ULL, kRepeatTag = 0x726570656174ULL,
                   kPilotTag = 0x70696c6f74ULL;
// Season 1 files per class (Tianchi 2018); 8 classes add backdoor and trojan at shares of our
// choosing (season 2 published none), keeping the 287:744:598:53:3397 malware ratios.
constexpr double kSeason1Counts[kMaxClasses] = {111545, 287, 744, 598, 53, 3397, 470, 1870};
constexpr double kBalancedWeights[kMaxClasses] = {3.0, 1.2, 1.2, 1.2, 0.8, 1.6, 1.2, 1.4};

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Estimated bytes of a run's rows, all but the file_id digits: per row "," after the file_id,
// "label," in train, the content columns, "tid,", the index digits and the line end.
uint64_t row_bytes(const FilePlan& plan, const CorpusSpec& spec, bool with_label) {
  const auto& widths = spec.content[plan.label][plan.proto];
  double n = 0;
  for (const ThreadPlan& t : plan.threads) {
    uint64_t rows = t.rows();
    n += rows * (2 + (with_label ? 2 : 0) + decimal_digits(t.tid) + 1 +
                 widths[static_cast<int>(t.role)]) +
         index_digits(rows);
  }
  return static_cast<uint64_t>(std::llround(n));
}

// Bytes of the api column (and return_value column) of one row, with their commas.
size_t content_bytes(const FileCalls& calls, size_t r, bool with_ret) {
  size_t n = ApiCatalog::get()[calls.api[r]].name.size() + 1;
  if (!with_ret) return n;
  int64_t v = calls.ret[r];
  if (ret_is_text(v)) return n + ret_text(v).size() + 1;
  if (v < 0) return n + 2 + decimal_digits(0 - static_cast<uint64_t>(v));
  return n + 1 + decimal_digits(static_cast<uint64_t>(v));
}

// Gives each draw to the class furthest below its share, after one file per class.
class QuotaSequence {
 public:
  explicit QuotaSequence(const std::vector<double>& shares)
      : shares_(shares), counts_(shares.size()) {}
  uint8_t next() {
    size_t best = 0;
    if (drawn_ < shares_.size()) {
      best = drawn_;  // every class present early: a metric over K classes needs them all
    } else {
      double top = -1e300;
      for (size_t c = 0; c < shares_.size(); ++c) {
        double deficit = shares_[c] * static_cast<double>(drawn_ + 1) - counts_[c];
        if (deficit > top) {
          top = deficit;
          best = c;
        }
      }
    }
    ++counts_[best];
    ++drawn_;
    return static_cast<uint8_t>(best);
  }

 private:
  std::vector<double> shares_;
  std::vector<double> counts_;
  uint64_t drawn_ = 0;
};

// Plans draws in sequence. A repeat re-runs an earlier original of its label (a sample submitted
// again); a test draw may instead re-run a train original (the real data has such pairs).
class DrawPlanner {
 public:
  DrawPlanner(const World& world, const CorpusSpec& spec, bool test, const SplitPlan* train)
      : world_(world),
        spec_(spec),
        test_(test),
        labels_(spec.shares),
        own_(spec.shares.size()),
        theirs_(spec.shares.size()) {
    if (test && train)
      for (const CorpusFile& f : train->files)
        if (f.origin == Origin::kOriginal) theirs_[f.label].push_back(f);
  }

  CorpusFile next() {
    const uint32_t draw = static_cast<uint32_t>(drawn_++);
    const uint8_t label = labels_.next();
    Rng rng(derive_key(file_key(spec_.seed, test_, draw), kRepeatTag));
    bool repeat = rng.chance(spec_.repeat_rate);
    bool exact = rng.chance(0.5), across = test_ && rng.chance(0.5);
    uint64_t pick = rng.next();
    const auto& pool = across && !theirs_[label].empty() ? theirs_[label] : own_[label];
    if (repeat && !pool.empty()) {
      CorpusFile f = pool[pick % pool.size()];
      f.origin = exact ? Origin::kExactRepeat : Origin::kNearRepeat;
      f.source_test = &pool == &own_[label] ? test_ : false;
      f.source = f.draw;
      f.draw = draw;
      return f;
    }
    FilePlan plan = plan_file(world_, label, test_, file_key(spec_.seed, test_, draw), spec_.scale);
    CorpusFile f;
    f.label = label;
    f.draw = draw;
    f.rows = static_cast<uint32_t>(plan.rows());
    f.bytes_sans_id = row_bytes(plan, spec_, !test_);
    own_[label].push_back(f);
    return f;
  }

 private:
  const World& world_;
  const CorpusSpec& spec_;
  bool test_;
  QuotaSequence labels_;
  uint64_t drawn_ = 0;
  std::vector<std::vector<CorpusFile>> own_, theirs_;
};

uint64_t header_bytes(const CorpusSpec& spec, bool test) {
  // "file_id,api,tid,index\n", "label," in train, "return_value," in season 1.
  return 22 + (test ? 0 : 6) + (spec.with_ret ? 13 : 0);
}

}  // namespace

std::vector<uint8_t> label_sequence(uint64_t n, const std::vector<double>& shares) {
  QuotaSequence q(shares);
  std::vector<uint8_t> out(n);
  for (uint8_t& l : out) l = q.next();
  return out;
}

std::vector<double> class_shares(int classes, Imbalance imbalance) {
  const double* w = imbalance == Imbalance::kSeason1 ? kSeason1Counts : kBalancedWeights;
  std::vector<double> s(w, w + classes);
  double total = std::accumulate(s.begin(), s.end(), 0.0);
  for (double& x : s) x /= total;
  return s;
}

std::vector<uint64_t> class_counts(uint64_t n, const std::vector<double>& shares) {
  std::vector<uint64_t> counts(shares.size());
  for (uint8_t l : label_sequence(n, shares)) counts[l]++;
  return counts;
}

uint64_t file_key(uint64_t seed, bool test, uint64_t draw) {
  return derive_key(derive_key(seed, test ? kTestTag : kTrainTag), draw);
}

SplitPlan plan_split(const World& world, const CorpusSpec& spec, bool test, uint64_t n,
                     const SplitPlan* train) {
  DrawPlanner planner(world, spec, test, train);
  std::vector<CorpusFile> draws(n);
  for (CorpusFile& f : draws) f = planner.next();
  // file_id order: a key mixing the label (weight id_leak) with noise; 0 is a random order, 1
  // sorts by label.
  const double k = static_cast<double>(spec.shares.size());
  std::vector<std::pair<double, uint64_t>> keys(n);
  for (uint64_t j = 0; j < n; ++j) {
    Rng rng(derive_key(file_key(spec.seed, test, j), kOrderTag));
    keys[j] = {spec.id_leak * (draws[j].label + 0.5) / k + (1 - spec.id_leak) * rng.uniform(), j};
  }
  std::sort(keys.begin(), keys.end());
  SplitPlan plan;
  plan.test = test;
  plan.files.resize(n);
  plan.est_bytes = header_bytes(spec, test);
  for (uint64_t i = 0; i < n; ++i) {
    plan.files[i] = draws[keys[i].second];
    plan.rows += plan.files[i].rows;
    plan.est_bytes += plan.files[i].bytes_sans_id + plan.files[i].rows * decimal_digits(i);
  }
  return plan;
}

double calibrate_scale(const World& world, const std::vector<double>& shares, double mean_calls,
                       uint64_t seed) {
  // Each class is sampled on a grid of activity quantiles; a cell stands for the mean activity
  // within it, so the heavy tail is counted without sampling noise.
  constexpr int kCells = 512;
  std::vector<double> u(kCells);
  for (int i = 0; i < kCells; ++i) {
    double a = i == 0 ? -40 : normal_quantile(double(i) / kCells);
    double b = i == kCells - 1 ? 40 : normal_quantile(double(i + 1) / kCells);
    double s = kActivitySigma;
    double mean = std::exp(s * s / 2) * (normal_cdf(b - s) - normal_cdf(a - s)) * kCells;
    u[i] = normal_cdf(std::log(mean) / s);
  }
  double scale = mean_calls / std::exp(kActivitySigma * kActivitySigma / 2);
  for (int iter = 0; iter < 16; ++iter) {
    double mean = 0;
    for (size_t c = 0; c < shares.size(); ++c) {
      if (shares[c] <= 0) continue;
      uint64_t rows = 0;
      for (int i = 0; i < kCells; ++i)
        rows += plan_file(world, static_cast<int>(c), false,
                          derive_key(seed ^ kPilotTag, c * kCells + i), scale, {u[i], -1})
                    .rows();
      mean += shares[c] * static_cast<double>(rows) / kCells;
    }
    if (std::abs(mean / mean_calls - 1) < 1e-3) break;
    scale *= mean_calls / mean;
  }
  return scale;
}

ContentWidths content_widths(const World& world, bool with_ret, double text_rate, double scale,
                             uint64_t seed) {
  constexpr double kQuantiles[] = {0.35, 0.65, 0.9};
  TraceGenerator gen(world, with_ret, text_rate);
  FileCalls calls;
  ContentWidths out(world.classes.size());
  for (size_t c = 0; c < world.classes.size(); ++c) {
    for (size_t p = 0; p < world.classes[c].size(); ++p) {
      std::array<double, 3> bytes{}, rows{};
      for (size_t i = 0; i < std::size(kQuantiles); ++i) {
        uint64_t key = derive_key(seed ^ kPilotTag ^ 1, (c << 40) | (p << 8) | i);
        FilePlan plan = plan_file(world, static_cast<int>(c), true, key, scale,
                                  {kQuantiles[i], static_cast<int>(p)});
        gen.generate(plan, key, calls);
        for (size_t k = 0; k < calls.threads(); ++k) {
          auto t = std::find_if(plan.threads.begin(), plan.threads.end(),
                                [&](const ThreadPlan& tp) { return tp.tid == calls.tid[k]; });
          auto role = static_cast<size_t>(t->role);
          for (uint32_t r = calls.thread_begin[k]; r < calls.thread_begin[k + 1]; ++r)
            bytes[role] += content_bytes(calls, r, with_ret);
          rows[role] += calls.thread_begin[k + 1] - calls.thread_begin[k];
        }
      }
      double all = (bytes[0] + bytes[1] + bytes[2]) / std::max(1.0, rows[0] + rows[1] + rows[2]);
      std::array<double, 3> w;
      for (int r = 0; r < 3; ++r) w[r] = rows[r] > 0 ? bytes[r] / rows[r] : all;
      out[c].push_back(w);
    }
  }
  return out;
}

uint64_t train_files_for_size(const World& world, const CorpusSpec& spec, uint64_t target_bytes) {
  // Draws are planned one at a time; a file_id costs its rows times the mean id width so far.
  DrawPlanner planner(world, spec, false, nullptr);
  uint64_t rows = 0, bytes = header_bytes(spec, false);
  double previous = static_cast<double>(bytes);
  for (uint64_t n = 1;; ++n) {
    CorpusFile f = planner.next();
    rows += f.rows;
    bytes += f.bytes_sans_id;
    double est = bytes + static_cast<double>(rows) * index_digits(n) / n;
    if (est >= static_cast<double>(target_bytes))
      return n > 1 && target_bytes - previous < est - target_bytes ? n - 1 : n;
    previous = est;
  }
}

}  // namespace malscope::sim
