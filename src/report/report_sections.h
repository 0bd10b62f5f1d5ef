#pragma once
// The sections of the report, one function each (internal to src/report).
#include "analysis/sample_plot.h"
#include "report/html_page.h"
#include "report/report.h"

namespace malscope::report {

/// A fixed palette; colour(i) cycles through it.
std::string colour(size_t i);
/// "12.3%"
std::string pct(double share, int decimals = 1);
/// A Plotly layout with a title and the report's margins, merged with `extra`.
nlohmann::json chart_layout(const std::string& title,
                            nlohmann::json extra = nlohmann::json::object());
/// The note above a sample plot: calls, threads, distinct APIs and what is shown (HTML).
std::string sample_note(const SamplePoints& sample);

void overview_section(HtmlPage& page, const ReportInputs& in);
void pies_section(HtmlPage& page, const ReportInputs& in, const ReportOptions& opt);
void distinctive_section(HtmlPage& page, const ReportInputs& in, const ReportOptions& opt);
void traits_section(HtmlPage& page, const ReportInputs& in);
void examples_section(HtmlPage& page, const ReportInputs& in, const ReportOptions& opt);
void audit_section(HtmlPage& page, const ReportInputs& in);
void cv_section(HtmlPage& page, const ReportInputs& in);
void overlap_section(HtmlPage& page, const ReportInputs& in);
void attack_section(HtmlPage& page, const ReportInputs& in);

}  // namespace malscope::report
