#pragma once
// The sections of the report, one function each (internal to src/report).
#include "report/html_page.h"
#include "report/report.h"

namespace malscope::report {

/// A fixed palette; colour(i) cycles through it.
std::string colour(size_t i);
/// "12.3%"
std::string pct(double share, int decimals = 1);

void overview_section(HtmlPage& page, const ReportInputs& in);
void pies_section(HtmlPage& page, const ReportInputs& in, const ReportOptions& opt);
void distinctive_section(HtmlPage& page, const ReportInputs& in, const ReportOptions& opt);
void traits_section(HtmlPage& page, const ReportInputs& in);
void examples_section(HtmlPage& page, const ReportInputs& in, const ReportOptions& opt);
void audit_section(HtmlPage& page, const ReportInputs& in);
void cv_section(HtmlPage& page, const ReportInputs& in);

}  // namespace malscope::report
