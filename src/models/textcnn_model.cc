#include "models/textcnn_model.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <exception>

#include "models/sampling.h"
#include "util/error.h"
#include "util/random.h"

namespace malscope {
namespace {

constexpr std::string_view kMagic = "MSTCNN";
constexpr uint32_t kVersion = 1;
// Holdout scoring during fit batches rows; predict_proba runs one row at a time, because the
// convolution's sums are blocked by the batch's shape: a row scored alone (serve) must get the
// same digits as in a store of thousands (predict).
constexpr int kHoldoutBatch = 64;

// The matrix's rows as the network's token sequences (tokens past `vocab` read as unknown).
struct Tokens {
  std::vector<uint32_t> tokens;
  std::vector<uint64_t> offsets;
  SeqBatch batch() const { return {tokens.data(), offsets.data(), offsets.size() - 1}; }
};

Tokens tokens_of(const FeatureMatrix& x, uint32_t vocab) {
  Tokens t;
  t.tokens.reserve(x.nnz());
  t.offsets.assign(x.indptr.begin(), x.indptr.end());
  for (size_t r = 0; r < x.rows(); ++r)
    for (uint64_t i = x.indptr[r]; i < x.indptr[r + 1]; ++i) {
      if (x.indices[i] != i - x.indptr[r])
        throw Error(fmt::format("textcnn: row {} is not a call sequence (a kSequence matrix)", r));
      const float v = x.values[i];
      const uint32_t tok = v >= 1 && v < float(vocab) ? uint32_t(v) : kUnknownApiToken;
      t.tokens.push_back(tok);
    }
  return t;
}

// Runs f, turning what the module throws into an Error naming the model.
template <class F>
auto guarded(const char* what, F&& f) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(fmt::format("textcnn: {}: {}", what, e.what()));
  }
}

double weighted_logloss(const std::vector<double>& prob, int classes,
                        std::span<const uint32_t> rows, const FeatureMatrix& x,
                        std::span<const float> factor) {
  double sum = 0, wsum = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const double w = factor[x.labels[rows[i]]] * x.weight(rows[i]);
    const double p = prob[i * size_t(classes) + size_t(x.labels[rows[i]])];
    sum += -w * std::log(std::clamp(p, kProbEps, 1.0));
    wsum += w;
  }
  return wsum > 0 ? sum / wsum : 0;
}

}  // namespace

TextCnnModel::TextCnnModel(const TextCnnConfig& cfg, const ModelContext& ctx)
    : cfg_(cfg), ctx_(ctx) {
  if (cfg_.min_width > cfg_.max_width)
    throw UsageError(fmt::format("textcnn.min_width {} is above textcnn.max_width {}",
                                 cfg_.min_width, cfg_.max_width));
}

FitReport TextCnnModel::fit(const FeatureMatrix& x, int classes) {
  if (x.rows() == 0) throw Error("textcnn: no training rows");
  uint32_t vocab = kFirstApiToken;
  for (float v : x.values) vocab = std::max(vocab, uint32_t(std::clamp(v, 0.f, 1e7f)) + 1);
  const Tokens all = tokens_of(x, vocab);

  ClassSample cap = cap_per_class(x.labels, classes, cfg_.class_cap, ctx_.seed ^ 0xca9ULL);
  std::vector<uint32_t> rows = cap.rows;
  if (!cap.capped)
    for (uint32_t r = 0; r < x.rows(); ++r) rows.push_back(r);
  std::vector<int32_t> kept_labels;
  std::vector<uint64_t> kept_keys;
  for (uint32_t r : rows) {
    kept_labels.push_back(x.labels[r]);
    if (!x.keys.empty()) kept_keys.push_back(x.keys[r]);
  }
  std::vector<uint32_t> train = rows, held;
  const bool early = cfg_.valid_share > 0 && rows.size() >= 20;
  if (early) {
    auto [k, h] =
        stratified_holdout(kept_labels, cfg_.valid_share, ctx_.seed ^ 0x5eedULL, kept_keys);
    train.clear();
    for (uint32_t i : k) train.push_back(rows[i]);
    for (uint32_t i : h) held.push_back(rows[i]);
  }
  const std::vector<float> cw = class_weights(kept_labels, classes, cfg_.class_weight);
  std::vector<float> weight(x.rows(), 0.f);
  for (uint32_t r : train) weight[r] = cw[x.labels[r]] * cap.factor[x.labels[r]] * x.weight(r);

  shape_ = SeqNetShape{int(vocab),     classes,        cfg_.embed,  cfg_.filters,
                       cfg_.min_width, cfg_.max_width, cfg_.dropout};
  net_ = make_seq_net();
  guarded("init", [&] { net_->init(shape_, ctx_.seed); });
  const Tokens held_tokens = tokens_of(select_rows(x, held), vocab);
  Rng rng(ctx_.seed ^ 0x7ec0ULL);
  std::vector<uint32_t> order = train;
  std::string best;
  double best_loss = INFINITY;
  int since_best = 0;
  FitReport report;
  report.rows = rows.size();
  epochs_run_ = best_epoch_ = 0;
  for (int epoch = 1; epoch <= cfg_.epochs; ++epoch) {
    shuffle(order, rng);
    guarded("training", [&] {
      return net_->train_epoch(all.batch(), order.data(), order.size(), x.labels.data(),
                               weight.data(), cfg_.batch, cfg_.lr, cfg_.weight_decay);
    });
    epochs_run_ = epoch;
    if (!early) {
      best_epoch_ = epoch;
      continue;
    }
    const std::vector<double> p =
        guarded("predicting", [&] { return net_->predict(held_tokens.batch(), kHoldoutBatch); });
    const double loss = weighted_logloss(p, classes, held, x, cap.factor);
    if (loss < best_loss) {
      best_loss = loss;
      best_epoch_ = epoch;
      best = guarded("saving", [&] { return net_->save(); });
      since_best = 0;
    } else if (cfg_.patience > 0 && ++since_best >= cfg_.patience) {
      break;
    }
  }
  if (early) {
    guarded("loading the best epoch", [&] { net_->load(best); });
    report.valid_logloss = best_loss;
  }
  report.rounds = best_epoch_;
  return report;
}

