// The board as the finance office files it: one sheet, the same rows the page shows, figures as
// numbers Excel can add up (money in 万元 named in the column's title, rates as percentages),
// and a 合计 row of formulas stored with their values.
#include <algorithm>
#include <cmath>

#include <xlsxwriter.h>

#include <ptmon/base/file_system.h>
#include <ptmon/base/text.h>

#include "board_rows.h"
#include "html.h"

namespace ptmon {

using namespace console_internal;

namespace {

enum BoardColumn : lxw_col_t {
  kUnit,
  kName,
  kLight,
  kScore,
  kExecution,
  kBudgetLight,
  kBudget,
  kSpent,
  kRed,
  kYellow,
  kOverdue,
  kOwners,
  kOverdueDays,
  kReason,
  kColumnCount
};

constexpr const char* kTitles[kColumnCount] = {
    "预算单位",       "项目", "状态", "自评得分", "预算执行率", "预算执行灯", "调整后预算（万元）",
    "执行数（万元）", "红灯", "黄灯", "逾期未报", "责任人",     "逾期天数",   "主要原因"};
constexpr double kWidths[kColumnCount] = {22, 28, 10, 10, 12, 12, 18, 16, 7, 7, 10, 16, 10, 40};
// The columns the 合计 row adds up.
constexpr BoardColumn kSummed[] = {kBudget, kSpent, kRed, kYellow, kOverdue};

// A printed line of 10-point text in points, with room for a CJK fallback font's taller lines.
constexpr double kLineHeight = 15;

// How many lines `text` wraps to in a column `width` units wide: LibreOffice and Excel keep a
// row at the height it is given, so each row is made as tall as its longest cell.
int LinesIn(std::string_view text, double width) {
  const double units = static_cast<double>(DisplayWidth(text)) * 1.15;  // CJK: a little over 2
  return std::max(1, static_cast<int>(std::ceil(units / std::max(1.0, width - 1.5))));
}

lxw_format* NewFormat(lxw_workbook* workbook, const char* number_format, bool bold) {
  lxw_format* format = workbook_add_format(workbook);
  format_set_border(format, LXW_BORDER_THIN);
  if (number_format != nullptr) format_set_num_format(format, number_format);
  if (bold) format_set_bold(format);
  return format;
}

Status WriteBoard(const std::string& path, const Catalog& catalog, const Evaluation& evaluation,
                  const BoardQuery& query, const BoardContext& context,
                  std::string_view unit_name) {
  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) return Status::IoError("cannot start a workbook in " + path);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "看板");
  lxw_format* title = workbook_add_format(workbook);
  format_set_bold(title);
  format_set_font_size(title, 14);
  lxw_format* header = NewFormat(workbook, nullptr, true);
  format_set_text_wrap(header);
  format_set_bg_color(header, 0xEEEEEE);
  lxw_format* text = NewFormat(workbook, nullptr, false);
  format_set_text_wrap(text);
  lxw_format* money = NewFormat(workbook, "#,##0.00", false);
  lxw_format* rate = NewFormat(workbook, "0.0%", false);
  lxw_format* score = NewFormat(workbook, "0.00", false);
  lxw_format* count = NewFormat(workbook, "0", false);
  lxw_format* money_total = NewFormat(workbook, "#,##0.00", true);
  lxw_format* count_total = NewFormat(workbook, "0", true);

  for (lxw_col_t c = 0; c < kColumnCount; ++c)
    worksheet_set_column(sheet, c, c, kWidths[c], nullptr);
  worksheet_write_string(sheet, 0, 0, std::string(unit_name).c_str(), title);
  const std::string subtitle = "项目绩效运行监控看板　评价月份 " + MonthText(evaluation.as_of) +
                               "　逾期天数计至 " + context.today.ToString();
  worksheet_write_string(sheet, 1, 0, subtitle.c_str(), nullptr);
  constexpr lxw_row_t kHeader = 3;
  int header_lines = 1;
  for (lxw_col_t c = 0; c < kColumnCount; ++c) {
    worksheet_write_string(sheet, kHeader, c, kTitles[c], header);
    header_lines = std::max(header_lines, LinesIn(kTitles[c], kWidths[c]));
  }
  worksheet_set_row(sheet, kHeader, header_lines * kLineHeight, nullptr);
  worksheet_freeze_panes(sheet, kHeader + 1, 2);

