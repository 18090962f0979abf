// The month's report to fill in: every indicator of the chosen projects with its target, the
// value reported last and the unit a bare number is read in (计量单位: "元（可写 万元）"), and
// the columns a manager fills (完成值, 偏差原因, 偏差说明, 改进措施,
// 完成可能性, 填报人). The same columns in every format, named as the CSV reader names them, so
// that a template filled in Excel, WPS or LibreOffice and saved as CSV is a valid report.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/status.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/ingest/actuals.h>

namespace ptmon {

struct TemplateRow {
  enum class Kind { kNumber, kPercent, kGrade, kBudget };
  std::vector<std::string> cells;  // one per ReportTemplate::columns
  Kind kind = Kind::kNumber;
};

struct TemplateSheet {
  std::string project_name;
  std::vector<TemplateRow> rows;
};

struct ReportTemplate {
  std::vector<std::string> columns;
  // The first columns hold the project's and the indicator's ids (hidden in a workbook): the
  // reader matches by them, so a row still counts when its visible name is edited or the rows
  // are reordered.
  size_t id_columns = 0;
  size_t first_fill_column = 0;       // 完成值; every column from it on is filled by the manager
  std::vector<TemplateSheet> sheets;  // one per project
};

// Fails naming the candidates when `project` (an id or a name; empty: all) matches nothing.
// With `reported`, the column 上次填报 shows each indicator's value reported last before
// `period`, with its month ("12台（6月）"); without, it stays empty.
Result<ReportTemplate> BuildReportTemplate(const Catalog& catalog, Period period,
                                           std::string_view project = {},
                                           const ActualsIndex* reported = nullptr);

// UTF-8 CSV, every project in one table (the caller adds a BOM or re-encodes).
std::string ReportTemplateCsv(const ReportTemplate& report_template);

// An .xlsx workbook, one sheet per project. Only the columns to fill are unlocked (the sheet is
// protected without a password); dropdowns offer the grades on qualitative rows, the 偏差原因
// categories and 完成可能性; rates are formatted as percentages and money as numbers; the
// header row stays in view and is repeated on every page printed (A4 landscape, one page wide).
// Fails only when its temporary file cannot be written.
Result<std::string> ReportTemplateXlsx(const ReportTemplate& report_template);

}  // namespace ptmon