Predictions TextCnnModel::predict_proba(const FeatureMatrix& x) const {
  if (!net_) throw Error("textcnn: predict before fit");
  const Tokens t = tokens_of(x, uint32_t(shape_.vocab));
  Predictions p;
  p.classes = shape_.classes;
  p.prob = guarded("predicting", [&] { return net_->predict(t.batch(), 1); });
  if (p.prob.size() != x.rows() * size_t(p.classes) ||
      !std::all_of(p.prob.begin(), p.prob.end(), [](double v) { return std::isfinite(v); }))
    throw Error("textcnn: the network gave no finite probabilities (corrupt weights?)");
  return p;
}

void TextCnnModel::save(ByteWriter& w) const {
  if (!net_) throw Error("textcnn: save before fit");
  w.put_raw(kMagic);
  w.put<uint32_t>(kVersion);
  for (int v : {shape_.vocab, shape_.classes, shape_.embed, shape_.filters, shape_.min_width,
                shape_.max_width, epochs_run_, best_epoch_})
    w.put<int32_t>(v);
  w.put<double>(shape_.dropout);
  w.put_bytes(guarded("saving", [&] { return net_->save(); }));
}

void TextCnnModel::load(ByteReader& r) {
  r.expect_raw(kMagic, "a TextCNN model saved by malscope");
  if (uint32_t v = r.get<uint32_t>(); v != kVersion)
    r.fail(fmt::format("version {}, expected {}", v, kVersion));
  SeqNetShape s;
  int* fields[] = {&s.vocab, &s.classes, &s.embed, &s.filters, &s.min_width, &s.max_width};
  for (int* f : fields) *f = r.get<int32_t>();
  const int epochs = r.get<int32_t>(), best = r.get<int32_t>();
  s.dropout = r.get<double>();
  if (s.vocab < int(kFirstApiToken) || s.vocab > (1 << 24) || s.classes < 2 || s.classes > 1000 ||
      s.embed < 1 || s.embed > 1024 || s.filters < 1 || s.filters > 4096 || s.min_width < 1 ||
      s.max_width < s.min_width || s.max_width > 16 || !(s.dropout >= 0 && s.dropout < 1))
    r.fail("its network shape is out of range");
  // Weights: vocab x embed, per width filters x embed x width + filters, then classes x pooled
  // + classes floats; checked before anything is allocated for them.
  uint64_t floats = uint64_t(s.vocab) * uint64_t(s.embed);
  for (int w = s.min_width; w <= s.max_width; ++w)
    floats += uint64_t(s.filters) * uint64_t(s.embed) * uint64_t(w) + uint64_t(s.filters);
  const uint64_t pooled = uint64_t(s.max_width - s.min_width + 1) * uint64_t(s.filters);
  floats += uint64_t(s.classes) * pooled + uint64_t(s.classes);
  const std::string_view bytes = r.get_bytes();
  if (bytes.size() != floats * sizeof(float))
    r.fail(fmt::format("{} bytes of weights, its shape needs {}", bytes.size(),
                       floats * sizeof(float)));
  SeqNetPtr net = make_seq_net();
  guarded("init", [&] { net->init(s, 0); });
  guarded("loading", [&] { net->load(std::string(bytes)); });
  shape_ = s;
  net_ = std::move(net);
  epochs_run_ = epochs;
  best_epoch_ = best;
}

}  // namespace malscope
