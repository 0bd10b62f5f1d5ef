#include "analysis/text_table.h"

#include <algorithm>

namespace malscope {

TextTable::TextTable(std::vector<std::string> header) {
  for (std::string& h : header) {
    left_.push_back(!h.empty() && h[0] == '<');
    header_.push_back(left_.back() ? h.substr(1) : h);
  }
}

void TextTable::add(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

std::string TextTable::str(int indent) const {
  std::vector<size_t> width(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) {
    width[c] = header_[c].size();
    for (const auto& r : rows_) width[c] = std::max(width[c], r[c].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l(indent, ' ');
    for (size_t c = 0; c < cells.size(); ++c) {
      std::string pad(width[c] - cells[c].size(), ' ');
      if (c) l += "  ";
      l += left_[c] ? cells[c] + (c + 1 < cells.size() ? pad : "") : pad + cells[c];
    }
    out += l + "\n";
  };
  line(header_);
  for (const auto& r : rows_) line(r);
  return out;
}

}  // namespace malscope
