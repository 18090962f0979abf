// Presenting an evaluation: the JSON of `ptmon status` and the status API, the terminal table,
// and the two official tables (项目支出绩效目标执行监控表, 项目支出绩效自评表) as CSV, Markdown,
// printable HTML or an Excel workbook.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <ptmon/indicators/evaluation.h>

namespace ptmon {

// {"as_of":"2026-07","time_progress":0.5833,"projects":[…]} with numbers in base units;
// `project_id` (when not empty) keeps only that project.
nlohmann::ordered_json StatusJson(const Evaluation& evaluation, std::string_view project_id = {});

// A page of the projects, in catalogue order, for catalogues too large to send whole:
// StatusJson's document with the projects [offset, offset + limit) and
// "page": {"offset", "limit", "total"}.
struct StatusPage {
  size_t offset = 0;
  size_t limit = 0;
};
nlohmann::ordered_json StatusJson(const Evaluation& evaluation, const StatusPage& page);
// The same documents as compact text, written straight out without building the tree: what the
// status API sends (a province's 55 MB document in a fraction of the time and memory).
std::string StatusJsonText(const Evaluation& evaluation, std::string_view project_id = {});
std::string StatusJsonText(const Evaluation& evaluation, const StatusPage& page);
// The whole document as StatusJsonText writes it, appended to `out`, with `after_project`
// called after each project: the caller may take the text so far out of `out` there (to
// compress it in pieces), so the document need never be whole in memory.
void WriteStatusJson(const Evaluation& evaluation, std::string& out,
                     const std::function<void()>& after_project);

// A figure in its indicator's unit as the official tables print it: in the unit the target was
// published in (≥1500万条: 万条), whole counts, money in 万元 and rates with two decimals, never
// rounded across `target` (29.996 against ≥30 is not "30").
std::string PrintedQuantity(double value, const Target& target);

// The terminal table; `color` adds ANSI colours to the lights.
std::string StatusTable(const Evaluation& evaluation, std::string_view project_id, bool color);

enum class ReportKind { kMonitor, kSelfEvaluation };
enum class OutputFormat { kCsv, kMarkdown, kHtml };

// The free text of a project's 自评表, which the finance office may rewrite before printing:
// 评价结论, 存在问题, 改进措施 and the names on the 项目负责人 / 财务负责人 lines.
struct ConclusionText {
  std::string conclusion, problems, measures;
  std::string project_lead, finance_lead;
};
// By project id. A field left empty keeps the draft's text.
using ConclusionTexts = std::map<std::string, ConclusionText, std::less<>>;

// The draft the 自评表 prints unless a text replaces it: the score, grade, indicators'
// standing and execution rate as 评价结论; the managers' deviation reasons (and the budget's,
// below 90 % execution) as 存在问题; their corrective actions as 改进措施. No names.
ConclusionText DraftConclusion(const Evaluation& evaluation, const ProjectStatus& project);

// One table per project, titled and headed as the official forms are.
std::string RenderReport(const Evaluation& evaluation, ReportKind kind, OutputFormat format,
                         std::string_view unit_name, std::string_view project_id = {},
                         const ConclusionTexts& texts = {});
// The same tables as an .xlsx workbook, one sheet per project, ready to print (A4 landscape,
// merged titles, borders, lights as cell colours, rows as tall as their wrapped text). Figures
// are numbers with number formats (0.00 for 万元, 0.00% for rates, the unit as a suffix where no
// column names it), so they can be added up. Fails only when the temporary file it is written
// through cannot be (libxlsxwriter writes files).
Result<std::string> RenderReportXlsx(const Evaluation& evaluation, ReportKind kind,
                                     std::string_view unit_name, std::string_view project_id = {},
                                     const ConclusionTexts& texts = {});

}  // namespace ptmon
