#include "util/progress.h"

#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>
#include <cstdlib>

namespace malscope {

Progress::Progress(std::string what, uint64_t total_bytes)
    : what_(std::move(what)), total_(total_bytes) {
  enabled_ = ::isatty(2) && !std::getenv("MALSCOPE_NO_PROGRESS");
  start_ = last_ = std::chrono::steady_clock::now();
}

Progress::~Progress() {
  finish();
}

void Progress::update(uint64_t bytes, uint64_t items) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? bytes / secs : 0;
  std::string eta;
  if (total_ > 0 && rate > 0 && bytes <= total_)
    eta = fmt::format("  ETA {:.0f}s", (total_ - bytes) / rate);
  std::fprintf(stderr, "\r\033[K%s: %s  %s  %s/s%s", what_.c_str(), human_count(items).c_str(),
               human_bytes(bytes).c_str(), human_bytes(rate).c_str(), eta.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void Progress::finish() {
  if (shown_) std::fprintf(stderr, "\r\033[K");
  shown_ = false;
}

std::string human_count(double n) {
  if (n >= 1e9) return fmt::format("{:.2f}G", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.2f}M", n / 1e6);
  if (n >= 1e4) return fmt::format("{:.1f}k", n / 1e3);
  return fmt::format("{:.0f}", n);
}

std::string human_bytes(double n) {
  if (n >= 1e9) return fmt::format("{:.2f} GB", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.1f} MB", n / 1e6);
  if (n >= 1e3) return fmt::format("{:.1f} kB", n / 1e3);
  return fmt::format("{:.0f} B", n);
}

}  // namespace malscope
