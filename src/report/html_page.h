#pragma once
// A self-contained HTML page: sections with a table of contents, escaped text and tables, and
// Plotly charts whose specs travel as one JSON block. plotly.js is inlined, so the file works
// offline; a small boot script draws every chart and records on <body> how many it drew and
// what failed (data-charts, data-drawn, data-errors), which the browser test reads.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace malscope {

/// Escapes text for HTML content and attribute values.
std::string html_escape(std::string_view text);

/// JSON safe inside a <script> element ('<', '>', '&' written as \u escapes).
std::string script_json(const nlohmann::json& value);

class HtmlPage {
 public:
  /// A page titled `title`; `subtitle` (escaped) goes under the title.
  HtmlPage(std::string title, std::string subtitle);

  /// Starts a section (a level-2 heading listed in the table of contents).
  void section(std::string_view anchor, std::string_view title);
  /// A level-3 heading.
  void subheading(std::string_view text);
  /// A paragraph of text (escaped).
  void paragraph(std::string_view text);
  /// A highlighted remark (escaped); `kind` is "info", "warn" or "good".
  void callout(std::string_view text, std::string_view kind = "info");
  /// Trusted markup, as is.
  void raw(std::string_view html);
  /// A table of escaped cells; cells that look numeric are right-aligned.
  void table(const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows);
  /// Opens a grid of `columns` equal columns; every chart/table/raw until end_grid() is a cell.
  void begin_grid(int columns);
  /// Opens a grid with explicit CSS column widths, e.g. "2fr 3fr".
  void begin_grid(std::string_view widths);
  void end_grid();
  /// Adds a chart: `spec` holds Plotly `data` and `layout`, or a `sample` the boot script
  /// expands (see page_script.cc). Returns the chart's element id.
  std::string chart(nlohmann::json spec, int height_px);
  /// Data shared by all charts (e.g. the API names samples refer to).
  void set_shared(std::string_view key, nlohmann::json value);

  /// The whole document.
  std::string render() const;
  /// Number of charts added.
  size_t charts() const { return charts_.size(); }

 private:
  std::string title_, subtitle_, body_;
  std::vector<std::pair<std::string, std::string>> toc_;
  nlohmann::json charts_ = nlohmann::json::array();
  nlohmann::json shared_ = nlohmann::json::object();
  bool in_grid_ = false;
};

}  // namespace malscope
