#pragma once
// Little-endian byte writer and bounds-checked reader for model and bundle blobs. The reader
// throws Error naming what it was reading, so a truncated or foreign blob is a clear error, not
// a crash.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "util/error.h"

namespace malscope {

class ByteWriter {
 public:
  /// Appends a trivially copyable value.
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  /// Appends a u64 length, then the bytes.
  void put_bytes(std::string_view s) {
    put<uint64_t>(s.size());
    out_.append(s);
  }
  /// Appends a u64 count, then the values.
  template <class T>
  void put_vector(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<uint64_t>(v.size());
    out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  /// Appends raw bytes (a magic).
  void put_raw(std::string_view s) { out_.append(s); }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

class ByteReader {
 public:
  /// Reads `data`; `what` names it in errors ("XGBoost model", "bundle 'm.bin'").
  ByteReader(std::string_view data, std::string what) : data_(data), what_(std::move(what)) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  std::string_view get_bytes() {
    uint64_t n = get<uint64_t>();
    return {take(n), n};
  }
  template <class T>
  std::vector<T> get_vector() {
    uint64_t n = get<uint64_t>();
    if (n > remaining() / sizeof(T)) fail("a length runs past its end");
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
    return v;
  }
  /// Checks that the next bytes are `magic`.
  void expect_raw(std::string_view magic, const char* expected) {
    if (remaining() < magic.size() || data_.substr(pos_, magic.size()) != magic)
      throw Error(what_ + " is not " + expected + " (bad magic)");
    pos_ += magic.size();
  }
  size_t remaining() const { return data_.size() - pos_; }
  /// Throws unless every byte was read.
  void expect_end() {
    if (remaining()) fail("it has trailing bytes");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error(what_ + " is corrupt: " + why);
  }

 private:
  const char* take(uint64_t n) {
    if (n > remaining()) fail("it is truncated");
    const char* p = data_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::string_view data_;
  size_t pos_ = 0;
  std::string what_;
};

}  // namespace malscope
