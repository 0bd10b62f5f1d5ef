#include "sim/return_values.h"

namespace malscope::sim {
namespace {

constexpr std::string_view kTexts[kNumRetStrings] = {"NULL", "0x1F", "0xC0000034", "0x00000000"};
constexpr int64_t kMetrics[] = {0, 1, 1024, 768, 1920, 1080, 17, 21, 32, 2, 4, 16, 3, 0, 0, 1};
constexpr int64_t kAttributes[] = {32, 16, 128, 34, 8224, 1056, 2080, 22};
constexpr int64_t kKeyStates[] = {1, -32768, -32767, -127};

int64_t success_value(const ApiInfo& a, uint64_t bits) {
  switch (a.ret) {
    case RetKind::kCode:
      return a.ok;
    case RetKind::kCount:
      return static_cast<int64_t>(bits % static_cast<uint64_t>(a.ok + 1));
    case RetKind::kFileSize: {
      int k = 7 + static_cast<int>(bits % 17);
      uint64_t v = (bits >> 5) & ((uint64_t(1) << k) - 1);
      return static_cast<int64_t>(v | (uint64_t(1) << (k - 1)));
    }
    case RetKind::kHandle:
      return 4 * static_cast<int64_t>(25 + bits % 600);
    case RetKind::kNetHandle:
      return 13369348 + 4 * static_cast<int64_t>(bits % 64);
    case RetKind::kAddress:
      return 1845493760 + 65536 * static_cast<int64_t>(bits % 4096);
    case RetKind::kWindow:
      return 65536 + 2 * static_cast<int64_t>(bits % 300000);
    case RetKind::kMetric:
      return kMetrics[bits % 16];
    case RetKind::kKeyState:
      return bits % 100 < 88 ? 0 : kKeyStates[(bits >> 8) % 4];
    case RetKind::kAttributes:
      return kAttributes[bits % 8];
    case RetKind::kTime:
      return 1000000 + static_cast<int64_t>(bits % 90000000);
  }
  return 0;
}

}  // namespace

std::string_view ret_text(int64_t v) {
  return kTexts[ret_string_id(v) % kNumRetStrings];
}

ReturnModel::ReturnModel(double text_rate)
    : cat_(ApiCatalog::get()), text_threshold_(static_cast<uint64_t>(text_rate * (1 << 20))) {}

int64_t ReturnModel::draw(uint16_t api, double err_scale, Rng& rng) const {
  const ApiInfo& a = cat_[api];
  uint64_t r = rng.next();
  if ((r & 0xFFFFF) < text_threshold_) return ret_string_value(static_cast<uint32_t>((r >> 20) & 3));
  // Failure rates are per mille; 16 random bits give per-65536 resolution.
  double fail = a.err_permille * err_scale * 65.536;
  if (static_cast<double>((r >> 24) & 0xFFFF) < fail) return a.err;
  return success_value(a, r >> 40);
}

}  // namespace malscope::sim
