// The official tables as data, before any format: the text renderers (official.cc) and the
// XLSX writer (xlsx.cc) lay out the same cells, so every format prints the same figures.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ptmon/indicators/evaluation.h>
#include <ptmon/reports/reports.h>

namespace ptmon::reports_internal {

// A printed cell. `text` is what every text format prints; a figure also carries the number it
// prints (already rounded: 万元 for amounts, a ratio for rates) and its Excel number format,
// so the workbook holds numbers that display exactly as `text` reads.
struct Cell {
  std::string text;
  std::optional<double> number;
  std::string number_format;  // e.g. "#,##0.00", "0.00%", "#,##0\"台\""

  Cell() = default;
  Cell(std::string text) : text(std::move(text)) {}
  Cell(const char* text) : text(text) {}
};

// 项目基本情况: what the unit set out to do, beside how far it has come.
struct GoalRow {
  std::string heading;  // 项目基本情况 or 年度总体目标
  std::string planned_heading, actual_heading;
  std::string planned, actual;
};

// One ruled block of a table: the budget's rows or the indicators' rows.
struct Grid {
  std::string heading;  // printed above the columns, e.g. 预算执行情况（10分）
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  std::optional<size_t> light_column;            // the 预警 column, coloured
  std::vector<std::optional<Light>> row_lights;  // per row when light_column is set
  std::vector<size_t> wide_columns;              // free text: given the width, wrapped
};

struct Table {
  std::string title;
  std::vector<std::pair<std::string, std::string>> facts;  // the head: 项目名称, 主管部门, …
  GoalRow goal;
  std::vector<Grid> grids;
  std::vector<std::pair<std::string, std::string>> texts;  // 评价结论, 存在问题, 改进措施
  std::vector<std::string> signatures;                     // 项目负责人, 财务负责人
};

// The colour of a light's cell in HTML and in the workbook, as 0xRRGGBB.
unsigned LightRgb(Light light);

// One table per project (all, or only `project_id`); `texts` replaces the drafted 评价结论 /
// 存在问题 / 改进措施 of the projects it names.
std::vector<Table> BuildTables(const Evaluation& evaluation, ReportKind kind,
                               std::string_view project_id, const ConclusionTexts& texts);

// The budget side of a project as the tables print it, in yuan. Rows are 财政资金 (central +
// provincial + city/county), 财政专户管理资金, 单位资金 (self-raised) and 其他资金; their
// amounts add up to the totals.
struct BudgetSourceRow {
  std::string name;
  double initial_yuan = 0;
  double adjusted_yuan = 0;
  std::optional<double> spent_yuan;
};
struct BudgetFigures {
  double initial_yuan = 0;
  double adjusted_yuan = 0;          // 调整后预算数
  std::optional<double> spent_yuan;  // year to date
  std::array<BudgetSourceRow, 4> by_source;
  std::optional<double> forecast_spent_yuan;  // year end, never above the adjusted budget
  // 执行进度与计划进度之比 (the time's when the plan is linear) in percent as printed (two decimals, never across a light's threshold).
  std::optional<double> percent_of_plan;
  std::string reason;  // the manager's, for execution behind plan
};

// The one place the tables read the budget's figures from the evaluation (budget_figures.cc);
// its light, weight and score are read from `budget` directly.
BudgetFigures BudgetFiguresOf(const Project& project, const BudgetStatus& budget,
                              const LightThresholds& lights);

// Amounts rounded to cents of 万元 (100 yuan) so that the printed parts add up to the printed
// total: the total is rounded, and the parts share it by largest remainder. `parts` must add
// up to `total` (within a fen). Returns the printed parts in 万元.
std::vector<double> RoundedParts(double total_yuan, const std::vector<double>& parts_yuan);

}  // namespace ptmon::reports_internal
