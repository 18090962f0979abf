// The two official tables. Their columns follow the forms of the national budget-management
// system: 项目支出绩效目标执行监控表 (财预〔2019〕136号) and 项目支出绩效自评表 (财预〔2020〕10号),
// and their figures are written as finance offices file them: money in 万元 with two decimals
// and thousands separators, counts whole (no fractional people), rates with two decimals —
// each rounded never across the target it is compared with.
#include <cstdio>

#include <ptmon/base/text.h>
#include <ptmon/reports/reports.h>

#include "tables.h"

namespace ptmon {

using reports_internal::Table;

namespace {

std::string Months(const Evaluation& evaluation) {
  return "1–" + std::to_string(evaluation.as_of.month) + "月";
}

// Money in 万元 with two decimals and separators, never rounded across `threshold` (in 元).
std::string Wan(double yuan, double threshold = std::nan("")) {
  return FormatGrouped(RoundKeepingSide(yuan / 10000, 2, {threshold / 10000}), 2) + "万元";
}

}  // namespace

std::string PrintedQuantity(double value, const Target& target) {
  const double threshold = target.value.value_or(std::nan(""));
  if (target.unit == "元") return Wan(value, threshold);
  if (target.unit == "%") {
    return FormatNumber(RoundKeepingSide(value * 100, 2, {threshold * 100}), 2) + "%";
  }
  if (IsCumulativeUnit(target.unit)) {  // people, times, devices: whole
    return FormatGrouped(RoundKeepingSide(value, 0, {threshold}), 0) + target.unit;
  }
  return FormatNumber(RoundKeepingSide(value, 2, {threshold}), 2) + target.unit;
}

namespace {

std::string Percent(const std::optional<double>& ratio) {
  return ratio ? FormatNumber(*ratio * 100, 2) + "%" : "";
}

std::string PercentText(const std::optional<double>& percent) {
  return percent ? FormatNumber(*percent, 2) + "%" : "";
}

// The words for an indicator with nothing reported, the same in both tables.
std::string Unreported(const IndicatorStatus& status) {
  return status.overdue ? "逾期未报" : "未报送";
}

std::string ActualText(const IndicatorStatus& status) {
  if (status.grade != Grade::kNone) return std::string(GradeName(status.grade));
  if (!status.actual) return Unreported(status);
  return PrintedQuantity(*status.actual, *status.target);
}

std::string ForecastText(const IndicatorStatus& status) {
  if (status.forecast_grade != Grade::kNone) return std::string(GradeName(status.forecast_grade));
  if (!status.forecast) return "";
  return PrintedQuantity(*status.forecast, *status.target);
}

// 实际完成情况 in figures: how many indicators stand where, by their lights.
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

// The target cells of a row: 年度指标值 alone, or, in a project with an adjusted target
// (绩效目标调整), the original beside the adjusted one with its effective month and approval.
std::vector<std::string> TargetCells(const IndicatorStatus& status, bool adjusted_project) {
  const Indicator& indicator = *status.indicator;
  if (!adjusted_project) return {indicator.annual_target.text};
  if (!indicator.adjustment) return {indicator.annual_target.text, ""};
  const TargetAdjustment& adjustment = *indicator.adjustment;
  return {indicator.annual_target.text, adjustment.target.text + "（" +
                                            std::to_string(adjustment.from_month) + "月起，" +
                                            adjustment.approval + "）"};
}

std::vector<std::string> TargetHeadings(bool adjusted_project) {
  if (!adjusted_project) return {"年度指标值"};
  return {"年度指标值（原目标）", "调整后指标值"};
}

// A row: the level and name cells, the target cells, then `rest`.
std::vector<std::string> Row(const IndicatorStatus& status, bool adjusted_project,
                             std::vector<std::string> rest) {
  const Indicator& indicator = *status.indicator;
  std::vector<std::string> row = {indicator.level1, indicator.level2, indicator.name};
  for (auto& cell : TargetCells(status, adjusted_project)) row.push_back(std::move(cell));
  for (auto& cell : rest) row.push_back(std::move(cell));
  return row;
}

std::vector<std::string> Columns(bool adjusted_project, std::vector<std::string> rest) {
  std::vector<std::string> columns = {"一级指标", "二级指标", "三级指标"};
  for (auto& heading : TargetHeadings(adjusted_project)) columns.push_back(std::move(heading));
  for (auto& heading : rest) columns.push_back(std::move(heading));
  return columns;
}

std::string Reason(const IndicatorStatus& status) {
  if (status.notes == nullptr) return "";
  std::string text = status.notes->reason_category;
  if (!status.notes->reason.empty()) text += (text.empty() ? "" : ": ") + status.notes->reason;
  return text;
}

Table MonitorTable(const Evaluation& evaluation, const ProjectStatus& project) {
  const BudgetStatus& budget = project.budget;
  Table table;
  table.title = "项目支出绩效目标执行监控表（" + std::to_string(evaluation.as_of.year) + "年" +
                Months(evaluation) + "）";
  table.facts = {
      {"项目名称", project.project->name},
      {"主管部门", project.project->department},
      {"实施单位", project.project->implementing_unit},
      {"年度预算数", Wan(budget.adjusted_budget_yuan)},
      {Months(evaluation) + "执行数", budget.spent_yuan ? Wan(*budget.spent_yuan) : "未报送"},
      {"预算执行率", Percent(budget.execution_rate)},
      {"执行进度与时间进度之比", PercentText(PrintedPercentOfPlan(budget, evaluation.lights, 2))},
      {"预警", std::string(LightNameZh(budget.light))}};
  table.project_light = budget.light;
  table.goal = {"年初设定目标", Months(evaluation) + "执行情况", project.project->annual_goal,
                Attainment(evaluation, project)};
  const bool adjusted = HasAdjustment(project);
  table.columns = Columns(adjusted, {Months(evaluation) + "执行情况", "全年预计完成情况",
                                     "偏差原因分析", "完成目标可能性", "改进措施", "预警"});
  for (const auto& status : project.indicators) {
    table.rows.push_back(
        Row(status, adjusted,
            {ActualText(status), ForecastText(status), Reason(status),
             status.notes && !status.notes->likelihood.empty()
                 ? status.notes->likelihood
                 : std::string(LikelihoodName(status.likelihood)),
             status.notes ? status.notes->action : "", std::string(LightNameZh(status.light))}));
    table.row_lights.push_back(status.light);
  }
  table.light_column = table.columns.size() - 1;
  return table;
}

Table SelfEvaluationTable(const Evaluation& evaluation, const ProjectStatus& project) {
  const BudgetStatus& budget = project.budget;
  const std::optional<double> spent =
      evaluation.year_end ? budget.spent_yuan : budget.forecast_spent_yuan;
  Table table;
  table.title = "项目支出绩效自评表（" + std::to_string(evaluation.as_of.year) + "年度" +
                (evaluation.year_end ? "" : "，按" + Months(evaluation) + "执行情况预计") + "）";
  table.facts = {
      {"项目名称", project.project->name},
      {"主管部门", project.project->department},
      {"实施单位", project.project->implementing_unit},
      {"年初预算数", Wan(budget.initial_budget_yuan)},
      {"全年预算数", Wan(budget.adjusted_budget_yuan)},
      {evaluation.year_end ? "全年执行数" : "全年预计执行数", spent ? Wan(*spent) : "未报送"},
      {"执行率", Percent(budget.execution_rate)},
      {"分值", FormatNumber(budget.weight)},
      {"得分", FormatNumber(budget.score)}};
  table.goal = {"预期目标", "实际完成情况", project.project->annual_goal,
                Attainment(evaluation, project)};
  const bool adjusted = HasAdjustment(project);
  table.columns = Columns(adjusted, {evaluation.year_end ? "实际完成值" : "全年预计完成值", "分值",
                                     "得分", "偏差原因分析及改进措施"});
  for (const auto& status : project.indicators) {
    std::string explanation = Reason(status);
    if (status.notes && !status.notes->action.empty()) {
      explanation += (explanation.empty() ? "改进措施: " : "; 改进措施: ") + status.notes->action;
    }
    if (status.target_may_be_low) {
      explanation += std::string(explanation.empty() ? "" : "; ") + "远超目标, 目标值可能偏低";
    }
    std::string value = evaluation.year_end ? ActualText(status) : ForecastText(status);
    if (value.empty()) value = Unreported(status);  // as the 监控表 says it
    table.rows.push_back(
        Row(status, adjusted,
            {value, FormatNumber(status.weight), FormatNumber(status.score), explanation}));
  }
  table.totals = {{"总分", FormatNumber(project.score)}, {"等级", project.grade}};
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

std::string RenderCsv(const std::vector<Table>& tables) {
  std::string out = "\xEF\xBB\xBF";  // Excel reads UTF-8 only with a BOM
  auto line = [&](const std::vector<std::string>& cells) { out += CsvLine(cells); };
  for (const auto& table : tables) {
    line({table.title});
    for (const auto& [name, value] : table.facts) line({name, value});
    line({"年度总体目标", table.goal.planned_heading, table.goal.actual_heading});
    line({"", table.goal.planned, table.goal.actual});
    line(table.columns);
    for (const auto& row : table.rows) line(row);
    for (const auto& [name, value] : table.totals) line({name, value});
    out += "\r\n";
  }
  return out;
}

std::string RenderMarkdown(const std::vector<Table>& tables, std::string_view unit_name) {
  std::string out = "# " + std::string(unit_name) + "\n";
  for (const auto& table : tables) {
    out += "\n## " + table.title + "\n\n";
    for (const auto& [name, value] : table.facts)
      out += "- " + name + "：" + Markdown(value) + "\n";
    out += "\n| 年度总体目标 | " + Markdown(table.goal.planned_heading) + " | " +
           Markdown(table.goal.actual_heading) + " |\n| --- | --- | --- |\n|  | " +
           Markdown(table.goal.planned) + " | " + Markdown(table.goal.actual) + " |\n";
    out += "\n|";
    for (const auto& column : table.columns) out += " " + Markdown(column) + " |";
    out += "\n|";
    for (size_t i = 0; i < table.columns.size(); ++i) out += " --- |";
    out += "\n";
    for (const auto& row : table.rows) {
      out += "|";
      for (const auto& cell : row) out += " " + Markdown(cell) + " |";
      out += "\n";
    }
    if (!table.totals.empty()) out += "\n";
    for (const auto& [name, value] : table.totals)
      out += "**" + name + "**：" + Markdown(value) + "  \n";
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
      "table { border-collapse: collapse; width: 100%; margin-bottom: 6pt; }\n"
      "thead { display: table-header-group; }\n"  // repeated on every printed page
      "tr { page-break-inside: avoid; }\n"
      "th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }\n"
      "th { background: #eee; }\n"
      // Short cells (levels, targets, figures, the light) never wrap mid-word (产出指/标).
      "td.short, th { white-space: nowrap; }\n"
      "* { print-color-adjust: exact; -webkit-print-color-adjust: exact; }\n" +
      LightStyles() +
      "dl { display: grid; grid-template-columns: max-content auto max-content auto; gap: 2pt 8pt; "
      "}\n"
      "dt { font-weight: bold; }\n"
      "</style>\n</head>\n<body>\n<h1>" +
      Html(unit_name) + "</h1>\n";
  for (const auto& table : tables) {
    out += "<section>\n<h2>" + Html(table.title) + "</h2>\n<dl>\n";
    for (const auto& [name, value] : table.facts) {
      const bool light = name == "预警" && table.project_light;
      out +=
          "<dt>" + Html(name) + "</dt><dd" +
          (light ? " class=\"light-" + std::string(LightName(*table.project_light)) + "\"" : "") +
          ">" + Html(value) + "</dd>\n";
    }
    out += "</dl>\n<table class=\"goal\">\n<tr><th rowspan=\"2\">年度总体目标</th><th>" +
           Html(table.goal.planned_heading) + "</th><th>" + Html(table.goal.actual_heading) +
           "</th></tr>\n<tr><td>" + Html(table.goal.planned) + "</td><td>" +
           Html(table.goal.actual) + "</td></tr>\n</table>\n";
    out += "<table>\n<thead><tr>";
    for (const auto& column : table.columns) out += "<th>" + Html(column) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto& row = table.rows[r];
      out += "<tr>";
      for (size_t c = 0; c < row.size(); ++c) {
        std::string classes = c < 2 || c == 3 ? "short" : "";
        if (table.light_column == c && r < table.row_lights.size()) {
          classes = "short light-" + std::string(LightName(table.row_lights[r]));
        }
        out +=
            (classes.empty() ? "<td>" : "<td class=\"" + classes + "\">") + Html(row[c]) + "</td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
    for (const auto& [name, value] : table.totals) {
      out += "<p><strong>" + Html(name) + "</strong>：" + Html(value) + "</p>\n";
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
                               std::string_view project_id) {
  std::vector<Table> tables;
  for (const auto& project : evaluation.projects) {
    if (!project_id.empty() && project.project->id != project_id) continue;
    tables.push_back(kind == ReportKind::kMonitor ? MonitorTable(evaluation, project)
                                                  : SelfEvaluationTable(evaluation, project));
  }
  return tables;
}

}  // namespace reports_internal

std::string RenderReport(const Evaluation& evaluation, ReportKind kind, OutputFormat format,
                         std::string_view unit_name, std::string_view project_id) {
  const std::vector<Table> tables = reports_internal::BuildTables(evaluation, kind, project_id);
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
