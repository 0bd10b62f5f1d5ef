#pragma once
// The Tianchi champion's sequence member: a TextCNN over each file's call sequence (an embedding
// per API token, 1-D convolutions of widths textcnn.min_width..max_width, max-pool over time,
// dropout, softmax), trained with Adam on one thread from the seed, the epoch with the best
// logloss on a stratified holdout kept. The network lives in libtorch, in a module loaded on
// first use (models/seq_net_loader.h); this side prepares the rows and keeps the bytes.
#include <cstdint>
#include <string>
#include <vector>

#include "models/model.h"
#include "models/seq_net_loader.h"

namespace malscope {

class TextCnnModel : public Model {
 public:
  /// A model that fits with `cfg` (the module is loaded by fit() or load(), not here).
  TextCnnModel(const TextCnnConfig& cfg, const ModelContext& ctx);

  std::string_view name() const override { return "textcnn"; }
  ValueKind value_kind() const override { return ValueKind::kSequence; }
  /// Trains on a kSequence matrix (FeaturePipeline::transform).
  FitReport fit(const FeatureMatrix& x, int classes) override;
  Predictions predict_proba(const FeatureMatrix& x) const override;
  /// "MSTCNN", version 1, the network's shape, the epochs trained, then its weights.
  void save(ByteWriter& w) const override;
  void load(ByteReader& r) override;

  /// Epochs trained and the best one (1-based) after fit().
  int epochs_run() const { return epochs_run_; }

 private:
  TextCnnConfig cfg_;
  ModelContext ctx_;
  SeqNetShape shape_;
  SeqNetPtr net_;
  int epochs_run_ = 0, best_epoch_ = 0;
};

}  // namespace malscope
