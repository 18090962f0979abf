#include <algorithm>

#include <ptmon/alerts/reminders.h>
#include <ptmon/base/text.h>

namespace ptmon {

namespace {

std::chrono::sys_days Days(Date date) {
  return std::chrono::year_month_day(std::chrono::year(date.year),
                                     std::chrono::month(static_cast<unsigned>(date.month)),
                                     std::chrono::day(static_cast<unsigned>(date.day)));
}

// The month whose report is due within the lead and its missing items, for one project.
struct DueReport {
  Period period;
  Date due;
  std::vector<std::string> missing;  // published names
};

// As the overdue light will judge `period` once it is past due: evaluated as of `period`, a
// value for a later month is not seen.
bool Covered(const ActualsIndex& actuals, SeriesKey key, Period period) {
  const ReportedValue* latest = actuals.LatestAtOrBefore(key, period);
  return latest != nullptr && ReportAnswers(latest->period, period);
}

// The earliest month of the catalogue's year, among last month and this one, whose report is
// due from `today` to `lead_days` after it and is not complete.
std::optional<DueReport> DueSoon(const Project& project, uint32_t index,
                                 const ActualsIndex& actuals, Date today, int lead_days,
                                 int budget_due_day) {
  const Period last_month =
      today.month == 1 ? Period{today.year - 1, 12} : Period{today.year, today.month - 1};
  for (const Period period : {last_month, Period{today.year, today.month}}) {
    if (period.year != actuals.year()) continue;
    auto within = [&](int due_day) {
      const Date due = DueDate(period, due_day);
      return today <= due && Days(due) - Days(today) <= std::chrono::days(lead_days);
    };
    DueReport report{period, {}, {}};
    auto missing = [&](std::string name, int due_day) {
      const Date due = DueDate(period, due_day);
      if (report.missing.empty() || due < report.due) report.due = due;
      report.missing.push_back(std::move(name));
    };
    for (size_t i = 0; i < project.indicators.size(); ++i) {
      const Indicator& indicator = project.indicators[i];
      if (!IsReportMonth(indicator.frequency, period.month) || !within(indicator.due_day)) continue;
      if (!Covered(actuals, {index, static_cast<int32_t>(i)}, period))
        missing(indicator.name, indicator.due_day);
    }
    if (within(budget_due_day)) {
      bool spent = Covered(actuals, {index, -1}, period);
      for (int row = 0; row < kFundRowCount && !spent; ++row)
        spent = Covered(actuals, {index, SpentBySourceIndex(row)}, period);
      if (!spent) missing("预算执行数", budget_due_day);
    }
    if (!report.missing.empty()) return report;
  }
  return std::nullopt;
}

std::string MonthText(Period period) {
  return std::to_string(period.year) + "年" + std::to_string(period.month) + "月";
}

std::string DayText(Date date) {
  return std::to_string(date.month) + "月" + std::to_string(date.day) + "日";
}

}  // namespace

void LabelOwner(AlertCondition condition, const ProjectOwners& owners,
                const std::vector<std::string_view>& alertnames,
                const std::function<void(AlertCondition)>& emit) {
  const bool owned = std::find(alertnames.begin(), alertnames.end(), AlertNameOf(condition.rule)) !=
                     alertnames.end();
  const auto found = owned ? owners.find(std::string(condition.subject.project)) : owners.end();
  if (found == owners.end() || found->second.empty()) {
    emit(std::move(condition));
    return;
  }
  for (const std::string& owner : found->second) {
    AlertCondition copy = condition;
    copy.subject.owner = owner;
    emit(std::move(copy));
  }
}

void LabelOwners(std::vector<AlertCondition>& conditions, const ProjectOwners& owners,
                 const std::vector<std::string_view>& alertnames) {
  std::vector<AlertCondition> labelled;
  labelled.reserve(conditions.size());
  for (AlertCondition& condition : conditions) {
    LabelOwner(std::move(condition), owners, alertnames,
               [&](AlertCondition one) { labelled.push_back(std::move(one)); });
  }
  conditions = std::move(labelled);
}

std::vector<AlertCondition> ReminderRules(const Catalog& catalog, const ActualsIndex& actuals,
                                          const ProjectOwners& owners, Date today, int lead_days,
                                          int budget_due_day, const AlertSettings& settings) {
  std::vector<AlertCondition> conditions;
  for (uint32_t index = 0; index < catalog.projects.size(); ++index) {
    const Project& project = catalog.projects[index];
    const auto due = DueSoon(project, index, actuals, today, lead_days, budget_due_day);
    if (!due) continue;
    std::string names;
    for (const std::string& name : due->missing) names += (names.empty() ? "" : "、") + name;
    const std::string month = MonthText(due->period);
    const std::string form = settings.external_url +
                             "/report?project=" + UrlEncodeComponent(project.id) +
                             "&period=" + due->period.ToString();
    AlertCondition condition;
    condition.rule = AlertRule::kReportDueSoon;
    condition.subject = {project.unit_id, project.id, {}, {}};
    condition.raise = true;
    condition.text = AlertText(
        form, {{"summary", "「" + project.name + "」" + month + "的数据请于 " + DayText(due->due) +
                               "前报送，还有 " + std::to_string(due->missing.size()) + " 项未报"},
               {"description", "「" + project.name + "」" + month + "尚未报送：" + names +
                                   "。报送截止日 " + due->due.ToString() +
                                   "，逾期将计入监控发现的问题。" + "在线填报：" + form},
               {"month", due->period.ToString()},
               {"due_date", due->due.ToString()},
               {"missing", names},
               {"report_url", form}});
    conditions.push_back(std::move(condition));
  }
  LabelOwners(conditions, owners, {"PtmonReportDueSoon"});
  return conditions;
}

}  // namespace ptmon
