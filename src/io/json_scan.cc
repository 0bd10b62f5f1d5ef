#include "io/json_scan.h"

#include <fmt/format.h>
#include <vector>

namespace malscope {
namespace {

struct Frame {
  bool object;
  bool expect_key;
  uint64_t index;
  std::string key;
};

std::string path_of(const std::vector<Frame>& stack) {
  JsonPathText p;
  for (const Frame& f : stack) {
    if (!f.object)
      p.index(f.index);
    else if (!f.key.empty())
      p.key(f.key);
  }
  return p.str();
}

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not one.
size_t utf8_length(std::string_view text, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || (n == 2 && c < 0xC2) || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(i + k) >> 6) != 2) return 0;
  return n;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

void JsonPathText::key(std::string_view k) {
  if (!text_.empty()) text_ += '.';
  text_ += k;
}

void JsonPathText::index(uint64_t i) {
  text_ += fmt::format("[{}]", i);
}

JsonFault find_json_fault(std::string_view text) {
  std::vector<Frame> stack;
  JsonFault fault;
  auto fail = [&](uint64_t at, std::string what) {
    fault = {true, at, path_of(stack), std::move(what)};
    return fault;
  };
  bool value_done = false;  // the top-level value is complete
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const char c = text[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (value_done) return fail(i, "content after the JSON value (trailing garbage)");
    if (static_cast<unsigned char>(c) >= 0x80) {
      if (!utf8_length(text, i)) return fail(i, "a byte that is not UTF-8");
      i += utf8_length(text, i);
      continue;
    }
    switch (c) {
      case '"': {
        const size_t start = ++i;
        while (i < n && text[i] != '"') {
          if (text[i] == '\\') ++i;
          if (i < n && static_cast<unsigned char>(text[i]) >= 0x80) {
            size_t len = utf8_length(text, i);
            if (!len) return fail(i, "a byte that is not UTF-8 in a string");
            i += len;
          } else {
            ++i;
          }
        }
        if (i >= n) return fail(n, "the text ends inside a string (cut short?)");
        if (!stack.empty() && stack.back().object && stack.back().expect_key) {
          stack.back().key = std::string(text.substr(start, i - start));
          stack.back().expect_key = false;
        }
        ++i;
        value_done = stack.empty();
        continue;
      }
      case '{':
      case '[':
        stack.push_back({c == '{', c == '{', 0, {}});
        break;
      case '}':
      case ']':
        if (stack.empty() || stack.back().object != (c == '}'))
          return fail(i, fmt::format("'{}' does not close the {}", c,
                                     stack.empty()         ? "top value"
                                     : stack.back().object ? "object"
                                                           : "list"));
        stack.pop_back();
        value_done = stack.empty();
        break;
      case ',':
        if (stack.empty()) return fail(i, "a ',' outside any object or list");
        if (stack.back().object)
          stack.back().expect_key = true;
        else
          ++stack.back().index;
        break;
      case ':':
        break;
      default:  // a number or a literal: up to the next delimiter
        while (i < n && !is_space(text[i]) && text[i] != ',' && text[i] != ']' && text[i] != '}' &&
               text[i] != ':')
          ++i;
        value_done = stack.empty();
        continue;
    }
    ++i;
  }
  if (!stack.empty())
    return fail(n, fmt::format("the text ends inside {} (cut short?)",
                               stack.back().object ? "an object" : "a list"));
  return fault;
}

}  // namespace malscope
