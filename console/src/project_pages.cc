#include <algorithm>

#include <ptmon/base/clock.h>
#include <ptmon/base/text.h>
#include <ptmon/indicators/target.h>

#include "html.h"

namespace ptmon {

using namespace console_internal;

namespace {

MonthValues LatestByMonth(const std::vector<ActualRevision>& history, int year) {
  MonthValues months;
  // Revisions come oldest first within each period: the last one seen is the one in force.
  for (const ActualRevision& revision : history) {
    const Period period = revision.actual.period;
    if (period.year != year || period.month < 1 || period.month > 12) continue;
    const size_t m = static_cast<size_t>(period.month - 1);
    months.value[m] = revision.actual.value;
    months.grade[m] = GradeFromName(revision.actual.grade);
  }
  return months;
}

std::string IndicatorLink(const Project& project, std::string_view indicator_id,
                          std::string_view label) {
  return "<a href=\"/projects/" + EscapeHtml(project.id) + "/history/" + EscapeHtml(indicator_id) +
         "\">" + EscapeHtml(label) + "</a>";
}

std::string NotesCell(const std::shared_ptr<const ValueNotes>& notes) {
  if (!notes || notes->empty()) return "";
  std::string text;
  if (!notes->reason_category.empty())
    text += "<div><b>" + EscapeHtml(notes->reason_category) + "</b></div>";
  if (!notes->reason.empty()) text += "<div>" + EscapeHtml(notes->reason) + "</div>";
  if (!notes->action.empty()) text += "<div>措施：" + EscapeHtml(notes->action) + "</div>";
  if (!notes->likelihood.empty())
    text += "<div class=\"muted\">完成可能性（填报）：" + EscapeHtml(notes->likelihood) + "</div>";
  return text;
}

std::string GradeChart(const MonthValues& months, int last_month) {
  std::string text = "<table><tr>";
  for (int m = 1; m <= last_month; ++m) text += "<th>" + std::to_string(m) + "月</th>";
  text += "</tr><tr>";
  for (int m = 1; m <= last_month; ++m) {
    const Grade grade = months.grade[static_cast<size_t>(m - 1)];
    text += "<td>" + (grade == Grade::kNone ? std::string("—") : std::string(GradeName(grade))) +
            "</td>";
  }
  return text + "</tr></table>";
}

// The progress bar as the light reads: a reverse indicator (≤24小时) met is a full bar, not
// 20÷24 = 83.3% that looks behind; broken, it shows how far within the limit it would have to
// come (limit ÷ actual).
std::string IndicatorBar(const IndicatorStatus& indicator, const LightThresholds& lights) {
  if (indicator.target->kind != TargetKind::kReverse || !indicator.actual || !indicator.expected)
    return ProgressBar(indicator.progress, indicator.light,
                       PrintedProgressPercent(indicator, lights, 1));
  const bool met = indicator.light == Light::kGreen;
  const double ratio =
      met || *indicator.actual <= 0 ? 1.0 : std::min(1.0, *indicator.expected / *indicator.actual);
  return ProgressBar(ratio, indicator.light, RoundKeepingSide(ratio * 100, 1, {100}));
}

// Last year's figure of the same month, as its own target was published, with its month; a dash
// when last year has none.
std::string LastYearText(const LastYearValue* last_year) {
  if (last_year == nullptr) return "—";
  return EscapeHtml(last_year->text) + "<div class=\"muted\">" + MonthText(last_year->period) +
         "</div>";
}

}  // namespace

ProjectMonths MonthsOf(const std::vector<std::vector<ActualRevision>>& indicator_histories,
                       const std::vector<ActualRevision>& spent_history, int year) {
  ProjectMonths months;
  for (const auto& history : indicator_histories)
    months.indicators.push_back(LatestByMonth(history, year));
  months.spent = LatestByMonth(spent_history, year);
  return months;
}

std::string ProjectPage(const PageFrame& frame, const Catalog& catalog,
                        const Evaluation& evaluation, const ProjectStatus& status,
                        const ProjectMonths& months) {
  const Project& project = *status.project;
  const BudgetUnit* unit = catalog.FindUnit(project.unit_id);
  const BudgetStatus& budget = status.budget;
  const int last_month = evaluation.as_of.month;
  std::string html;
  html += "<p class=\"muted\"><a href=\"/\">看板</a> › " +
          EscapeHtml(unit ? unit->name : project.unit_id) + "</p><h1>" + EscapeHtml(project.name) +
          " " + LightBadge(status.light) + "</h1>";
  html += "<div class=\"summary\"><div class=\"card\"><div class=\"figure\">" +
          FormatNumber(status.score, 2) + "</div><div class=\"label\">自评得分（" +
          (evaluation.year_end ? "实际" : "预测") + "）· 等级 " + EscapeHtml(status.grade) +
          "</div></div><div class=\"card\"><div class=\"figure\">" +
          PercentText(budget.execution_rate) + "</div><div class=\"label\">预算执行率 · 计划进度 " +
          PercentText(budget.plan_share.value_or(evaluation.time_progress)) +
          "</div></div><div class=\"card\"><div "
          "class=\"figure\">" +
          WanYuanText(budget.adjusted_budget_yuan) + "</div><div class=\"label\">" +
          (budget.adjustment ? "调整后预算（" + EscapeHtml(budget.adjustment->approval) + "）"
                             : std::string("年度预算")) +
          "</div></div></div>";
  html += "<div class=\"card\"><dl class=\"facts\"><dt>主管部门</dt><dd>" +
          EscapeHtml(project.department) + "</dd><dt>实施单位</dt><dd>" +
          EscapeHtml(project.implementing_unit) + "</dd><dt>年度总体目标</dt><dd>" +
          EscapeHtml(project.annual_goal) + "</dd></dl></div>";
  html += "<p class=\"no-print\">";
  if (frame.may_report)
    html += "<a class=\"button\" href=\"/report?project=" + EscapeHtml(project.id) +
            "\">填报本项目</a> ";
  html += "<a class=\"button secondary\" href=\"/reports/monitor.xlsx?project=" +
          EscapeHtml(project.id) +
          "\">下载监控表</a> <a class=\"button secondary\" href=\"/reports/self-evaluation.xlsx?"
          "project=" +
          EscapeHtml(project.id) + "\">下载自评表</a></p>";

  html +=
      "<h2>绩效指标</h2><div class=\"table-wrap\"><table id=\"indicators\"><thead><tr>"
      "<th>一级</th><th>二级</th><th>三级指标</th><th>年度指标值</th><th class=\"num\">完成值</th>"
      "<th class=\"num\">去年同期</th>"
      "<th class=\"num\">期望值</th><th>进度</th><th>状态</th><th class=\"num\">年终预测</th>"
      "<th>完成可能性</th><th>偏差原因与措施</th></tr></thead><tbody>";
  for (const IndicatorStatus& indicator : status.indicators) {
    const Indicator& item = *indicator.indicator;
    html += "<tr data-indicator=\"" + EscapeHtml(item.id) + "\"><td>" + EscapeHtml(item.level1) +
            "</td><td>" + EscapeHtml(item.level2) + "</td><td>" +
            IndicatorLink(project, item.id, item.name) + "</td><td>" +
            EscapeHtml(indicator.target->text) + "</td><td class=\"num\">" +
            ValueText(indicator.actual, indicator.grade, *indicator.target) +
            (indicator.period ? "<div class=\"muted\">" + MonthText(*indicator.period) + "</div>"
                              : std::string()) +
            "</td><td class=\"num last-year\">" + LastYearText(indicator.last_year.get()) +
            "</td><td class=\"num\">" +
            ValueText(indicator.expected, Grade::kNone, *indicator.target) + "</td><td>" +
            IndicatorBar(indicator, evaluation.lights);
    html += "</td><td>" + LightBadge(indicator.light) + "</td><td class=\"num\">" +
            ValueText(indicator.forecast, indicator.forecast_grade, *indicator.target) +
            "</td><td>" + EscapeHtml(LikelihoodName(indicator.likelihood)) + "</td><td>" +
            NotesCell(indicator.notes) + "</td></tr>";
  }
  html += "<tr data-indicator=\"spent\"><td colspan=\"3\">" +
          IndicatorLink(project, kSpentIndicator, "预算执行数") + "</td><td>" +
          WanYuanText(budget.adjusted_budget_yuan) + "</td><td class=\"num\">" +
          (budget.spent_yuan ? WanYuanText(*budget.spent_yuan) : std::string("—")) +
          "</td><td class=\"num\"></td><td class=\"num\">" +
          (budget.plan_share ? WanYuanText(budget.adjusted_budget_yuan * *budget.plan_share)
                             : std::string("—")) +
          "</td><td>" +
          ProgressBar(budget.ratio_to_plan, budget.light,
                      PrintedPercentOfPlan(budget, evaluation.lights, 1));
  html +=
      "</td><td>" + LightBadge(budget.light) + "</td><td class=\"num\">" +
      (budget.forecast_spent_yuan ? WanYuanText(*budget.forecast_spent_yuan) : std::string("—")) +
      "</td><td></td><td class=\"budget-reason\">" + EscapeHtml(budget.budget_reason) +
      "</td></tr></tbody></table></div>";

  html +=
      "<h2>逐月走势</h2><p class=\"legend\"><span class=\"actual\">● 完成值</span>"
      "<span class=\"expected\">┄ 期望进度</span><span class=\"target\">┅ 年度目标</span></p>"
      "<div class=\"charts\">";
  for (size_t i = 0; i < status.indicators.size(); ++i) {
    const IndicatorStatus& indicator = status.indicators[i];
    const Indicator& item = *indicator.indicator;
    const MonthValues& values = i < months.indicators.size() ? months.indicators[i] : MonthValues{};
    html += "<figure><figcaption>" + IndicatorLink(project, item.id, item.name) + "</figcaption>";
    if (item.annual_target.kind == TargetKind::kQualitative) {
      html += GradeChart(values, last_month);
    } else {
      ChartSeries series;
      series.actual = values.value;
      series.unit = PublishedUnitOf(item.TargetFor(last_month));
      series.reverse = item.TargetFor(last_month).kind == TargetKind::kReverse;
      series.last_month = last_month;
      for (int m = 1; m <= 12; ++m) {
        const Target& target = item.TargetFor(m);
        if (!target.value) continue;
        series.expected[static_cast<size_t>(m - 1)] = item.accumulation == Accumulation::kYearToDate
                                                          ? *target.value * PaceShare(item, m)
                                                          : *target.value;
      }
      series.target = item.TargetFor(last_month).value;
      html += LineChartSvg(series, item.name);
    }
    html += "</figure>";
  }
  ChartSeries spent;
  spent.actual = months.spent.value;
  spent.unit = WanYuan();
  spent.last_month = last_month;
  for (int m = 1; m <= 12; ++m) {
    spent.expected[static_cast<size_t>(m - 1)] =
        static_cast<double>(project.FundsFor(m).total_fen) / 100 * PlanShare(project, m);
  }
  spent.target = budget.adjusted_budget_yuan;
  html += "<figure><figcaption>" + IndicatorLink(project, kSpentIndicator, "预算执行数") +
          "</figcaption>" + LineChartSvg(spent, "预算执行数") + "</figure></div>";
  return Document(frame, project.name, html);
}

std::string HistoryPage(const PageFrame& frame, const Project& project, const Indicator* indicator,
                        const std::vector<ActualRevision>& revisions) {
  const std::string name = indicator ? indicator->name : "预算执行数";
  std::string html = "<p class=\"muted\"><a href=\"/\">看板</a> › <a href=\"/projects/" +
                     EscapeHtml(project.id) + "\">" + EscapeHtml(project.name) + "</a></p><h1>" +
                     EscapeHtml(name) + " · 填报记录</h1>";
  if (indicator) {
    html += "<p>年度指标值 " + EscapeHtml(indicator->annual_target.text);
    if (indicator->adjustment) {
      html += "；自" + std::to_string(indicator->adjustment->from_month) + "月起调整为 " +
              EscapeHtml(indicator->adjustment->target.text) + "（" +
              EscapeHtml(indicator->adjustment->approval) + "）";
    }
    html += "</p>";
  }
  html +=
      "<div class=\"table-wrap\"><table id=\"history\"><thead><tr><th>期间</th>"
      "<th class=\"num\">填报值</th><th>批次</th><th>来源</th><th>提交人</th><th>填报人</th>"
      "<th>应用时间</th>"
      "<th>偏差原因与措施</th></tr></thead><tbody>";
  for (const ActualRevision& revision : revisions) {
    const ActualValue& value = revision.actual;
    std::string notes;
    if (!value.reason_category.empty())
      notes += "<b>" + EscapeHtml(value.reason_category) + "</b> ";
    notes += EscapeHtml(value.reason);
    if (!value.action.empty()) notes += "<div>措施：" + EscapeHtml(value.action) + "</div>";
    if (!value.likelihood.empty())
      notes += "<div class=\"muted\">完成可能性：" + EscapeHtml(value.likelihood) + "</div>";
    const bool from_form = revision.file_name.starts_with("console-");
    html += "<tr><td>" + MonthText(value.period) + "</td><td class=\"num\">" +
            (!value.grade.empty() ? EscapeHtml(value.grade)
             : indicator
                 ? ValueText(value.value, Grade::kNone, indicator->TargetFor(value.period.month))
             : value.value ? WanYuanText(*value.value)
                           : std::string("—")) +
            "</td><td class=\"num\">" + std::to_string(revision.batch_id) + "</td><td>" +
            (from_form ? "网页填报 " : "文件 ") + EscapeHtml(revision.file_name) + "</td><td>" +
            (revision.submitted_by.empty() ? "—" : EscapeHtml(revision.submitted_by)) +
            "</td><td>" + EscapeHtml(value.reporter) + "</td><td>" +
            EscapeHtml(LocalTimeText(revision.applied_at)) + "</td><td>" + notes + "</td></tr>";
  }
  if (revisions.empty()) html += "<tr><td colspan=\"8\" class=\"muted\">尚无填报</td></tr>";
  html += "</tbody></table></div>";
  return Document(frame, name + " 填报记录", html);
}

}  // namespace ptmon
