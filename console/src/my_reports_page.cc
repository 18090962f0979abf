#include <algorithm>

#include <ptmon/console/my_reports.h>
#include <ptmon/indicators/target.h>

#include "board_rows.h"
#include "html.h"

namespace ptmon {

using namespace console_internal;

namespace {

// What one series holds for the month due: whether it has a value for it, and the latest value
// of an earlier month of the same year.
struct SeriesState {
  bool reported = false;
  std::optional<Period> previous_period;
  const ActualValue* previous = nullptr;
};

void Read(const std::vector<ActualRevision>& history, Period period, SeriesState& state) {
  // Revisions come oldest first: the last one of a month is the one in force.
  for (const ActualRevision& revision : history) {
    const ActualValue& value = revision.actual;
    if (value.period == period) state.reported = true;
    if (value.period.year == period.year && value.period < period &&
        (!state.previous_period || !(value.period < *state.previous_period))) {
      state.previous_period = value.period;
      state.previous = &value;
    }
  }
}

std::string PublishedUnitText(const Target& target) {
  if (target.kind == TargetKind::kQualitative) return "";
  return std::string(MultiplierPrefix(target.multiplier)) + target.unit;
}

std::string PreviousText(const SeriesState& state, const PublishedUnit& unit) {
  if (state.previous == nullptr) return "";
  const ActualValue& value = *state.previous;
  const std::string figure = !value.grade.empty() ? value.grade
                             : value.value        ? FormatQuantity(*value.value, unit)
                                                  : "";
  return figure + "（" + std::to_string(value.period.month) + "月）";
}

}  // namespace

Period ReportMonthDue(Date today, int year) {
  const Period period =
      today.month == 1 ? Period{today.year - 1, 12} : Period{today.year, today.month - 1};
  if (period.year < year) return {year, 1};
  if (period.year > year) return {year, 12};
  return period;
}

bool MyReport::done() const {
  return std::none_of(items.begin(), items.end(),
                      [](const MyReportItem& item) { return item.missing; });
}

Result<MyReport> MyReportOf(Store& store, const Catalog& catalog, const ProjectStatus& status,
                            Date today, int budget_due_day) {
  const Project& project = *status.project;
  MyReport report;
  report.project = &project;
  report.period = ReportMonthDue(today, catalog.year);
  report.due = DueDate(report.period, budget_due_day);
  for (const Indicator& indicator : project.indicators) {
    if (!IsReportMonth(indicator.frequency, report.period.month)) continue;
    auto history = store.values().History(project.id, indicator.id);
    if (!history.ok()) return history.status();
    SeriesState state;
    Read(*history, report.period, state);
    const Target& target = indicator.TargetFor(report.period.month);
    report.items.push_back({indicator.id, indicator.name, target.text, PublishedUnitText(target),
                            !state.reported, PreviousText(state, PublishedUnitOf(target))});
    report.due = std::min(report.due, DueDate(report.period, indicator.due_day));
  }
  // Spending counts as reported whether given as the total or by fund-source rows.
  SeriesState spent;
  std::vector<std::vector<ActualRevision>> histories;  // `spent` points into the first
  histories.reserve(1 + kFundRowCount);
  for (std::string_view id : {kSpentIndicator, kSpentBySourceIds[0], kSpentBySourceIds[1],
                              kSpentBySourceIds[2], kSpentBySourceIds[3]}) {
    auto history = store.values().History(project.id, std::string(id));
    if (!history.ok()) return history.status();
    histories.push_back(std::move(history).value());
    SeriesState state;
    Read(histories.back(), report.period, state);
    spent.reported = spent.reported || state.reported;
    if (id == kSpentIndicator) {
      spent.previous = state.previous;
      spent.previous_period = state.previous_period;
    }
  }
  report.items.push_back(
      {std::string(kSpentIndicator), "预算执行数",
       WanYuanText(static_cast<double>(project.FundsFor(report.period.month).total_fen) / 100),
       "万元", !spent.reported, PreviousText(spent, WanYuan())});
  report.overdue_days = OverdueDays(status, catalog.year, budget_due_day, today);
  return report;
}

Result<std::vector<MyReport>> MyReportsOf(Store& store, const Catalog& catalog,
                                          const Evaluation& evaluation, const ConsoleUser& user,
                                          Date today, int budget_due_day) {
  std::vector<MyReport> reports;
  if (user.role != Role::kManager) return reports;
  for (const ProjectStatus& status : evaluation.projects) {
    const std::string& id = status.project->id;
    if (std::find(user.projects.begin(), user.projects.end(), id) == user.projects.end()) continue;
    auto report = MyReportOf(store, catalog, status, today, budget_due_day);
    if (!report.ok()) return report.status();
    reports.push_back(std::move(report).value());
  }
  return reports;
}

Result<BoardContext> ReadBoardContext(Store& store, Date today, int budget_due_day) {
  auto owners = store.accounts().ManagersByProject();
  if (!owners.ok()) return owners.status();
  BoardContext context;
  context.owners = std::move(owners).value();
  context.today = today;
  context.budget_due_day = budget_due_day;
  return context;
}

std::string MyReportsPage(const PageFrame& frame, const std::vector<MyReport>& reports,
                          Date today) {
  std::vector<const MyReport*> ordered;
  for (const MyReport& report : reports) ordered.push_back(&report);
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const MyReport* report) { return !report->done(); });
  std::string html = "<h1>我的填报</h1><p class=\"muted\">今天 " + today.ToString() +
                     "。每个项目应报的月份、截止日期和还没有填报的指标。</p>";
  if (reports.empty())
    html += "<p id=\"no-projects\">您还没有被分配项目，不需要填报。如需填报请联系管理员。</p>";
  for (const MyReport* report : ordered) {
    const Project& project = *report->project;
    const int missing =
        static_cast<int>(std::count_if(report->items.begin(), report->items.end(),
                                       [](const MyReportItem& item) { return item.missing; }));
    const std::string query =
        "?project=" + EscapeHtml(project.id) + "&amp;period=" + report->period.ToString();
    html += "<section class=\"card my-report\" data-project=\"" + EscapeHtml(project.id) +
            "\"><h2><a href=\"/projects/" + EscapeHtml(project.id) + "\">" +
            EscapeHtml(project.name) + "</a></h2><p>应报 <b class=\"period\">" +
            MonthText(report->period) + "</b>，截止 <span class=\"due\">" + report->due.ToString() +
            "</span>　";
    html += missing == 0 ? "<span class=\"state done\">已全部填报</span>"
                         : "<span class=\"state missing\">还有 " + std::to_string(missing) +
                               " 项未填报</span>";
    if (report->overdue_days)
      html += "　<span class=\"light light-overdue overdue-days\">已逾期 " +
              std::to_string(*report->overdue_days) + " 天</span>";
    html += "</p><p class=\"no-print\"><a class=\"button fill\" href=\"/report" + query +
            "\">填报" + MonthText(report->period) +
            "</a> <a class=\"button secondary template\" href=\"/report/template.xlsx" + query +
            "\">下载 Excel 模板</a></p>";
    html +=
        "<div class=\"table-wrap\"><table class=\"my-items\"><thead><tr><th>指标</th>"
        "<th>年度指标值</th><th>单位</th><th>" +
        MonthText(report->period) + "</th><th>上次填报</th></tr></thead><tbody>";
    for (const MyReportItem& item : report->items) {
      html += "<tr data-indicator=\"" + EscapeHtml(item.id) + "\" class=\"" +
              (item.missing ? "missing" : "done") + "\"><td>" + EscapeHtml(item.name) +
              "</td><td>" + EscapeHtml(item.target) + "</td><td>" + EscapeHtml(item.unit) +
              "</td><td>" + (item.missing ? "未填报" : "已填报") + "</td><td>" +
              (item.previous.empty() ? "—" : EscapeHtml(item.previous)) + "</td></tr>";
    }
    html += "</tbody></table></div></section>";
  }
  return Document(frame, "我的填报", html);
}

}  // namespace ptmon
