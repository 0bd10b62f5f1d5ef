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

CorpusFile original(const World& world, const CorpusSpec& spec, bool test, uint64_t id,
                    uint8_t label) {
  FilePlan plan = plan_file(world, label, test, file_key(spec.seed, test, id), spec.scale);
  CorpusFile f;
  f.label = label;
  f.rows = static_cast<uint32_t>(plan.rows());
  f.bytes_sans_id = row_bytes(plan, spec, !test);
  return f;
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

// Labels by file_id: class blocks shuffled by a key that mixes the label (weight id_leak) with
// noise, so id_leak 0 is a random order and 1 sorts files by label.
std::vector<uint8_t> label_order(const CorpusSpec& spec, bool test, uint64_t n) {
  std::vector<uint64_t> counts = class_counts(n, spec.shares);
  std::vector<uint8_t> labels;
  labels.reserve(n);
  for (size_t c = 0; c < counts.size(); ++c) labels.insert(labels.end(), counts[c], c);
  Rng rng(derive_key(spec.seed, (test ? kTestTag : kTrainTag) ^ kOrderTag));
  const double k = static_cast<double>(counts.size());
  std::vector<std::pair<double, uint64_t>> keys(n);
  for (uint64_t i = 0; i < n; ++i)
    keys[i] = {spec.id_leak * (labels[i] + 0.5) / k + (1 - spec.id_leak) * rng.uniform(), i};
  std::sort(keys.begin(), keys.end());
  std::vector<uint8_t> out(n);
  for (uint64_t i = 0; i < n; ++i) out[i] = labels[keys[i].second];
  return out;
}

}  // namespace

std::vector<double> class_shares(int classes, Imbalance imbalance) {
  const double* w = imbalance == Imbalance::kSeason1 ? kSeason1Counts : kBalancedWeights;
  std::vector<double> s(w, w + classes);
  double total = std::accumulate(s.begin(), s.end(), 0.0);
  for (double& x : s) x /= total;
  return s;
}

std::vector<uint64_t> class_counts(uint64_t n, const std::vector<double>& shares) {
  std::vector<uint64_t> counts(shares.size());
  std::vector<std::pair<double, size_t>> rest;
  uint64_t given = 0;
  for (size_t c = 0; c < shares.size(); ++c) {
    double exact = n * shares[c];
    counts[c] = static_cast<uint64_t>(std::floor(exact));
    given += counts[c];
    rest.push_back({-(exact - counts[c]), c});
  }
  std::sort(rest.begin(), rest.end());
  for (size_t i = 0; given < n; ++i, ++given) counts[rest[i % rest.size()].second]++;
  if (n >= shares.size()) {  // every class present: a metric over K classes needs them all
    for (uint64_t& c : counts) {
      if (c) continue;
      ++c;
      --*std::max_element(counts.begin(), counts.end());
    }
  }
  return counts;
}

uint64_t file_key(uint64_t seed, bool test, uint64_t file_id) {
  return derive_key(derive_key(seed, test ? kTestTag : kTrainTag), file_id);
}

SplitPlan plan_split(const World& world, const CorpusSpec& spec, bool test, uint64_t n,
                     const SplitPlan* train) {
  SplitPlan plan;
  plan.test = test;
  std::vector<uint8_t> labels = label_order(spec, test, n);
  std::vector<bool> repeat(n);
  std::vector<std::vector<uint32_t>> own(spec.shares.size()), theirs(spec.shares.size());
  for (uint64_t i = 0; i < n; ++i) {
    Rng rng(derive_key(file_key(spec.seed, test, i), kRepeatTag));
    repeat[i] = rng.chance(spec.repeat_rate);
    if (!repeat[i]) own[labels[i]].push_back(static_cast<uint32_t>(i));
  }
  if (test && train)
    for (size_t i = 0; i < train->files.size(); ++i)
      if (train->files[i].origin == Origin::kOriginal)
        theirs[train->files[i].label].push_back(static_cast<uint32_t>(i));
  plan.files.resize(n);
  for (uint64_t i = 0; i < n; ++i)
    if (!repeat[i]) plan.files[i] = original(world, spec, test, i, labels[i]);
  for (uint64_t i = 0; i < n; ++i) {
    if (!repeat[i]) continue;
    // A re-submitted sample: a test file may re-run a train file (the real data has such pairs).
    Rng rng(derive_key(file_key(spec.seed, test, i), kRepeatTag));
    rng.next();
    bool exact = rng.chance(0.5), across = test && rng.chance(0.5);
    const auto& pool = across && !theirs[labels[i]].empty() ? theirs[labels[i]] : own[labels[i]];
    if (pool.empty()) {
      plan.files[i] = original(world, spec, test, i, labels[i]);
      continue;
    }
    uint32_t src = pool[rng.below(static_cast<uint32_t>(pool.size()))];
    bool src_test = &pool == &own[labels[i]] ? test : false;
    plan.files[i] = src_test == test ? plan.files[src] : train->files[src];
    plan.files[i].origin = exact ? Origin::kExactRepeat : Origin::kNearRepeat;
    plan.files[i].source_test = src_test;
    plan.files[i].source = src;
  }
  plan.est_bytes = std::string_view("file_id,api,tid,index\n").size() + (test ? 0 : 6) +
                   (spec.with_ret ? 13 : 0);  // the header; "label," is 6 bytes, "return_value," 13
  for (uint64_t i = 0; i < n; ++i) {
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
  uint64_t n = std::max<uint64_t>(1, target_bytes / 100000);
  std::vector<uint64_t> tried;
  for (int iter = 0; iter < 12; ++iter) {
    SplitPlan plan = plan_split(world, spec, false, n, nullptr);
    double ratio = static_cast<double>(target_bytes) / static_cast<double>(plan.est_bytes);
    if (std::abs(ratio - 1) < 0.003) break;
    tried.push_back(n);
    n = std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(n * ratio)));
    if (std::find(tried.begin(), tried.end(), n) != tried.end()) break;
  }
  return n;
}

}  // namespace malscope::sim
