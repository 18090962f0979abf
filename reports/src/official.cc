// The two official tables. Their layout follows the forms units file (monitoring-rules.md, "The
// official tables' layout"): 项目支出绩效目标执行监控表 (财预〔2019〕136号) and 项目支出绩效自评表
// (财预〔2020〕10号). Figures are written as finance offices file them: money in 万元 and rates
// with two decimals, counts whole, each figure in the unit its target was published in and
// rounded never across the target it is compared with; printed totals are sums of printed parts.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <ptmon/base/text.h>
#include <ptmon/reports/reports.h>

#include "tables.h"

namespace ptmon {

using reports_internal::BudgetFigures;
using reports_internal::Cell;
using reports_internal::Grid;
using reports_internal::Table;

namespace {

std::string Months(const Evaluation& evaluation) {
  return "1–" + std::to_string(evaluation.as_of.month) + "月";
}

// The unit a figure is printed in: the target's as published (≥1500万条 prints 万条), except
// money, which the tables print in 万元 whatever the target says.
struct PrintedUnit {
  std::string label;
  double factor = 1;  // base units per printed unit
  int decimals = 2;
};

PrintedUnit PrintedUnitOf(const Target& target) {
  if (target.unit == "%") return {"%", 0.01, 2};
  if (target.unit == "元") return {"万元", 1e4, 2};
  if (target.multiplier != 1 && !target.unit.empty()) {
    return {std::string(MultiplierPrefix(target.multiplier)) + target.unit, target.multiplier, 2};
  }
  return {target.unit, 1, IsCumulativeUnit(target.unit) ? 0 : 2};
}

std::string NumberFormat(int decimals, std::string_view suffix = {}) {
  std::string format = decimals == 0 ? "#,##0" : "#,##0." + std::string(decimals, '0');
  return suffix.empty() ? format : format + "\"" + std::string(suffix) + "\"";
}

// A figure in base units, in its printed unit, never rounded across `target`'s value
// (29.996 against ≥30 is not "30"); `with_unit` appends the unit where no column names it.
Cell FigureCell(double value, const Target& target, bool with_unit) {
  const PrintedUnit unit = PrintedUnitOf(target);
  const double threshold = target.value.value_or(std::nan("")) / unit.factor;
  const double printed = RoundKeepingSide(value / unit.factor, unit.decimals, {threshold});
  Cell cell;
  if (target.unit == "%") {
    cell.text = FormatGrouped(printed, 2) + "%";
    cell.number = printed / 100;
    cell.number_format = "0.00%";
    return cell;
  }
  cell.text = FormatGrouped(printed, unit.decimals) + (with_unit ? unit.label : "");
  cell.number = printed;
  cell.number_format = NumberFormat(unit.decimals, with_unit ? unit.label : "");
  return cell;
}

// An amount already rounded to 万元.
Cell WanCell(double wan) {
  Cell cell(FormatGrouped(wan, 2));
  cell.number = wan;
  cell.number_format = NumberFormat(2);
  return cell;
}

// A rate as a percentage with two decimals, never rounded across `threshold` (a ratio).
Cell RateCell(double ratio, double threshold = std::nan("")) {
  const double printed = RoundKeepingSide(ratio * 100, 2, {threshold * 100});
  Cell cell(FormatGrouped(printed, 2) + "%");
  cell.number = printed / 100;
  cell.number_format = "0.00%";
  return cell;
}

// A score or weight, two decimals.
Cell PointsCell(double points) {
  Cell cell(FormatGrouped(points, 2));
  cell.number = RoundToCents(points);
  cell.number_format = NumberFormat(2);
  return cell;
}

}  // namespace

std::string PrintedQuantity(double value, const Target& target) {
  return FigureCell(value, target, true).text;
}

namespace {
// The words for an indicator with nothing reported, the same in both tables.
std::string Unreported(const IndicatorStatus& status) {
  return status.overdue ? "逾期未报" : "未报送";
}

// What was reached (`actual`) or is forecast: a grade, a figure, or why there is none.
Cell ValueCell(const IndicatorStatus& status, bool forecast, bool with_unit) {
  const Grade grade = forecast ? status.forecast_grade : status.grade;
  const std::optional<double>& value = forecast ? status.forecast : status.actual;
  if (grade != Grade::kNone) return std::string(GradeName(grade));
  if (!value) return forecast && status.actual ? "" : Unreported(status);
  return FigureCell(*value, *status.target, with_unit);
}

// 完成情况 in figures: how many indicators stand where, by their lights.
std::string Attainment(const Evaluation& evaluation, const ProjectStatus& project) {
  int on_track = 0, behind = 0, overdue = 0, not_yet = 0;
  for (const auto& status : project.indicators) {
    switch (status.light) {
      case Light::kGreen:
      case Light::kBlue:
        ++on_track;
        break;
      case Light::kYellow:
      case Light::kRed:
        ++behind;
        break;
      case Light::kOverdue:
        ++overdue;
        break;
      case Light::kNoData:
        ++not_yet;
        break;
    }
  }
  std::string text =
      (evaluation.year_end ? "全年" : "截至" + std::to_string(evaluation.as_of.month) + "月") +
      "共" + std::to_string(project.indicators.size()) + "项指标";
  std::string separator = "：";
  for (const auto& [count, words] : {std::pair{on_track, "达到进度"},
                                     {behind, "进度落后"},
                                     {overdue, "逾期未报"},
                                     {not_yet, "尚未报送"}}) {
    if (count == 0) continue;
    text += separator + words + std::to_string(count) + "项";
    separator = "，";
  }
  return text + "。";
}

bool HasAdjustment(const ProjectStatus& project) {
  for (const auto& status : project.indicators) {
    if (status.indicator->adjustment) return true;
  }
  return false;
}

std::string AdjustmentText(const TargetAdjustment& adjustment) {
  return std::to_string(adjustment.from_month) + "月起，" + adjustment.approval;
}

std::string Reason(const IndicatorStatus& status) {
  if (status.notes == nullptr) return "";
  std::string text = status.notes->reason_category;
  if (!status.notes->reason.empty()) text += (text.empty() ? "" : ": ") + status.notes->reason;
  return text;
}

// Below this execution rate the year-end table requires the reason (财预〔2020〕10号).
constexpr double kReasonRequiredBelow = 0.9;

// The budget's amounts as printed, in 万元: the total first, then the four fund sources, each
// column adding up (reports_internal::RoundedParts).
struct PrintedBudget {
  std::vector<double> initial, adjusted, spent;
  bool reported = false;
  std::optional<double> forecast;  // never above the printed adjusted budget
  std::optional<double> percent_of_plan;
  std::string reason;

