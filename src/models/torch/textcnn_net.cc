// The TextCNN of models/seq_net.h in libtorch (CPU), built as libmalscope_textcnn.so. One
// intra-op thread and a generator of its own per network, so a seed gives the same weights
// whatever else runs in the process (CV folds train side by side on their own threads).
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "models/seq_net.h"

namespace malscope {
namespace {

class TextCnn final : public SeqNet {
 public:
  void init(const SeqNetShape& shape, uint64_t seed) override {
    if (shape.vocab < 1 || shape.classes < 1 || shape.embed < 1 || shape.filters < 1 ||
        shape.min_width < 1 || shape.max_width < shape.min_width || shape.dropout < 0 ||
        shape.dropout >= 1)
      throw std::invalid_argument("textcnn: invalid network shape");
    shape_ = shape;
    gen_ = at::detail::createCPUGenerator(seed);
    embed_ =
        torch::nn::Embedding(torch::nn::EmbeddingOptions(shape.vocab, shape.embed).padding_idx(0));
    convs_.clear();
    for (int w = shape.min_width; w <= shape.max_width; ++w)
      convs_.push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(shape.embed, shape.filters, w)));
    const int64_t pooled = int64_t(convs_.size()) * shape.filters;
    out_ = torch::nn::Linear(pooled, shape.classes);
    params_.clear();
    torch::NoGradGuard no_grad;
    // PyTorch's default ranges (N(0, 1) embeddings; U(+-1/sqrt(fan_in)) for the rest), drawn
    // from this network's generator.
    embed_->weight.normal_(0, 1, gen_);
    embed_->weight[0].zero_();  // padding
    params_.push_back(embed_->weight);
    for (auto& c : convs_) {
      const double b = 1 / std::sqrt(double(shape.embed) * double(c->options.kernel_size()->at(0)));
      c->weight.uniform_(-b, b, gen_);
      c->bias.uniform_(-b, b, gen_);
      params_.push_back(c->weight);
      params_.push_back(c->bias);
    }
    const double b = 1 / std::sqrt(double(pooled));
    out_->weight.uniform_(-b, b, gen_);
    out_->bias.uniform_(-b, b, gen_);
    params_.push_back(out_->weight);
    params_.push_back(out_->bias);
    opt_.reset();
  }

