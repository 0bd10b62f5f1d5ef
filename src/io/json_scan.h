#pragma once
// Where a broken JSON text breaks. simdjson refuses a document that is cut short or has an
// unclosed string before any value is read, so it cannot say where in the report that was; this
// byte scanner, run only on such a refused document, follows the brackets, keys and list
// positions to the first place the text stops being one JSON value.
#include <cstdint>
#include <string>
#include <string_view>

namespace malscope {

/// The first structural fault of a JSON text.
struct JsonFault {
  bool found = false;   ///< false: the brackets, strings and UTF-8 are sound
  uint64_t offset = 0;  ///< byte where it is (the text's size when it ends too early)
  std::string path;     ///< JSON path there ("behavior.processes[0].calls[3]"; "(the top)")
  std::string what;     ///< "the text ends inside an object (cut short?)", ...
};

/// Scans `text` for the first place where it stops being a single JSON value: the end inside a
/// string, object or list; a closing bracket that does not match; content after the value;
/// bytes that are not UTF-8.
JsonFault find_json_fault(std::string_view text);

/// A JSON path from its steps: keys joined by '.', list positions as "[i]".
class JsonPathText {
 public:
  /// Appends a key.
  void key(std::string_view k);
  /// Appends a list position.
  void index(uint64_t i);
  /// The path so far; "(the top)" when empty.
  std::string str() const { return text_.empty() ? "(the top)" : text_; }

 private:
  std::string text_;
};

}  // namespace malscope
