#include "report/html_page.h"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cstring>

#include "report/page_script.h"
#include "report/plotly_js.h"
#include "util/error.h"

namespace malscope {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// s with '<', '>' and '&' replaced by the three given spellings.
std::string replace_markup(std::string_view s, std::string_view lt, std::string_view gt,
                           std::string_view amp) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) out += c == '<' ? lt : c == '>' ? gt : c == '&' ? amp : std::string_view(&c, 1);
  return out;
}

}  // namespace

std::string script_json(const nlohmann::json& value) {
  // '<', '>' and '&' only occur inside JSON strings, where \u escapes mean the same.
  return replace_markup(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                        "\\u003c", "\\u003e", "\\u0026");
}

namespace {

// plotly.js reads <a>, <b>, <br>, <span style> ... inside any label, title, category or hover
// value as markup, and decodes entities only after that: escaping '&', '<' and '>' makes a
// hostile API name or file id show as the text it is. Templates are the page's own markup.
void escape_plotly_text(nlohmann::json& v, std::string_view key = {}) {
  if (v.is_string()) {
    if (key.size() >= 8 && key.substr(key.size() - 8) == "template") return;
    const std::string& s = v.get_ref<const std::string&>();
    if (s.find_first_of("&<>") != std::string::npos) v = replace_markup(s, "&lt;", "&gt;", "&amp;");
  } else if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) escape_plotly_text(it.value(), it.key());
  } else if (v.is_array()) {
    for (auto& e : v) escape_plotly_text(e, key);
  }
}

bool looks_numeric(std::string_view s) {
  if (s.empty()) return false;
  size_t digits = 0;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits++;
    else if (!std::strchr("+-.,%eE x/", c))
      return false;
  }
  return digits > 0;
}

// The bundle goes inside a <script> element, which its text must not close.
void check_embeddable(std::string_view js) {
  for (size_t i = js.find("</"); i != std::string_view::npos; i = js.find("</", i + 2)) {
    std::string tag(js.substr(i + 2, 6));
    std::transform(tag.begin(), tag.end(), tag.begin(), [](char c) { return std::tolower(c); });
    if (tag == "script")
      throw Error("the embedded plotly.js contains '</script' and cannot be inlined");
  }
}

}  // namespace

HtmlPage::HtmlPage(std::string title, std::string subtitle)
    : title_(std::move(title)), subtitle_(std::move(subtitle)) {}

void HtmlPage::section(std::string_view anchor, std::string_view title) {
  if (!toc_.empty()) body_ += "</section>\n";
  toc_.emplace_back(anchor, title);
  body_ += fmt::format("<section id=\"{}\"><h2>{}</h2>\n", html_escape(anchor), html_escape(title));
}

void HtmlPage::subheading(std::string_view text) {
  body_ += fmt::format("<h3>{}</h3>\n", html_escape(text));
}

void HtmlPage::paragraph(std::string_view text) {
  body_ += fmt::format("<p>{}</p>\n", html_escape(text));
}

void HtmlPage::callout(std::string_view text, std::string_view kind) {
  body_ +=
      fmt::format("<div class=\"callout {}\">{}</div>\n", html_escape(kind), html_escape(text));
}

void HtmlPage::raw(std::string_view html) {
  body_ += html;
}

void HtmlPage::table(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows) {
  std::string t = "<table><thead><tr>";
  for (const auto& h : header) t += "<th>" + html_escape(h) + "</th>";
  t += "</tr></thead><tbody>\n";
  for (const auto& r : rows) {
    t += "<tr>";
    for (const auto& c : r)
      t += (looks_numeric(c) ? "<td class=\"num\">" : "<td>") + html_escape(c) + "</td>";
    t += "</tr>\n";
  }
  body_ += t + "</tbody></table>\n";
}

void HtmlPage::begin_grid(int columns) {
  begin_grid(fmt::format("repeat({}, minmax(0, 1fr))", std::max(columns, 1)));
}

void HtmlPage::begin_grid(std::string_view widths) {
  if (in_grid_) end_grid();
  body_ += fmt::format("<div class=\"grid\" style=\"grid-template-columns: {}\">\n",
                       html_escape(widths));
  in_grid_ = true;
}

void HtmlPage::end_grid() {
  if (in_grid_) body_ += "</div>\n";
  in_grid_ = false;
}

std::string HtmlPage::chart(nlohmann::json spec, int height_px) {
  std::string id = fmt::format("chart-{}", charts_.size() + 1);
  spec["id"] = id;
  charts_.push_back(std::move(spec));
  body_ +=
      fmt::format("<div class=\"chart\" id=\"{}\" style=\"height: {}px\"></div>\n", id, height_px);
  return id;
}

void HtmlPage::set_shared(std::string_view key, nlohmann::json value) {
  shared_[std::string(key)] = std::move(value);
}

std::string HtmlPage::render() const {
  std::string_view js = plotly_js();
  check_embeddable(js);
  std::string out;
  out.reserve(js.size() + body_.size() + 65536);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<meta name=\"generator\" content=\"malscope 0.1.0, plotly.js {}\">\n",
                     plotly_version());
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n", html_escape(title_), page_css());
  out +=
      fmt::format("<script>/* plotly.js {} (MIT license), inlined so this page works offline */\n",
                  plotly_version());
  out += js;
  out += "\n</script>\n</head>\n<body>\n";
  out += fmt::format("<header><h1>{}</h1><p>{}</p></header>\n", html_escape(title_),
                     html_escape(subtitle_));
  out += "<div id=\"malscope-status\" hidden></div>\n<nav>";
  for (const auto& [anchor, title] : toc_)
    out += fmt::format("<a href=\"#{}\">{}</a>", html_escape(anchor), html_escape(title));
  out += "</nav>\n<main>\n" + body_;
  if (in_grid_) out += "</div>\n";
  if (!toc_.empty()) out += "</section>\n";
  out += "</main>\n<script type=\"application/json\" id=\"malscope-data\">";
  nlohmann::json data = {{"charts", charts_}, {"shared", shared_}};
  escape_plotly_text(data);
  out += script_json(data);
  out += "</script>\n<script>";
  out += page_boot_js();
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace malscope