  std::optional<double> Rate(size_t row) const {
    if (!reported || adjusted[row] <= 0) return std::nullopt;
    return spent[row] / adjusted[row];
  }
};

PrintedBudget PrintBudget(const Evaluation& evaluation, const ProjectStatus& project) {
  const BudgetFigures figures =
      reports_internal::BudgetFiguresOf(*project.project, project.budget, evaluation.lights);
  auto column = [&](double total, auto part) {
    std::vector<double> parts;
    for (const auto& row : figures.by_source) parts.push_back(part(row));
    std::vector<double> printed = reports_internal::RoundedParts(total, parts);
    double sum = 0;
    for (double amount : printed) sum += amount;
    printed.insert(printed.begin(), RoundToCents(sum));
    return printed;
  };
  PrintedBudget printed;
  printed.initial = column(figures.initial_yuan, [](const auto& row) { return row.initial_yuan; });
  printed.adjusted =
      column(figures.adjusted_yuan, [](const auto& row) { return row.adjusted_yuan; });
  printed.reported = figures.spent_yuan.has_value();
  printed.spent = column(figures.spent_yuan.value_or(0),
                         [](const auto& row) { return row.spent_yuan.value_or(0); });
  if (figures.forecast_spent_yuan) {
    printed.forecast = RoundToCents(*figures.forecast_spent_yuan / 1e4);
    if (*figures.forecast_spent_yuan <= figures.adjusted_yuan) {
      printed.forecast = std::min(*printed.forecast, printed.adjusted[0]);
    }
  }
  printed.percent_of_plan = figures.percent_of_plan;
  printed.reason = figures.reason;
  return printed;
}

const std::vector<std::string> kBudgetRows = {"总额", "其中：财政资金", "财政专户管理资金",
                                              "单位资金", "其他资金"};

// The cells every budget row starts with: 资金来源, 年初预算数, 调整后预算数, 执行数, 执行率.
std::vector<Cell> BudgetRowStart(const PrintedBudget& budget, size_t row) {
  std::vector<Cell> cells = {kBudgetRows[row], WanCell(budget.initial[row]),
                             WanCell(budget.adjusted[row])};
  cells.push_back(budget.reported ? WanCell(budget.spent[row]) : Cell("未报送"));
  const auto rate = budget.Rate(row);
  cells.push_back(rate ? RateCell(*rate, kReasonRequiredBelow) : Cell("/"));
  return cells;
}

Cell ForecastCell(const PrintedBudget& budget) {
  return budget.forecast ? WanCell(*budget.forecast) : Cell(budget.reported ? "" : "未报送");
}

Grid MonitorBudgetGrid(const Evaluation& evaluation, const ProjectStatus& project,
                       const PrintedBudget& budget) {
  Grid grid;
  grid.heading = "预算执行情况";
  grid.columns = {"资金来源",
                  "年初预算数（万元）",
                  "调整后预算数（万元）",
                  Months(evaluation) + "执行数（万元）",
                  "执行率",
                  "全年预计执行数（万元）",
                  project.project->spending_plan.empty() ? "执行进度与时间进度之比"
                                                         : "执行进度与用款计划进度之比",
                  "原因",
                  "预警"};
  for (size_t row = 0; row < kBudgetRows.size(); ++row) {
    std::vector<Cell> cells = BudgetRowStart(budget, row);
    if (row == 0) {
      const auto& of_plan = budget.percent_of_plan;
      Cell ratio(of_plan ? FormatGrouped(*of_plan, 2) + "%" : "");
      if (of_plan) {
        ratio.number = *of_plan / 100;
        ratio.number_format = "0.00%";
      }
      cells.insert(cells.end(), {ForecastCell(budget), ratio, budget.reason,
                                 std::string(LightNameZh(project.budget.light))});
      grid.row_lights.push_back(project.budget.light);
    } else {
      cells.insert(cells.end(), {"/", "/", "", ""});
      grid.row_lights.push_back(std::nullopt);
    }
    grid.rows.push_back(std::move(cells));
  }
  grid.light_column = grid.columns.size() - 1;
  grid.wide_columns = {7};
  return grid;
}

std::string_view NatureOf(const Target& target) {
  if (target.kind == TargetKind::kQualitative || !target.op) return "定性";
  switch (*target.op) {
    case Comparison::kGreaterEqual:
      return "≥";
    case Comparison::kGreater:
      return "＞";
    case Comparison::kLessEqual:
      return "≤";
    case Comparison::kLess:
      return "＜";
    case Comparison::kEqual:
      return "＝";  // full width: a cell starting "=" is a formula to a spreadsheet
  }
  return "＝";
}

// A target as published, but money in 万元 as every amount in the tables (263000元: 26.30万元).
std::string TargetText(const Target& target) {
  if (target.unit != "元" || !target.value) return target.text;
  const std::string_view sign =
      target.op && *target.op != Comparison::kEqual ? NatureOf(target) : "";
  return std::string(sign) + FigureCell(*target.value, target, true).text;
}

Grid MonitorIndicatorGrid(const Evaluation& evaluation, const ProjectStatus& project) {
  const bool adjusted = HasAdjustment(project);
  Grid grid;
  grid.heading = "绩效指标";
  grid.columns = {"一级指标", "二级指标", "三级指标"};
  if (adjusted) {
    grid.columns.insert(grid.columns.end(), {"年度指标值（原目标）", "调整后指标值"});
  } else {
    grid.columns.push_back("年度指标值");
  }
  grid.columns.insert(grid.columns.end(), {Months(evaluation) + "执行情况", "全年预计完成情况",
                                           "偏差原因分析", "完成目标可能性", "改进措施", "预警"});
  for (const auto& status : project.indicators) {
    const Indicator& indicator = *status.indicator;
    std::vector<Cell> row = {indicator.level1, indicator.level2, indicator.name,
                             TargetText(indicator.annual_target)};
    if (adjusted) {
      row.push_back(indicator.adjustment ? TargetText(indicator.adjustment->target) + "（" +
                                               AdjustmentText(*indicator.adjustment) + "）"
                                         : "");
    }
    row.insert(row.end(),
               {ValueCell(status, false, true), ValueCell(status, true, true), Reason(status),
                status.notes && !status.notes->likelihood.empty()
                    ? status.notes->likelihood
                    : std::string(LikelihoodName(status.likelihood)),
                status.notes ? status.notes->action : "", std::string(LightNameZh(status.light))});
    grid.rows.push_back(std::move(row));
    grid.row_lights.push_back(status.light);
  }
  grid.light_column = grid.columns.size() - 1;
  grid.wide_columns = {2, grid.columns.size() - 4, grid.columns.size() - 2};
  return grid;
}

Table MonitorTable(const Evaluation& evaluation, const ProjectStatus& project) {
  const PrintedBudget budget = PrintBudget(evaluation, project);
  Table table;
  table.title = "项目支出绩效目标执行监控表（" + std::to_string(evaluation.as_of.year) + "年" +
                Months(evaluation) + "）";
  table.facts = {{"项目名称", project.project->name},
                 {"主管部门", project.project->department},
                 {"实施单位", project.project->implementing_unit}};
  table.goal = {"年度总体目标", "年初设定目标", Months(evaluation) + "执行情况",
                project.project->annual_goal, Attainment(evaluation, project)};
  table.grids = {MonitorBudgetGrid(evaluation, project, budget),
                 MonitorIndicatorGrid(evaluation, project)};
  return table;
}

Grid SelfBudgetGrid(const Evaluation& evaluation, const ProjectStatus& project,
                    const PrintedBudget& budget) {
  Grid grid;
  grid.heading = "预算执行情况（" + FormatNumber(project.budget.weight) + "分）";
  grid.columns = {"资金来源", "年初预算数（万元）", "调整后预算数（万元）",
                  evaluation.year_end ? "执行数（万元）" : Months(evaluation) + "执行数（万元）",
                  "执行率"};
  if (!evaluation.year_end) grid.columns.push_back("全年预计执行数（万元）");
  grid.columns.insert(grid.columns.end(), {"权重", "得分", "原因"});
  for (size_t row = 0; row < kBudgetRows.size(); ++row) {
    std::vector<Cell> cells = BudgetRowStart(budget, row);
    if (row == 0) {
      std::string reason = budget.reason;
      const auto rate = budget.Rate(0);
      if (reason.empty() && evaluation.year_end && rate && *rate < kReasonRequiredBelow) {
        reason = "未说明原因（执行率低于90%须说明）";
      }
      if (!evaluation.year_end) cells.push_back(ForecastCell(budget));
      cells.insert(cells.end(),
                   {PointsCell(project.budget.weight), PointsCell(project.budget.score), reason});
    } else {
      if (!evaluation.year_end) cells.push_back("/");
      cells.insert(cells.end(), {"/", "/", ""});
    }
    grid.rows.push_back(std::move(cells));
  }
  grid.wide_columns = {grid.columns.size() - 1};
  return grid;
}

std::string Explanation(const IndicatorStatus& status) {
  std::string explanation = Reason(status);
  if (status.notes && !status.notes->action.empty()) {
    explanation += (explanation.empty() ? "改进措施: " : "; 改进措施: ") + status.notes->action;
  }
  if (status.target_may_be_low) {
    explanation += std::string(explanation.empty() ? "" : "; ") + "远超目标, 目标值可能偏低";
  }
  return explanation;
}

Grid SelfIndicatorGrid(const Evaluation& evaluation, const ProjectStatus& project) {
  const bool adjusted = HasAdjustment(project);
  double weights = 0;
  for (const auto& status : project.indicators) weights += status.weight;
  Grid grid;
  grid.heading = "绩效指标（" + FormatNumber(weights) + "分）";
  grid.columns = {"一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"};
  if (adjusted) grid.columns.push_back("指标调整");
  grid.columns.insert(grid.columns.end(), {evaluation.year_end ? "完成值" : "全年预计完成值",
                                           "权重", "得分", "未完成原因分析"});
  double total_weight = project.budget.weight, total_score = RoundToCents(project.budget.score);
  for (const auto& status : project.indicators) {
    const Indicator& indicator = *status.indicator;
    const Target& target = *status.target;
    const bool qualitative = target.kind == TargetKind::kQualitative || !target.value;
    std::vector<Cell> row = {
        indicator.level1,
        indicator.level2,
        indicator.name,
        std::string(NatureOf(target)),
        qualitative ? Cell(target.text) : FigureCell(*target.value, target, false),
        qualitative ? "/" : PrintedUnitOf(target).label};
    if (adjusted) {
      row.push_back(indicator.adjustment ? "原" + indicator.annual_target.text + "，" +
                                               AdjustmentText(*indicator.adjustment)
                                         : "");
    }
    row.insert(row.end(),
               {ValueCell(status, !evaluation.year_end, false), PointsCell(status.weight),
                PointsCell(status.score), Explanation(status)});
    total_weight += RoundToCents(status.weight);
    total_score += RoundToCents(status.score);
    grid.rows.push_back(std::move(row));
  }
  // 合计 adds the budget's weight and score to the indicators', as printed.
  std::vector<Cell> totals(grid.columns.size());
  totals[0] = "合计";
  totals[totals.size() - 3] = PointsCell(RoundToCents(total_weight));
  totals[totals.size() - 2] = PointsCell(RoundToCents(total_score));
  grid.rows.push_back(std::move(totals));
  grid.wide_columns = {2, grid.columns.size() - 1};
  return grid;
}

// Items joined as a numbered list, or "无".
std::string Numbered(const std::vector<std::string>& items) {
  if (items.empty()) return "无";
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) {
    text += (i == 0 ? "" : "；") + std::to_string(i + 1) + ". " + items[i];
  }
  return text + "。";
}

}  // namespace