  double train_epoch(const SeqBatch& x, const uint32_t* order, size_t n, const int32_t* labels,
                     const float* weights, int batch, double lr, double weight_decay) override {
    check_ready();
    if (!opt_ || lr_ != lr || decay_ != weight_decay) {
      opt_ = std::make_unique<torch::optim::Adam>(
          params_, torch::optim::AdamOptions(lr).weight_decay(weight_decay));
      lr_ = lr;
      decay_ = weight_decay;
    }
    double loss_sum = 0, weight_sum = 0;
    std::vector<uint32_t> rows;
    for (size_t b = 0; b < n; b += size_t(batch)) {
      rows.assign(order + b, order + std::min(n, b + size_t(batch)));
      std::vector<int64_t> y, len;
      std::vector<float> w;
      for (uint32_t r : rows) {
        y.push_back(labels[r]);
        w.push_back(weights[r]);
      }
      torch::Tensor tokens = pack(x, rows, len);
      torch::Tensor logits = forward(tokens, len, true);
      torch::Tensor wt = torch::tensor(w);
      torch::Tensor loss_each = torch::nn::functional::cross_entropy(
          logits, torch::tensor(y),
          torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
      torch::Tensor loss = (loss_each * wt).sum() / wt.sum().clamp_min(1e-12);
      opt_->zero_grad();
      loss.backward();
      opt_->step();
      loss_sum += loss.item<double>() * double(rows.size());
      weight_sum += double(rows.size());
    }
    return weight_sum > 0 ? loss_sum / weight_sum : 0;
  }

  std::vector<double> predict(const SeqBatch& x, int batch) override {
    check_ready();
    torch::NoGradGuard no_grad;
    std::vector<double> out;
    out.reserve(x.rows * size_t(shape_.classes));
    std::vector<uint32_t> rows;
    std::vector<int64_t> len;
    for (size_t b = 0; b < x.rows; b += size_t(batch)) {
      rows.clear();
      for (size_t r = b; r < std::min(x.rows, b + size_t(batch)); ++r) rows.push_back(uint32_t(r));
      torch::Tensor p = torch::softmax(forward(pack(x, rows, len), len, false), 1)
                            .to(torch::kFloat64)
                            .contiguous();
      const double* d = p.data_ptr<double>();
      out.insert(out.end(), d, d + p.numel());
    }
    return out;
  }

  std::string save() const override {
    check_ready();
    std::string bytes;
    for (const torch::Tensor& p : params_) {
      torch::Tensor c = p.detach().contiguous();
      bytes.append(reinterpret_cast<const char*>(c.data_ptr<float>()),
                   size_t(c.numel()) * sizeof(float));
    }
    return bytes;
  }

  void load(const std::string& bytes) override {
    check_ready();
    size_t want = 0;
    for (const torch::Tensor& p : params_) want += size_t(p.numel()) * sizeof(float);
    if (bytes.size() != want)
      throw std::runtime_error("textcnn: " + std::to_string(bytes.size()) +
                               " bytes of weights, the network has " + std::to_string(want));
    torch::NoGradGuard no_grad;
    size_t at = 0;
    for (torch::Tensor& p : params_) {
      std::memcpy(p.data_ptr<float>(), bytes.data() + at, size_t(p.numel()) * sizeof(float));
      at += size_t(p.numel()) * sizeof(float);
    }
    opt_.reset();
  }

 private:
  void check_ready() const {
    if (params_.empty()) throw std::logic_error("textcnn: network used before init()");
  }

  // The rows' tokens as a [rows, T] tensor padded with 0, T the longest row (at least the widest
  // filter); len gets each row's own length.
  torch::Tensor pack(const SeqBatch& x, const std::vector<uint32_t>& rows,
                     std::vector<int64_t>& len) const {
    int64_t t = shape_.max_width;
    len.clear();
    for (uint32_t r : rows) {
      len.push_back(int64_t(x.offsets[r + 1] - x.offsets[r]));
      t = std::max(t, len.back());
    }
    torch::Tensor out = torch::zeros({int64_t(rows.size()), t}, torch::kInt64);
    int64_t* d = out.data_ptr<int64_t>();
    for (size_t i = 0; i < rows.size(); ++i)
      for (int64_t j = 0; j < len[i]; ++j) {
        const uint32_t tok = x.tokens[x.offsets[rows[i]] + uint64_t(j)];
        d[int64_t(i) * t + j] = tok < uint32_t(shape_.vocab) ? tok : 0;
      }
    return out;
  }

  torch::Tensor forward(const torch::Tensor& tokens, const std::vector<int64_t>& len, bool train) {
    torch::Tensor h = embed_->forward(tokens).transpose(1, 2);  // [B, E, T]
    torch::Tensor lens = torch::tensor(len);
    std::vector<torch::Tensor> pooled;
    for (auto& c : convs_) {
      const int64_t w = c->options.kernel_size()->at(0);
      torch::Tensor a = torch::relu(c->forward(h));  // [B, F, T - w + 1]
      // Windows that reach into the padding do not count: a row pools over its own windows
      // (at least the first), so its output does not depend on the batch.
      torch::Tensor valid = (lens - w + 1).clamp_min(1);
      torch::Tensor mask =
          torch::arange(a.size(2)).unsqueeze(0).ge(valid.unsqueeze(1)).unsqueeze(1);
      pooled.push_back(std::get<0>(a.masked_fill(mask, -1e30).max(2)));
    }
    torch::Tensor z = torch::cat(pooled, 1);
    if (train && shape_.dropout > 0) {
      torch::Tensor keep = torch::empty_like(z).bernoulli_(1 - shape_.dropout, gen_);
      z = z * keep / (1 - shape_.dropout);
    }
    return out_->forward(z);
  }

  SeqNetShape shape_;
  at::Generator gen_;
  torch::nn::Embedding embed_{nullptr};
  std::vector<torch::nn::Conv1d> convs_;
  torch::nn::Linear out_{nullptr};
  std::vector<torch::Tensor> params_;
  std::unique_ptr<torch::optim::Adam> opt_;
  double lr_ = 0, decay_ = 0;
};

}  // namespace
}  // namespace malscope

extern "C" malscope::SeqNet* malscope_seq_net_create(int abi) {
  if (abi != malscope::kSeqNetAbi) return nullptr;
  // One intra-op thread: the same sums in the same order on every run.
  static std::once_flag once;
  std::call_once(once, [] { at::set_num_threads(1); });
  return new malscope::TextCnn();
}

extern "C" void malscope_seq_net_destroy(malscope::SeqNet* net) {
  delete net;
}