  const BoardRows selected = SelectBoardRows(catalog, evaluation, query, context);
  lxw_row_t row = kHeader + 1;
  double sums[kColumnCount] = {};
  auto number = [&](lxw_col_t column, double value, lxw_format* format) {
    worksheet_write_number(sheet, row, column, value, format);
    sums[column] += value;
  };
  for (const BoardRow& board_row : selected.rows) {
    const ProjectStatus& status = *board_row.status;
    const BudgetStatus& budget = status.budget;
    int lines = 1;
    auto string = [&](lxw_col_t column, const std::string& value) {
      worksheet_write_string(sheet, row, column, value.c_str(), text);
      lines = std::max(lines, LinesIn(value, kWidths[column]));
    };
    string(kUnit, board_row.unit ? board_row.unit->name : status.project->unit_id);
    string(kName, status.project->name);
    string(kLight, std::string(LightNameZh(status.light)));
    worksheet_write_number(sheet, row, kScore, status.score, score);
    if (budget.execution_rate)
      worksheet_write_number(sheet, row, kExecution, *budget.execution_rate, rate);
    else
      worksheet_write_blank(sheet, row, kExecution, rate);
    string(kBudgetLight, std::string(LightNameZh(budget.light)));
    number(kBudget, budget.adjusted_budget_yuan / 1e4, money);
    if (budget.spent_yuan)
      number(kSpent, *budget.spent_yuan / 1e4, money);
    else
      worksheet_write_blank(sheet, row, kSpent, money);
    number(kRed, board_row.red, count);
    number(kYellow, board_row.yellow, count);
    number(kOverdue, board_row.overdue, count);
    string(kOwners, OwnerNames(board_row.owners));
    if (board_row.overdue_days)
      worksheet_write_number(sheet, row, kOverdueDays, *board_row.overdue_days, count);
    else
      worksheet_write_blank(sheet, row, kOverdueDays, count);
    string(kReason, MainReason(status, board_row.overdue));
    worksheet_set_row(sheet, row, lines * kLineHeight, nullptr);
    ++row;
  }
  worksheet_write_string(sheet, row, kName, "合计", header);
  for (BoardColumn column : kSummed) {
    const bool is_money = column == kBudget || column == kSpent;
    char from[16], to[16];
    lxw_rowcol_to_cell(from, kHeader + 1, column);
    lxw_rowcol_to_cell(to, row > kHeader + 1 ? row - 1 : kHeader + 1, column);
    const std::string formula = "=SUM(" + std::string(from) + ":" + to + ")";
    worksheet_write_formula_num(sheet, row, column, formula.c_str(),
                                is_money ? money_total : count_total, sums[column]);
  }
  worksheet_set_landscape(sheet);
  worksheet_set_paper(sheet, 9);  // A4
  worksheet_fit_to_pages(sheet, 1, 0);
  worksheet_repeat_rows(sheet, kHeader, kHeader);
  const lxw_error error = workbook_close(workbook);
  if (error != LXW_NO_ERROR)
    return Status::IoError(std::string("cannot write the workbook: ") + lxw_strerror(error));
  return Status::Ok();
}

}  // namespace

Result<std::string> BoardXlsx(const Catalog& catalog, const Evaluation& evaluation,
                              const BoardQuery& query, const BoardContext& context,
                              std::string_view unit_name) {
  return ThroughTemporaryFile(".xlsx", [&](const std::string& path) {
    return WriteBoard(path, catalog, evaluation, query, context, unit_name);
  });
}

}  // namespace ptmon
