#pragma once
// Little-endian byte writer and bounds-checked reader: the one serialiser of every saved object
// (feature pipeline, models, bundle), each with `save(ByteWriter&) const` and a matching `load`
// from a ByteReader. The reader throws Error naming what it was reading, so a truncated or
// foreign blob is a clear error, not a crash.
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
  /// Appends a string as put_bytes does.
  void put(const std::string& s) { put_bytes(s); }
  void put(std::string_view s) { put_bytes(s); }
  void put(const char*) = delete;  // would write the pointer
  /// Appends a u64 count, then each value as put() does.
  template <class T>
  void put(const std::vector<T>& v) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      put_vector(v);
    } else {
      put<uint64_t>(v.size());
      for (const T& x : v) put(x);
    }
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
  /// Everything written so far.
  std::string& str() { return out_; }

 private:
  std::string out_;
};

class ByteReader {
 public:
  /// Reads `data`; `what` names it in errors ("XGBoost model", "model bundle 'm.bin'").
  ByteReader(std::string_view data, std::string what) : data_(data), what_(std::move(what)) {}
  /// Reads a trivially copyable value.
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  /// Reads what put(v) wrote into v (a value, string or vector).
  template <class T>
  void get(T& v) {
    v = get<T>();
  }
  /// A bool as put() writes it: one byte, 0 or 1.
  void get(bool& v) {
    const uint8_t b = get<uint8_t>();
    if (b > 1) fail("a flag is neither 0 nor 1");
    v = b;
  }
  void get(std::string& s) { s = get_bytes(); }
  template <class T>
  void get(std::vector<T>& v) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      v = get_vector<T>();
    } else {
      const uint64_t n = get<uint64_t>();
      if (n > remaining() / sizeof(uint64_t)) fail("a length runs past its end");
      v.resize(n);
      for (T& x : v) get(x);
    }
  }
  /// Reads a u64 length, then that many bytes (a view into the data).
  std::string_view get_bytes() { return get_raw(get<uint64_t>()); }
  /// A reader over the next u64-length-prefixed blob (what put_bytes wrote), named `what`.
  ByteReader get_blob(std::string what) { return ByteReader(get_bytes(), std::move(what)); }
  /// Reads a u64 count, then the values.
  template <class T>
  std::vector<T> get_vector() {
    uint64_t n = get<uint64_t>();
    if (n > remaining() / sizeof(T)) fail("a length runs past its end");
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
    return v;
  }
  /// The next n bytes (a view into the data).
  std::string_view get_raw(uint64_t n) { return {take(n), n}; }
  /// Checks that the next bytes are `magic`.
  void expect_raw(std::string_view magic, const char* expected) {
    if (remaining() < magic.size() || data_.substr(pos_, magic.size()) != magic)
      throw Error(what_ + " is not " + expected + " (bad magic)");
    pos_ += magic.size();
  }
  /// Bytes not read yet.
  size_t remaining() const { return data_.size() - pos_; }
  /// Throws unless every byte was read.
  void expect_end() {
    if (remaining()) fail("it has trailing bytes");
  }
  /// What the data is, as errors name it.
  const std::string& what() const { return what_; }
  /// Throws Error "<what> is corrupt: <why>".
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

/// The bytes `obj.save(w)` writes.
template <class T>
std::string to_bytes(const T& obj) {
  ByteWriter w;
  obj.save(w);
  return std::move(w.str());
}

}  // namespace malscope
