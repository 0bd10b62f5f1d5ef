#include "util/serial.h"

#include <gtest/gtest.h>

namespace malscope {
namespace {

// Whatever a ByteReader throws, as text ("" if it does not throw).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Serial, RoundTripOfValuesStringsAndVectors) {
  ByteWriter w;
  w.put_raw("MAGIC");
  w.put<uint32_t>(7);
  w.put(true);
  w.put(-2.5);
  w.put(std::string("text"));
  w.put(std::vector<float>{1.5f, -3});
  w.put(std::vector<std::string>{"a", "", "ccc"});
  w.put_bytes("blob");
  const std::string bytes = w.str();

  ByteReader r(bytes, "test blob");
  r.expect_raw("MAGIC", "a test blob");
  EXPECT_EQ(r.get<uint32_t>(), 7u);
  bool b = false;
  double d = 0;
  std::string s;
  std::vector<float> f;
  std::vector<std::string> names;
  r.get(b), r.get(d), r.get(s), r.get(f), r.get(names);
  EXPECT_TRUE(b);
  EXPECT_EQ(d, -2.5);
  EXPECT_EQ(s, "text");
  EXPECT_EQ(f, (std::vector<float>{1.5f, -3}));
  EXPECT_EQ(names, (std::vector<std::string>{"a", "", "ccc"}));
  ByteReader blob = r.get_blob("inner blob");
  EXPECT_EQ(blob.get_raw(4), "blob");
  blob.expect_end();
  r.expect_end();
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(Serial, ErrorsNameWhatWasRead) {
  ByteWriter w;
  w.put<uint64_t>(1000);  // a length far past the end
  w.put<uint8_t>(2);
  const std::string bytes = w.str();
  EXPECT_EQ(error_of([&] {
              ByteReader r(bytes, "model 'm'");
              r.get_bytes();
            }),
            "model 'm' is corrupt: it is truncated");
  EXPECT_EQ(error_of([&] {
              ByteReader r(bytes, "model 'm'");
              r.get_vector<double>();
            }),
            "model 'm' is corrupt: a length runs past its end");
  EXPECT_EQ(error_of([&] {
              ByteReader r(bytes, "model 'm'");
              std::vector<std::string> v;
              r.get(v);
            }),
            "model 'm' is corrupt: a length runs past its end");
  EXPECT_EQ(error_of([&] {
              ByteReader r(std::string_view(bytes).substr(8), "model 'm'");
              bool b;
              r.get(b);
            }),
            "model 'm' is corrupt: a flag is neither 0 nor 1");
  EXPECT_EQ(error_of([&] {
              ByteReader r(bytes, "model 'm'");
              r.expect_raw("MSXGB", "an XGBoost model");
            }),
            "model 'm' is not an XGBoost model (bad magic)");
  EXPECT_EQ(error_of([&] {
              ByteReader r(bytes, "model 'm'");
              r.get<uint32_t>();
              r.expect_end();
            }),
            "model 'm' is corrupt: it has trailing bytes");
}

// What to_bytes() needs: a save(ByteWriter&) const.
struct Point {
  int32_t x = 0, y = 0;
  void save(ByteWriter& w) const { w.put(x), w.put(y); }
};

TEST(Serial, ToBytesIsWhatSaveWrites) {
  EXPECT_EQ(to_bytes(Point{1, 2}), std::string("\1\0\0\0\2\0\0\0", 8));
}

}  // namespace
}  // namespace malscope
