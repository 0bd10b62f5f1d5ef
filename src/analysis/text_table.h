#pragma once
// Column-aligned text tables for the commands' default output.
#include <string>
#include <string_view>
#include <vector>

namespace malscope {

class TextTable {
 public:
  /// Columns named in `header`; a name starting with '<' is left-aligned (the '<' is dropped),
  /// others are right-aligned.
  explicit TextTable(std::vector<std::string> header);
  /// Adds a row (one cell per column).
  void add(std::vector<std::string> row);
  /// The table, each line indented by `indent` spaces.
  std::string str(int indent = 2) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> left_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace malscope
