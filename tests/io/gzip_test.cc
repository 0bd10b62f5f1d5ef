#include "io/gzip.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/error.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;

std::string error_of(std::string_view gz, size_t max) {
  ByteBuffer out;
  try {
    gunzip("r.json.gz", gz, out, max);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Gzip, RoundTripWithPaddingAndSeveralMembers) {
  std::string text(100000, 'x');
  for (size_t i = 0; i < text.size(); i += 7) text[i] = static_cast<char>('a' + i % 26);
  std::string gz = gzip(text);
  EXPECT_TRUE(looks_gzipped(gz));
  ByteBuffer out;
  gunzip("r", gz, out, 1 << 20, 64);
  EXPECT_EQ(out.view(), text);
  EXPECT_GE(out.capacity(), out.size() + 64);
  gunzip("r", gz + gzip("tail"), out, 1 << 20);  // as `cat a.gz b.gz` makes
  EXPECT_EQ(out.view(), text + "tail");
}

TEST(Gzip, BadInputIsAnError) {
  EXPECT_THAT(error_of("", 100), HasSubstr("r.json.gz: not gzip data"));
  EXPECT_THAT(error_of("{\"a\": 1}", 100), HasSubstr("not gzip data"));
  std::string gz = gzip(std::string(5000, 'a'));
  EXPECT_THAT(error_of(gz.substr(0, gz.size() / 2), 1 << 20), HasSubstr("cut-short"));
  EXPECT_THAT(error_of(gz, 1000), HasSubstr("decompresses to more than"));
  EXPECT_THAT(error_of(gz + "junk", 1 << 20), HasSubstr("trailing bytes that are not gzip"));
}

}  // namespace
}  // namespace malscope