ConclusionText DraftConclusion(const Evaluation& evaluation, const ProjectStatus& project) {
  const PrintedBudget budget = PrintBudget(evaluation, project);
  ConclusionText text;
  text.conclusion = "自评得分" + FormatGrouped(project.score, 2) + "分，等级" + project.grade +
                    "。" + Attainment(evaluation, project);
  std::vector<std::string> problems, measures;
  if (const auto rate = budget.Rate(0)) {
    text.conclusion += "预算执行率" + RateCell(*rate, kReasonRequiredBelow).text + "。";
    // At the year end below 90 %; in the year, when it lags the time elapsed.
    const bool behind = evaluation.year_end ? *rate < kReasonRequiredBelow
                                            : project.budget.light == Light::kRed ||
                                                  project.budget.light == Light::kYellow;
    if (behind) {
      std::string problem = "预算执行率" + RateCell(*rate, kReasonRequiredBelow).text;
      if (budget.percent_of_plan && !evaluation.year_end) {
        problem +=
            (project.project->spending_plan.empty() ? "，为时间进度的" : "，为用款计划进度的") +
            FormatGrouped(*budget.percent_of_plan, 2) + "%（" +
            std::string(LightNameZh(project.budget.light)) + "）";
      }
      problems.push_back(problem + (budget.reason.empty() ? "" : "：" + budget.reason));
    }
  }
  for (const auto& status : project.indicators) {
    const std::string reason = Reason(status);
    if (!reason.empty()) problems.push_back(status.indicator->name + "：" + reason);
    if (status.notes && !status.notes->action.empty()) {
      measures.push_back(status.indicator->name + "：" + status.notes->action);
    }
  }
  text.problems = Numbered(problems);
  text.measures = Numbered(measures);
  return text;
}

