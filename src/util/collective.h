#pragma once
// Collective: the operations workers of one distributed job do together (every worker calls the
// same ones in the same order). The library's stages take one where what they learn must come
// from all workers' data (the feature pipeline's counts, class counts); dist/ implements it over
// XGBoost's collective (Rabit), and LocalCollective is the one-worker case.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace malscope {

class Collective {
 public:
  virtual ~Collective() = default;
  /// This worker, in [0, world()).
  virtual int rank() const = 0;
  /// Number of workers.
  virtual int world() const = 0;
  /// Element-wise sum over workers, in place.
  virtual void sum(std::span<int64_t> v) = 0;
  /// Element-wise sum over workers, in place.
  virtual void sum(std::span<double> v) = 0;
  /// Element-wise maximum over workers, in place.
  virtual void max(std::span<float> v) = 0;
  /// Replaces `bytes` on every worker with the bytes of worker `root`.
  virtual void broadcast(std::string& bytes, int root) = 0;
  /// Marks the start of a step that waits on other workers (a boosting round), so a timeout can
  /// name it; end_step() marks its end. Steps do not nest.
  virtual void begin_step(std::string_view /*what*/) {}
  /// Marks the end of the step begun last.
  virtual void end_step() {}

  /// Every worker's `mine`, in rank order (one broadcast per worker).
  std::vector<std::string> all_gather(std::string_view mine);
  /// Sum over workers of one number.
  int64_t sum(int64_t x);
};

/// A job of one worker: every operation leaves its data as it is.
class LocalCollective final : public Collective {
 public:
  int rank() const override { return 0; }
  int world() const override { return 1; }
  void sum(std::span<int64_t>) override {}
  void sum(std::span<double>) override {}
  void max(std::span<float>) override {}
  void broadcast(std::string&, int) override {}
  using Collective::sum;
};

/// Marks a step for the duration of a scope.
class CollectiveStep {
 public:
  /// Begins `what` on `c` (nothing when c is null).
  CollectiveStep(Collective* c, std::string_view what) : c_(c) {
    if (c_) c_->begin_step(what);
  }
  ~CollectiveStep() {
    if (c_) c_->end_step();
  }
  CollectiveStep(const CollectiveStep&) = delete;
  CollectiveStep& operator=(const CollectiveStep&) = delete;

 private:
  Collective* c_;
};

}  // namespace malscope
