#pragma once
// JSON text for the simulator's reports, written by hand into a string (numbers with to_chars,
// hex and timestamps digit by digit): a gigabyte of reports is formatted in seconds.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace malscope::sim {

/// Appends JSON pieces to a string; strings given to it are already escaped.
class JsonText {
 public:
  /// Appends to `s`.
  explicit JsonText(std::string& s) : s_(s) {}
  /// Text as it is.
  JsonText& raw(std::string_view t) {
    s_ += t;
    return *this;
  }
  /// A JSON string of already escaped text.
  JsonText& str(std::string_view t) {
    s_ += '"';
    s_ += t;
    s_ += '"';
    return *this;
  }
  /// A signed integer.
  JsonText& num(int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    s_.append(buf, r.ptr);
    return *this;
  }
  /// An unsigned integer.
  JsonText& unum(uint64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    s_.append(buf, r.ptr);
    return *this;
  }
  /// "0x" and `digits` lower-case hex digits, quoted.
  JsonText& hex(uint64_t v, int digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    char buf[20] = {'"', '0', 'x'};
    for (int i = 0; i < digits; ++i) buf[3 + i] = kHex[(v >> (4 * (digits - 1 - i))) & 15];
    buf[3 + digits] = '"';
    s_.append(buf, 4 + digits);
    return *this;
  }
  /// CAPE's "YYYY-MM-DD HH:MM:SS,mmm" for `ms` milliseconds since 1970 (UTC, quoted).
  JsonText& cape_time(uint64_t ms) {
    uint64_t days = ms / 86400000, in_day = ms % 86400000;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    int64_t z = static_cast<int64_t>(days) + 719468, era = z / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    char b[26];
    auto two = [&](int at, int64_t v) {
      b[at] = static_cast<char>('0' + v / 10);
      b[at + 1] = static_cast<char>('0' + v % 10);
    };
    b[0] = '"';
    two(1, y / 100), two(3, y % 100), b[5] = '-', two(6, m), b[8] = '-', two(9, d), b[11] = ' ';
    two(12, static_cast<int64_t>(in_day / 3600000)), b[14] = ':';
    two(15, static_cast<int64_t>(in_day / 60000 % 60)), b[17] = ':';
    two(18, static_cast<int64_t>(in_day / 1000 % 60)), b[20] = ',';
    b[21] = static_cast<char>('0' + in_day % 1000 / 100);
    two(22, static_cast<int64_t>(in_day % 100)), b[24] = '"';
    s_.append(b, 25);
    return *this;
  }
  /// Cuckoo's float epoch seconds, to the millisecond.
  JsonText& epoch(uint64_t ms) {
    unum(ms / 1000).raw(".");
    char b[3] = {static_cast<char>('0' + ms % 1000 / 100), static_cast<char>('0' + ms % 100 / 10),
                 static_cast<char>('0' + ms % 10)};
    s_.append(b, 3);
    return *this;
  }

 private:
  std::string& s_;
};

}  // namespace malscope::sim
