#include <map>

#include <ptmon/base/text.h>
#include <ptmon/tables/layout.h>
#include <ptmon/tables/xlsx.h>

#include "report_checker.h"

namespace ptmon::checking {

namespace {

// A cell's value as the CSV reader would have it written, by what its column holds: a rate
// shown as a percentage keeps its % (0.96 is 96%), a period shown as a date (or written as
// Excel's bare serial day number) becomes that date.
std::string CellText(const XlsxCell& cell, std::optional<Column> column, bool date1904) {
  switch (cell.kind) {
    case XlsxCell::Kind::kText:
    case XlsxCell::Kind::kError:
    case XlsxCell::Kind::kFormulaWithoutValue:
      return cell.text;
    case XlsxCell::Kind::kBoolean:
      return cell.number != 0 ? "TRUE" : "FALSE";
    case XlsxCell::Kind::kNumber:
      break;
  }
  if (column == Column::kPeriod) {
    // 36526..73050 are the days of 2000..2099: a serial, where 202607 is a month.
    const bool serial =
        cell.shown == XlsxCell::Shown::kDate || (cell.number >= 36526 && cell.number < 73051);
    if (auto date = serial ? DateFromSerial(cell.number, date1904) : std::nullopt)
      return date->ToString();
  }
  if (column == Column::kValue && cell.shown == XlsxCell::Shown::kPercent)
    return ExcelNumberText(cell.number * 100) + "%";
  return ExcelNumberText(cell.number);
}

}  // namespace

void ParseXlsxReport(std::string_view bytes, const std::string& file_name,
                     const ParseOptions& options, ReportChecker& checker, Submission& submission,
                     Diagnostics& diagnostics) {
  auto workbook = ReadXlsx(bytes, options.xlsx_limits);
  if (!workbook.ok()) {
    diagnostics.Error(file_name, 0, 0, workbook.status().message());
    return;
  }
  std::vector<std::string> names;
  for (const auto& sheet : workbook->sheets) names.push_back(sheet.name);
  checker.SetSheetNames(std::move(names));
  size_t report_sheets = 0, data_rows = 0;
  for (size_t s = 0; s < workbook->sheets.size(); ++s) {
    XlsxSheet& sheet = workbook->sheets[s];
    if (sheet.hidden) continue;  // a template's lists, a unit's own working sheets
    // A project name merged down its rows is on each of them.
    FillMergedCells(sheet, options.xlsx_limits.max_cells);
    std::map<int, std::vector<const XlsxCell*>> rows;
    for (const auto& cell : sheet.cells) {
      if (cell.kind != XlsxCell::Kind::kText || !Trim(cell.text).empty())
        rows[cell.row].push_back(&cell);
    }
    if (rows.empty()) continue;
    const auto texts_of = [](const std::vector<const XlsxCell*>& cells) {
      std::vector<std::string> texts;
      for (const XlsxCell* cell : cells) {
        if (texts.size() < static_cast<size_t>(cell->column))
          texts.resize(static_cast<size_t>(cell->column));
        texts[static_cast<size_t>(cell->column - 1)] = CellText(*cell, std::nullopt, false);
      }
      return texts;
    };
    // The header is the first row naming a report column, below any title; a sheet with none
    // is not a report (notes, a cover sheet).
    TableLayout layout(IsReportHeader);
    std::vector<std::pair<int, const std::vector<const XlsxCell*>*>> data;
    for (const auto& [number, cells] : rows) {
      if (layout.gave_up()) break;
      const std::vector<std::string> texts = texts_of(cells);
      const std::vector<std::string_view> views(texts.begin(), texts.end());
      if (layout.Row(views, number) == TableLayout::RowKind::kData)
        data.push_back({number, &cells});
    }
    if (!layout.found()) continue;
    ++report_sheets;
    checker.SetSheet(s);
    const int header_row = layout.header_line();
    const std::vector<std::string>& header_texts = layout.header();
    const std::vector<std::string_view> header(header_texts.begin(), header_texts.end());
    data_rows += data.size();
    const auto columns = MapHeader(header, header_row, true, checker);
    if (!columns) continue;
    std::vector<std::optional<Column>> column_of(header.size());
    CarryDown carry;
    for (const auto& [column, index] : *columns) column_of[index] = column;
    for (const auto& row : data) {
      std::vector<std::string> texts(header.size());
      bool readable = true;
      for (const XlsxCell* cell : *row.second) {
        const auto index = static_cast<size_t>(cell->column - 1);
        if (index >= header.size() || Trim(header[index]).empty()) {
          readable = false;
          checker.Error(row.first, cell->column, "这一格不在任何列名之下, 请删除或为这一列加上列名",
                        "this cell is under no column name; delete it or name its column");
          continue;
        }
        if (!column_of[index]) continue;  // an informational column
        if (cell->kind == XlsxCell::Kind::kError) {
          readable = false;
          checker.Error(row.first, cell->column,
                        "公式的结果是错误 " + cell->text + ", 请修正公式或直接填写数值",
                        "the formula's result is the error " + cell->text +
                            "; correct the formula or type the value");
          continue;
        }
        if (cell->kind == XlsxCell::Kind::kFormulaWithoutValue) {
          readable = false;
          checker.Error(row.first, cell->column,
                        "公式没有保存计算结果, 请在 Excel、WPS 或 LibreOffice 中打开后保存",
                        "the formula was saved without its result; open the file in Excel, WPS "
                        "or LibreOffice and save it again");
          continue;
        }
        texts[index] = CellText(*cell, column_of[index], workbook->date1904);
      }
      if (!readable) continue;
      const std::vector<std::string_view> cells(texts.begin(), texts.end());
      RawRow raw = RowFrom(*columns, header, cells, row.first);
      carry.Apply(raw);
      checker.Check(raw, submission);
    }
  }
  checker.SetSheet(std::nullopt);
  if (report_sheets == 0) {
    checker.Error(0, 0,
                  "没有找到填报表: 表头 (标题下的第一行) 应写明列名 项目, 指标, 期间, 完成值; "
                  "可下载本月的填报模板填写",
                  "no sheet is a report: its header row (below any title) names the columns "
                  "项目, 指标, 期间, 完成值 (or project, indicator, period, value); the month's "
                  "template has them");
  } else if (data_rows == 0) {
    checker.Error(0, 0, "只有表头, 没有数据", "the workbook has a header but no rows of values");
  }
}

}  // namespace ptmon::checking
