#pragma once
// The interface between the TextCNN model (models/textcnn_model.cc) and its libtorch network
// (models/torch/textcnn_net.cc), which is built as a module of its own, libmalscope_textcnn.so,
// and loaded on first use (models/seq_net_loader.h): commands that never train or run a TextCNN
// never load libtorch. Plain C++17 types only, so both sides agree whatever else they link.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace malscope {

/// Bumped whenever SeqNet, SeqNetShape or SeqBatch change.
inline constexpr int kSeqNetAbi = 1;

/// The network: embedding, one 1-D convolution per width, max-pool over time, dropout, linear.
struct SeqNetShape {
  int vocab = 0;                     ///< token ids are in [0, vocab); 0 pads and embeds as zeros
  int classes = 0;                   ///< outputs
  int embed = 32;                    ///< embedding dimension
  int filters = 64;                  ///< convolution filters per width
  int min_width = 2, max_width = 5;  ///< convolution widths (tokens)
  double dropout = 0.5;              ///< dropout before the linear layer (training only)
};

/// Token sequences: row r is tokens[offsets[r], offsets[r + 1]).
struct SeqBatch {
  const uint32_t* tokens = nullptr;
  const uint64_t* offsets = nullptr;  ///< rows + 1 of them
  size_t rows = 0;
};

/// A TextCNN. A row's prediction depends on its tokens only (padding is masked out of the
/// pooling), up to the last digits, which the batch's shape can move (the caller scores one row at
/// a time where digits must match). Methods throw std::exception on failure.
class SeqNet {
 public:
  virtual ~SeqNet() = default;
  /// A fresh network of `shape`, its weights drawn from `seed` (no global random state is used).
  virtual void init(const SeqNetShape& shape, uint64_t seed) = 0;
  /// One pass of Adam over rows order[0..n) of x in minibatches of `batch`, the loss of each
  /// row (cross-entropy) times weights[row]; returns the mean weighted training loss.
  virtual double train_epoch(const SeqBatch& x, const uint32_t* order, size_t n,
                             const int32_t* labels, const float* weights, int batch, double lr,
                             double weight_decay) = 0;
  /// Softmax probabilities of every row of x, rows x classes.
  virtual std::vector<double> predict(const SeqBatch& x, int batch) = 0;
  /// The weights, as bytes load() takes (the same weights give the same bytes).
  virtual std::string save() const = 0;
  /// Restores weights save() wrote for a network of the shape init() was given.
  virtual void load(const std::string& bytes) = 0;
};

}  // namespace malscope

/// The module's entry point: a new network, or null if `abi` is not its kSeqNetAbi.
extern "C" malscope::SeqNet* malscope_seq_net_create(int abi);
/// The module's entry point: deletes what malscope_seq_net_create returned.
extern "C" void malscope_seq_net_destroy(malscope::SeqNet* net);