namespace {

Table SelfEvaluationTable(const Evaluation& evaluation, const ProjectStatus& project,
                          const ConclusionTexts& edited) {
  const PrintedBudget budget = PrintBudget(evaluation, project);
  Table table;
  table.title = "项目支出绩效自评表（" + std::to_string(evaluation.as_of.year) + "年度" +
                (evaluation.year_end ? "" : "，按" + Months(evaluation) + "执行情况预计") + "）";
  table.facts = {{"项目名称", project.project->name},
                 {"主管部门", project.project->department},
                 {"实施单位（盖章）", project.project->implementing_unit}};
  table.goal = {"项目基本情况", "年度目标", "完成情况", project.project->annual_goal,
                Attainment(evaluation, project)};
  table.grids = {SelfBudgetGrid(evaluation, project, budget),
                 SelfIndicatorGrid(evaluation, project)};
  ConclusionText text = DraftConclusion(evaluation, project);
  if (auto it = edited.find(project.project->id); it != edited.end()) {
    const ConclusionText& given = it->second;
    for (auto [field, replacement] : {std::pair{&text.conclusion, &given.conclusion},
                                      {&text.problems, &given.problems},
                                      {&text.measures, &given.measures},
                                      {&text.project_lead, &given.project_lead},
                                      {&text.finance_lead, &given.finance_lead}}) {
      if (!replacement->empty()) *field = *replacement;
    }
  }
  table.texts = {
      {"评价结论", text.conclusion}, {"存在问题", text.problems}, {"改进措施", text.measures}};
  table.signatures = {"项目负责人：" + text.project_lead, "财务负责人：" + text.finance_lead};
  return table;
}

// A table cell: pipes escaped, line breaks as <br>, other control characters shown as \xNN
// (a cell from a manager's file must not bring raw escape codes into a terminal or editor).
std::string Markdown(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += "<br>";
    else
      out += EscapeControl(std::string_view(&c, 1));
  }
  return out;
}

