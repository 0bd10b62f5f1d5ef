#include "io/csv_parser.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "util/hash.h"

namespace malscope {
namespace {

// A deliberately simple reference: split lines and fields, check each field the slow way.
struct Reference {
  std::vector<std::vector<std::string>> rows;  // kept rows' fields
  std::vector<uint64_t> bad_lines;
};

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 10) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return std::stoull(s) <= UINT32_MAX;
}

Reference reference_parse(const std::string& text) {
  Reference r;
  uint64_t line = 0;
  size_t s = 0;
  while (s < text.size()) {
    size_t e = text.find('\n', s);
    if (e == std::string::npos) e = text.size();
    std::string l = text.substr(s, e - s);
    s = e + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l.empty()) continue;
    std::vector<std::string> f;
    size_t a = 0;
    for (;;) {
      size_t c = l.find(',', a);
      f.push_back(l.substr(a, c == std::string::npos ? std::string::npos : c - a));
      if (c == std::string::npos) break;
      a = c + 1;
    }
    // Columns: file_id,label,api,tid,index
    bool ok = f.size() == 5 && !f[0].empty() && all_digits(f[1]) && std::stoull(f[1]) <= 999 &&
              !f[2].empty() && all_digits(f[3]) && all_digits(f[4]);
    if (ok)
      r.rows.push_back(f);
    else
      r.bad_lines.push_back(line);
  }
  return r;
}

std::string random_text(uint64_t seed, size_t lines) {
  std::string t;
  uint64_t x = seed;
  auto next = [&] { return x = mix64(x + 0x9e3779b97f4a7c15ULL); };
  int file = 0;
  for (size_t i = 0; i < lines; ++i) {
    uint64_t r = next() % 100;
    if (next() % 50 == 0) ++file;
    std::string row = std::to_string(file) + "," + std::to_string(file % 7) + ",Api" +
                      std::to_string(next() % 40) + "," + std::to_string(next() % 5000) + "," +
                      std::to_string(i);
    if (r < 85) {
    } else if (r < 88) {
      row = "";  // blank line
    } else if (r < 91) {
      row = row.substr(0, row.rfind(','));  // a field short
    } else if (r < 94) {
      row += ",extra";
    } else if (r < 97) {
      row[row.size() - 1] = 'x';  // bad index
    } else {
      row = ",,,,";
    }
    t += row;
    t += next() % 10 == 0 ? "\r\n" : "\n";
  }
  return t;
}

// Runs `body` with the AVX-512 separator scan (where the CPU has it) and with the SSE2 one.
template <class Body>
void with_each_scan(Body body) {
  for (bool avx512 : {true, false}) {
    SCOPED_TRACE(avx512 ? "AVX-512 scan allowed" : "SSE2 scan");
    bool used = use_avx512_parser(avx512);
    if (avx512 && !used) std::printf("(this CPU has no AVX-512 VBMI2: the SSE2 scan runs twice)\n");
    body();
  }
  use_avx512_parser(true);
}

TEST(CsvParser, MatchesAReferenceOnRandomTextAcrossSlices) {
  with_each_scan([] {
    std::string header = "file_id,label,api,tid,index";
    CsvSchema schema = CsvSchema::from_header(header, "test");
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      std::string text = random_text(seed, 30000 + seed * 997);  // ~1 MB: many 64 kB slices
      if (seed % 2) text.pop_back();                             // sometimes no final '\n'
      Reference want = reference_parse(text);
      TraceBatch got = parse_block(text, schema, /*skip_bad_rows=*/true);
      ASSERT_EQ(got.rows(), want.rows.size()) << "seed " << seed;
      std::vector<uint64_t> bad;
      for (const BadRecord& b : got.bad) bad.push_back(b.line);
      EXPECT_EQ(bad, want.bad_lines) << "seed " << seed;
      size_t row = 0;
      for (const BatchFile& run : got.files)
        for (uint32_t i = run.row_begin; i < run.row_end; ++i, ++row) {
          const auto& f = want.rows[row];
          ASSERT_EQ(run.file_id, f[0]);
          ASSERT_EQ(got.apis[got.api[i]], f[2]);
          ASSERT_EQ(got.tid[i], std::stoul(f[3]));
          ASSERT_EQ(got.index[i], std::stoul(f[4]));
        }
      EXPECT_EQ(row, want.rows.size());
    }
  });
}

// API names of every length around the interner's inline limit (16 and 32 bytes), sharing long
// prefixes and differing only in their last byte, some at the very end of the text.
TEST(CsvParser, InternsNamesOfEveryLengthExactly) {
  CsvSchema schema = CsvSchema::from_header("file_id,label,api,tid,index", "test");
  std::vector<std::string> names;
  for (size_t len = 1; len <= 48; ++len)
    for (char last : {'a', 'b'}) names.push_back(std::string(len - 1, 'N') + last);
  uint64_t x = 7;
  std::string text;
  std::vector<std::string> want;
  for (int i = 0; i < 50000; ++i) {
    x = mix64(x + 1);
    want.push_back(names[x % names.size()]);
    text += "f,0," + want.back() + ",1," + std::to_string(i) + "\n";
  }
  for (const std::string& n : {names[95], names[63], names[64], names[0]}) {  // the last rows
    want.push_back(n);
    text += "f,0," + n + ",1,0\n";
  }
  TraceBatch got = parse_block(text, schema, false);
  ASSERT_TRUE(got.bad.empty());
  ASSERT_EQ(got.rows(), want.size());
  EXPECT_EQ(got.apis.size(), names.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got.apis[got.api[i]], want[i]) << i;
}

