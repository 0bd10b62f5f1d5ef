#pragma once
// A growable byte buffer whose new bytes are left uninitialised: std::string::resize zero-fills,
// which showed up as a tenth of ingest time when buffers of megabytes are filled by read().
#include <cstring>
#include <memory>
#include <string_view>

namespace malscope {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(size_t capacity) { reserve(capacity); }

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_.get(), size_}; }

  /// Ensures room for `n` bytes, keeping the contents.
  void reserve(size_t n) {
    if (n <= capacity_) return;
    std::unique_ptr<char[]> bigger(new char[n]);
    if (size_) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = n;
  }
  /// Sets the size; bytes past the old size are uninitialised.
  void resize(size_t n) {
    if (n > capacity_) reserve(std::max(n, capacity_ + capacity_ / 2));
    size_ = n;
  }
  void append(const char* p, size_t n) {
    size_t old = size_;
    resize(old + n);
    std::memcpy(data_.get() + old, p, n);
  }
  void clear() { size_ = 0; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

}  // namespace malscope