std::string Html(std::string_view text) { return EscapeHtml(text); }

std::vector<std::string> Texts(const std::vector<Cell>& cells) {
  std::vector<std::string> texts;
  for (const auto& cell : cells) texts.push_back(cell.text);
  return texts;
}

std::string RenderCsv(const std::vector<Table>& tables) {
  std::string out = "\xEF\xBB\xBF";  // Excel reads UTF-8 only with a BOM
  auto line = [&](const std::vector<std::string>& cells) { out += CsvLine(cells); };
  for (const auto& table : tables) {
    line({table.title});
    for (const auto& [name, value] : table.facts) line({name, value});
    line({table.goal.heading, table.goal.planned_heading, table.goal.actual_heading});
    line({"", table.goal.planned, table.goal.actual});
    for (const auto& grid : table.grids) {
      line({grid.heading});
      line(grid.columns);
      for (const auto& row : grid.rows) line(Texts(row));
    }
    for (const auto& [name, value] : table.texts) line({name, value});
    if (!table.signatures.empty()) line(table.signatures);
    out += "\r\n";
  }
  return out;
}

std::string RenderMarkdown(const std::vector<Table>& tables, std::string_view unit_name) {
  std::string out = "# " + std::string(unit_name) + "\n";
  auto row = [&](const std::vector<std::string>& cells) {
    out += "|";
    for (const auto& cell : cells) out += " " + Markdown(cell) + " |";
    out += "\n";
  };
  for (const auto& table : tables) {
    out += "\n## " + table.title + "\n\n";
    for (const auto& [name, value] : table.facts)
      out += "- " + name + "：" + Markdown(value) + "\n";
    out += "\n";
    row({table.goal.heading, table.goal.planned_heading, table.goal.actual_heading});
    out += "| --- | --- | --- |\n";
    row({"", table.goal.planned, table.goal.actual});
    for (const auto& grid : table.grids) {
      out += "\n### " + grid.heading + "\n\n";
      row(grid.columns);
      out += "|";
      for (size_t i = 0; i < grid.columns.size(); ++i) out += " --- |";
      out += "\n";
      for (const auto& cells : grid.rows) row(Texts(cells));
    }
    if (!table.texts.empty()) out += "\n";
    for (const auto& [name, value] : table.texts)
      out += "**" + name + "**：" + Markdown(value) + "  \n";
    if (!table.signatures.empty()) {
      out += "\n";
      for (const auto& signature : table.signatures) out += Markdown(signature) + "　　　　";
      out += "\n";
    }
  }
  return out;
}