// A quoted field far into a block (after several 64 kB slices) switches to the quoted path
// there, without losing or repeating a row, and line numbers stay right.
TEST(CsvParser, QuoteAfterManySlicesSwitchesPaths) {
  with_each_scan([] {
    CsvSchema schema = CsvSchema::from_header("file_id,label,api,tid,index", "test");
    std::string text;
    const int n = 20000;  // ~400 kB
    for (int i = 0; i < n; ++i) text += "f1,0,NtClose,1," + std::to_string(i) + "\n";
    text += "f1,0,\"Reg,Open\",1,7\n";  // a comma inside quotes
    text += "f1,0,NtClose,2\n";         // a bad row after the switch
    text += "f1,0,\"Nt\"\"Q\"\"\",3,9\n";
    TraceBatch got = parse_block(text, schema, true);
    ASSERT_EQ(got.rows(), static_cast<size_t>(n + 2));
    EXPECT_EQ(got.apis[got.api[n]], "Reg,Open");
    EXPECT_EQ(got.apis[got.api[n + 1]], "Nt\"Q\"");
    EXPECT_EQ(got.index[n - 1], static_cast<uint32_t>(n - 1));
    EXPECT_EQ(got.tid[n + 1], 3u);
    ASSERT_EQ(got.bad.size(), 1u);
    EXPECT_EQ(got.bad[0].line, static_cast<uint64_t>(n + 2));
    EXPECT_EQ(got.lines, static_cast<uint64_t>(n + 3));
  });
}

// Dense separators: up to 64 in one 64-byte step (",,,,\n" lines), which the AVX-512 scan
// writes in four stores of sixteen.
TEST(CsvParser, DenseSeparatorsInEveryScan) {
  with_each_scan([] {
    CsvSchema schema = CsvSchema::from_header("file_id,label,api,tid,index", "test");
    std::string text;
    size_t good = 0, bad = 0;
    for (int i = 0; i < 5000; ++i) {
      if (i % 7 < 4) {
        text += ",,,,\n";
        ++bad;
      } else {
        text += "1,0,A," + std::to_string(i % 10) + ",0\n";
        ++good;
      }
    }
    TraceBatch got = parse_block(text, schema, true);
    EXPECT_EQ(got.rows(), good);
    EXPECT_EQ(got.bad.size(), bad);
    EXPECT_EQ(got.bad.back().line, 5000u);  // i = 4999 is bad, i = 4997 the last good row
    EXPECT_EQ(got.tid.back(), 7u);
  });
}

TEST(CsvParser, StrictModeStopsAtTheFirstBadRow) {
  CsvSchema schema = CsvSchema::from_header("file_id,label,api,tid,index", "test");
  TraceBatch b = parse_block("1,0,A,1,0\n1,0,A,1,1\n1,0,A\n1,0,A,1,2\n", schema, false);
  ASSERT_EQ(b.bad.size(), 1u);
  EXPECT_EQ(b.bad[0].line, 3u);
  EXPECT_EQ(b.rows(), 2u);
}

// Every thread id of 1 to 5 digits parses, and one bad byte at any position of a number of any
// length (just below '0', just above '9', a letter, a high byte) is a bad row.
TEST(CsvParser, DigitsOfEveryLengthAndEveryBadByte) {
  CsvSchema schema = CsvSchema::from_header("file_id,label,api,tid,index", "test");
  std::string text;
  for (int t = 0; t < 100000; t += (t < 10000 ? 1 : 7))
    text += "f,0,A," + std::to_string(t) + ",0\n";
  TraceBatch ok = parse_block(text, schema, false);
  ASSERT_TRUE(ok.bad.empty());
  size_t row = 0;
  for (int t = 0; t < 100000; t += (t < 10000 ? 1 : 7)) ASSERT_EQ(ok.tid[row++], uint32_t(t)) << t;
  std::string bad;
  size_t expected = 0;
  for (size_t len = 1; len <= 12; ++len)
    for (size_t pos = 0; pos < len; ++pos)
      for (char c : {'/', ':', 'a', ' ', '\x80'}) {
        std::string digits(len, '7');
        digits[pos] = c;
        bad += "f,0,A,1," + digits + "\n";
        ++expected;
      }
  TraceBatch got = parse_block(bad + std::string(64, '\n'), schema, true);
  EXPECT_EQ(got.rows(), 0u);
  EXPECT_EQ(got.bad.size(), expected);
}

TEST(CsvParser, CanonicalIntegers) {
  int64_t v = 0;
  EXPECT_TRUE(parse_canonical_int64("0", v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(parse_canonical_int64("-1073741772", v));
  EXPECT_EQ(v, -1073741772);
  EXPECT_TRUE(parse_canonical_int64("9223372036854775807", v));
  EXPECT_EQ(v, INT64_MAX);
  for (const char* s :
       {"", "-", "-0", "01", "+1", "1.5", "0x10", "9223372036854775808", "12345678901234567890",
        "-9223372036854775808"})  // the lowest values stand for strings
    EXPECT_FALSE(parse_canonical_int64(s, v)) << s;
}

}  // namespace
}  // namespace malscope
