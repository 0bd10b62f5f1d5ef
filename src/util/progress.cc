#include "util/progress.h"

#include <fmt/format.h>

namespace malscope {

Progress::Progress(ProgressFn sink, std::string what, uint64_t total_bytes)
    : sink_(std::move(sink)), what_(std::move(what)), total_(total_bytes) {
  start_ = last_ = std::chrono::steady_clock::now();
}

Progress::~Progress() {
  finish();
}

void Progress::update(uint64_t bytes, uint64_t items) {
  if (!sink_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  sink_({what_, bytes, total_, items, std::chrono::duration<double>(now - start_).count(), false});
  shown_ = true;
}

void Progress::finish() {
  if (shown_) sink_({.what = what_, .total_bytes = total_, .done = true});
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