// .light-red { background: #ef9a9a; } … for every light.
std::string LightStyles() {
  std::string css;
  for (const Light light : {Light::kGreen, Light::kBlue, Light::kNoData, Light::kYellow,
                            Light::kOverdue, Light::kRed}) {
    char colour[8];
    std::snprintf(colour, sizeof colour, "#%06x", reports_internal::LightRgb(light));
    css += ".light-" + std::string(LightName(light)) + " { background: " + colour + "; }\n";
  }
  return css;
}

// Text with its line breaks kept.
std::string HtmlLines(std::string_view text) {
  std::string out = Html(text);
  for (size_t at = out.find('\n'); at != std::string::npos; at = out.find('\n', at)) {
    out.replace(at, 1, "<br>");
  }
  return out;
}

std::string HtmlGrid(const Grid& grid) {
  std::string out = "<h3>" + Html(grid.heading) + "</h3>\n<table>\n<thead><tr>";
  for (const auto& column : grid.columns) out += "<th>" + Html(column) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (size_t r = 0; r < grid.rows.size(); ++r) {
    const auto& row = grid.rows[r];
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) {
      const bool wide = std::find(grid.wide_columns.begin(), grid.wide_columns.end(), c) !=
                        grid.wide_columns.end();
      std::string classes;
      if (row[c].number) {
        classes = "num";
      } else if (!wide) {
        classes = "short";
      }
      if (grid.light_column == c && r < grid.row_lights.size() && grid.row_lights[r]) {
        classes = "short light-" + std::string(LightName(*grid.row_lights[r]));
      }
      out += (classes.empty() ? "<td>" : "<td class=\"" + classes + "\">") +
             HtmlLines(row[c].text) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string RenderHtml(const std::vector<Table>& tables, std::string_view unit_name) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      Html(unit_name) +
      "</title>\n<style>\n"
      "@page { size: A4 landscape; margin: 12mm; }\n"
      "body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", "
      "SimSun, sans-serif; font-size: 10pt; }\n"
      "section { page-break-after: always; }\n"
      "h1 { font-size: 14pt; text-align: center; }\n"
      "h2 { font-size: 12pt; text-align: center; }\n"
      "h3 { font-size: 10pt; margin: 6pt 0 2pt; }\n"
      "table { border-collapse: collapse; width: 100%; margin-bottom: 6pt; }\n"
      "thead { display: table-header-group; }\n"  // repeated on every printed page
      "tr { page-break-inside: avoid; }\n"
      "th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }\n"
      "th { background: #eee; }\n"
      // Short cells (levels, targets, figures, the light) never wrap mid-word (产出指/标).
      "td.short, td.num, th { white-space: nowrap; }\n"
      "td.num { text-align: right; }\n"
      "* { print-color-adjust: exact; -webkit-print-color-adjust: exact; }\n" +
      LightStyles() +
      "dl { display: grid; grid-template-columns: max-content auto; gap: 2pt 8pt; }\n"
      "dt { font-weight: bold; }\n"
      ".signatures { display: flex; gap: 12em; margin-top: 18pt; }\n"
      "</style>\n</head>\n<body>\n<h1>" +
      Html(unit_name) + "</h1>\n";
  for (const auto& table : tables) {
    out += "<section>\n<h2>" + Html(table.title) + "</h2>\n<dl>\n";
    for (const auto& [name, value] : table.facts) {
      out += "<dt>" + Html(name) + "</dt><dd>" + Html(value) + "</dd>\n";
    }
    out += "</dl>\n<table class=\"goal\">\n<tr><th rowspan=\"2\">" + Html(table.goal.heading) +
           "</th><th>" + Html(table.goal.planned_heading) + "</th><th>" +
           Html(table.goal.actual_heading) + "</th></tr>\n<tr><td>" + Html(table.goal.planned) +
           "</td><td>" + Html(table.goal.actual) + "</td></tr>\n</table>\n";
    for (const auto& grid : table.grids) out += HtmlGrid(grid);
    if (!table.texts.empty()) out += "<table class=\"texts\">\n";
    for (const auto& [name, value] : table.texts) {
      out += "<tr><th>" + Html(name) + "</th><td>" + HtmlLines(value) + "</td></tr>\n";
    }
    if (!table.texts.empty()) out += "</table>\n";
    if (!table.signatures.empty()) {
      out += "<p class=\"signatures\">";
      for (const auto& signature : table.signatures) out += "<span>" + Html(signature) + "</span>";
      out += "</p>\n";
    }
    out += "</section>\n";
  }
  return out + "</body>\n</html>\n";
}

}  // namespace

