#include "sim/row_writer.h"

#include <fmt/format.h>
#include <algorithm>

#include "util/error.h"

namespace malscope::sim {
namespace {

// Fixed-size slots let the hot loop copy with constant-size memcpy (a few vector moves) and then
// advance by the real length; the buffer always has room for a whole slot past the end.
constexpr size_t kPrefixSlot = 32, kApiSlot = 48, kTidSlot = 16, kIndexSlot = 8;
constexpr size_t kMaxRow = kPrefixSlot + kApiSlot + kTidSlot + 24 + kIndexSlot + 8;
constexpr uint32_t kIndexTable = kThreadCap + 2;

char* write_uint(char* p, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

char* write_ret(char* p, int64_t v) {
  if (v >= 0 && v < 10) {
    *p++ = static_cast<char>('0' + v);
    return p;
  }
  if (ret_is_text(v)) {
    std::string_view t = ret_text(v);
    std::memcpy(p, t.data(), t.size());
    return p + t.size();
  }
  if (v < 0) {
    *p++ = '-';
    return write_uint(p, 0 - static_cast<uint64_t>(v));
  }
  return write_uint(p, static_cast<uint64_t>(v));
}

// "0\n", "1\n", ... in 8-byte slots, the length in the last byte.
struct IndexTable {
  std::vector<char> slots;
  IndexTable() : slots(kIndexTable * kIndexSlot) {
    for (uint32_t i = 0; i < kIndexTable; ++i) {
      char* s = &slots[i * kIndexSlot];
      char* e = write_uint(s, i);
      *e++ = '\n';
      s[kIndexSlot - 1] = static_cast<char>(e - s);
    }
  }
};

}  // namespace

char* CharBuffer::reserve(size_t n) {
  if (size_ + n > cap_) {
    size_t cap = std::max(size_ + n, cap_ * 2 + 4096);
    auto grown = std::make_unique_for_overwrite<char[]>(cap);
    if (size_) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    cap_ = cap;
  }
  return data_.get() + size_;
}

RowWriter::RowWriter(bool with_label, bool with_ret)
    : with_label_(with_label), with_ret_(with_ret) {
  const ApiCatalog& cat = ApiCatalog::get();
  for (size_t id = 0; id < cat.size(); ++id) {
    std::string s(cat[static_cast<uint16_t>(id)].name);
    s += ',';
    if (s.size() >= kApiSlot) throw Error(fmt::format("simulator: API name '{}' is too long", s));
    max_api_ = std::max(max_api_, s.size());
    s.resize(kApiSlot, '\0');
    s.back() = static_cast<char>(s.find('\0'));
    api_.push_back(std::move(s));
  }
}

std::string RowWriter::header() const {
  std::string h = "file_id,";
  if (with_label_) h += "label,";
  h += "api,tid,";
  if (with_ret_) h += "return_value,";
  h += "index\n";
  return h;
}

void RowWriter::append(CharBuffer& out, uint64_t file_id, int label, const FileCalls& calls) const {
  static const IndexTable index;
  char prefix[kPrefixSlot] = {};
  char* pe = write_uint(prefix, file_id);
  *pe++ = ',';
  if (with_label_) {
    pe = write_uint(pe, static_cast<uint64_t>(label));
    *pe++ = ',';
  }
  const size_t prefix_len = static_cast<size_t>(pe - prefix);
  for (size_t k = 0; k < calls.threads(); ++k) {
    char tid[kTidSlot] = {};
    char* te = write_uint(tid, calls.tid[k]);
    *te++ = ',';
    const size_t tid_len = static_cast<size_t>(te - tid);
    const uint32_t begin = calls.thread_begin[k], end = calls.thread_begin[k + 1];
    const bool odd = calls.anomaly_thread == static_cast<int32_t>(k);
    char* p = out.reserve((end - begin) * kMaxRow + kMaxRow);
    char* const start = p;
    for (uint32_t i = begin; i < end; ++i) {
      std::memcpy(p, prefix, kPrefixSlot);
      p += prefix_len;
      const std::string& api = api_[calls.api[i]];
      std::memcpy(p, api.data(), kApiSlot);
      p += static_cast<uint8_t>(api[kApiSlot - 1]);
      std::memcpy(p, tid, kTidSlot);
      p += tid_len;
      if (with_ret_) {
        p = write_ret(p, calls.ret[i]);
        *p++ = ',';
      }
      uint32_t idx = i - begin;
      if (odd && idx >= calls.anomaly_pos) idx += calls.anomaly_shift;
      const char* slot = &index.slots[std::min(idx, kIndexTable - 1) * kIndexSlot];
      if (idx < kIndexTable) {
        std::memcpy(p, slot, kIndexSlot);
        p += static_cast<uint8_t>(slot[kIndexSlot - 1]);
      } else {
        p = write_uint(p, idx);
        *p++ = '\n';
      }
    }
    out.commit(static_cast<size_t>(p - start));
  }
}

}  // namespace malscope::sim
