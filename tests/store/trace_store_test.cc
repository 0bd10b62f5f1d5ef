#include "store/trace_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "store/codec.h"
#include "store/ingest.h"
#include "test_util.h"
#include "util/error.h"
#include "util/hash.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::read_text;
using testing_util::TempDir;
using testing_util::write_text;

std::string make_store(const TempDir& dir, uint32_t chunk_rows = 1 << 20) {
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  for (int f = 0; f < 50; ++f)
    for (int i = 0; i < 100; ++i)
      csv += "f" + std::to_string(f) + "," + std::to_string(f % 4) + ",A" + std::to_string(i % 9) +
             ",7," + std::to_string(i) + "," + std::to_string(i) + "\n";
  write_text(dir.file("in.csv"), csv);
  IngestOptions opt;
  opt.log = nullptr;
  opt.progress = {};
  opt.chunk_rows = chunk_rows;
  ingest_csv(dir.file("in.csv"), dir.file("s"), opt);
  return dir.file("s");
}

std::string open_error(const std::string& path) {
  try {
    TraceStore::open(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TraceStore, ForEachFileVisitsEveryFileOnce) {
  TempDir dir;
  TraceStore s = TraceStore::open(make_store(dir, 700));
  EXPECT_GT(s.num_chunks(), 3u);
  std::vector<std::atomic<int>> seen(s.num_files());
  std::atomic<uint64_t> rows{0};
  s.for_each_file(kColApi | kColRet, 2, [&](const FileTrace& t, int) {
    seen[t.file]++;
    rows += t.size();
    EXPECT_EQ(t.api.size(), t.size());
    EXPECT_EQ(t.ret.size(), t.size());
    EXPECT_TRUE(t.tid.empty());  // not decoded
  });
  for (auto& x : seen) EXPECT_EQ(x.load(), 1);
  EXPECT_EQ(rows.load(), 5000u);
}

TEST(TraceStore, FindFileByIdAndLabels) {
  TempDir dir;
  TraceStore s = TraceStore::open(make_store(dir));
  ASSERT_TRUE(s.find_file("f13").has_value());
  EXPECT_EQ(s.file_id(*s.find_file("f13")), "f13");
  EXPECT_EQ(s.label(*s.find_file("f13")), 1);
  EXPECT_FALSE(s.find_file("nope").has_value());
}

TEST(TraceStoreErrors, ForeignFile) {
  TempDir dir;
  write_text(dir.file("x"), "file_id,label\n1,2\n");
  EXPECT_THAT(open_error(dir.file("x")), HasSubstr("is not a malscope store"));
  write_text(dir.file("empty"), "");
  EXPECT_THAT(open_error(dir.file("empty")), HasSubstr("is not a malscope store"));
  EXPECT_THAT(open_error(dir.file("missing")), HasSubstr("cannot open"));
}

TEST(TraceStoreErrors, TruncatedAtEveryCut) {
  TempDir dir;
  std::string bytes = read_text(make_store(dir));
  for (size_t cut :
       {size_t(9), size_t(100), sizeof(store::Header), bytes.size() / 2, bytes.size() - 1}) {
    write_text(dir.file("t"), bytes.substr(0, cut));
    EXPECT_THAT(open_error(dir.file("t")), HasSubstr("not a valid malscope store"))
        << "cut at " << cut;
  }
}

TEST(TraceStoreErrors, OtherVersion) {
  TempDir dir;
  std::string bytes = read_text(make_store(dir));
  bytes[8] = 9;  // version field
  write_text(dir.file("v"), bytes);
  EXPECT_THAT(open_error(dir.file("v")), HasSubstr("format version 9"));
}

TEST(TraceStoreErrors, DamagedTablesFailTheChecksum) {
  TempDir dir;
  std::string bytes = read_text(make_store(dir));
  bytes[bytes.size() - 20] ^= 0x5a;  // inside the metadata JSON
  write_text(dir.file("d"), bytes);
  EXPECT_THAT(open_error(dir.file("d")), HasSubstr("checksum"));
}

TEST(TraceStoreErrors, DamagedChunkIsAnErrorOnRead) {
  TempDir dir;
  std::string bytes = read_text(make_store(dir));
  bytes[sizeof(store::Header) + 12] ^= 0x33;  // inside the first column frame
  write_text(dir.file("d"), bytes);
  TraceStore s = TraceStore::open(dir.file("d"));
  EXPECT_THROW(s.for_each_file(kColAll, 1, [](const FileTrace&, int) {}), Error);
}

TEST(Codec, RoundTripsEveryWidthAndCodec) {
  std::vector<int64_t> v = {0, 1, -1, 5, INT64_MIN, INT64_MAX, 300, -70000, 1LL << 40};
  std::vector<uint32_t> u = {0, 7, 7, 7, 4000000000u, 1, 2, 3};
  for (auto codec : {store::kCodecPlain, store::kCodecDelta}) {
    store::ColumnFrame f{};
    std::string enc = store::encode_column(std::span<const int64_t>(v), codec, f);
    std::vector<int64_t> back;
    store::decode_column(enc.data(), f, static_cast<uint32_t>(v.size()), back, "test");
    EXPECT_EQ(back, v);
    store::ColumnFrame g{};
    std::string enc2 = store::encode_column(std::span<const uint32_t>(u), codec, g);
    std::vector<uint32_t> back2;
    store::decode_column(enc2.data(), g, static_cast<uint32_t>(u.size()), back2, "test");
    EXPECT_EQ(back2, u);
  }
  std::vector<uint32_t> small = {1, 2, 3, 4};
  store::ColumnFrame f{};
  store::encode_column(std::span<const uint32_t>(small), store::kCodecDelta, f);
  EXPECT_EQ(f.width, 1);  // deltas of 1 fit a byte
}

// Mostly-narrow columns with a few wide codes are patched: narrow codes plus listed exceptions,
// including codes right at each width's escape value.
TEST(Codec, PatchedColumnsRoundTripAtEveryWidth) {
  struct Case {
    int64_t small_max;
    std::vector<int64_t> rare;
    int width;
  };
  const std::vector<Case> cases = {
      {100, {INT64_MIN, INT64_MIN + 5, 127, -128, 128}, 1},  // zigzag 254, 255, 256 around 0xff
      {30000, {INT64_MIN + 1, 32767, -32768, 1LL << 40}, 2},
      {2000000000, {INT64_MIN + 2, INT64_MAX, 2147483647, -2147483648LL}, 4},
  };
  for (const Case& c : cases) {
    std::vector<int64_t> v;
    uint64_t x = 1;
    for (int i = 0; i < 20000; ++i) {
      x = mix64(x + i);
      v.push_back(i % 997 == 5 ? c.rare[(i / 997) % c.rare.size()]
                               : static_cast<int64_t>(x % (2 * c.small_max + 1)) - c.small_max);
    }
    store::ColumnFrame f{};
    std::string enc = store::encode_column(std::span<const int64_t>(v), store::kCodecPlain, f);
    EXPECT_EQ(f.codec, store::kCodecPatched);
    EXPECT_EQ(f.width, c.width);
    std::vector<int64_t> back;
    store::decode_column(enc.data(), f, static_cast<uint32_t>(v.size()), back, "test");
    EXPECT_EQ(back, v);
    // One row fewer than written: the escape count no longer matches, a clear error.
    EXPECT_THROW(
        store::decode_column(enc.data(), f, static_cast<uint32_t>(v.size() - 1), back, "test"),
        Error);
  }
  // Wide codes everywhere: plain stays plain.
  std::vector<int64_t> wide(1000, INT64_MIN);
  store::ColumnFrame f{};
  store::encode_column(std::span<const int64_t>(wide), store::kCodecPlain, f);
  EXPECT_EQ(f.codec, store::kCodecPlain);
  EXPECT_EQ(f.width, 8);
}

}  // namespace
}  // namespace malscope