namespace reports_internal {

unsigned LightRgb(Light light) {
  switch (light) {
    case Light::kGreen:
      return 0xC8E6C9;
    case Light::kBlue:
      return 0xBBDEFB;
    case Light::kYellow:
      return 0xFFF59D;
    case Light::kRed:
      return 0xEF9A9A;
    case Light::kOverdue:
      return 0xFFCC80;
    case Light::kNoData:
      return 0xE0E0E0;
  }
  return 0xFFFFFF;
}

std::vector<Table> BuildTables(const Evaluation& evaluation, ReportKind kind,
                               std::string_view project_id, const ConclusionTexts& texts) {
  std::vector<Table> tables;
  for (const auto& project : evaluation.projects) {
    if (!project_id.empty() && project.project->id != project_id) continue;
    tables.push_back(kind == ReportKind::kMonitor
                         ? MonitorTable(evaluation, project)
                         : SelfEvaluationTable(evaluation, project, texts));
  }
  return tables;
}

}  // namespace reports_internal

std::string RenderReport(const Evaluation& evaluation, ReportKind kind, OutputFormat format,
                         std::string_view unit_name, std::string_view project_id,
                         const ConclusionTexts& texts) {
  const std::vector<Table> tables =
      reports_internal::BuildTables(evaluation, kind, project_id, texts);
  switch (format) {
    case OutputFormat::kCsv:
      return RenderCsv(tables);
    case OutputFormat::kMarkdown:
      return RenderMarkdown(tables, unit_name);
    case OutputFormat::kHtml:
      return RenderHtml(tables, unit_name);
  }
  return {};
}

}  // namespace ptmon
