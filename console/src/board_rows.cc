#include "board_rows.h"

#include <algorithm>
#include <chrono>

namespace ptmon::console_internal {

namespace {

bool Before(const BoardRow& a, const BoardRow& b, std::string_view sort) {
  const ProjectStatus& x = *a.status;
  const ProjectStatus& y = *b.status;
  if (sort == "name") return x.project->name < y.project->name;
  if (sort == "unit") return (a.unit ? a.unit->name : "") < (b.unit ? b.unit->name : "");
  if (sort == "light") return x.light < y.light;
  if (sort == "score") return x.score < y.score;
  if (sort == "execution")
    return x.budget.execution_rate.value_or(-1) < y.budget.execution_rate.value_or(-1);
  if (sort == "budget") return x.budget.light < y.budget.light;
  if (sort == "red") return a.red < b.red;
  if (sort == "yellow") return a.yellow < b.yellow;
  if (sort == "overdue") return a.overdue < b.overdue;
  if (sort == "owners") return OwnerNames(a.owners) < OwnerNames(b.owners);
  if (sort == "overdue_days") return a.overdue_days.value_or(-1) < b.overdue_days.value_or(-1);
  return a.position < b.position;
}

std::chrono::sys_days Days(Date date) {
  return std::chrono::year_month_day(std::chrono::year(date.year),
                                     std::chrono::month(static_cast<unsigned>(date.month)),
                                     std::chrono::day(static_cast<unsigned>(date.day)));
}

// The due date of the first report after `latest` (from January when none) that `frequency`
// asks for, if it is past on `today`.
std::optional<Date> OldestMissingDue(std::optional<Period> latest, int year,
                                     ReportFrequency frequency, int due_day, Date today) {
  const int after = latest && latest->year == year ? latest->month : 0;
  for (int month = after + 1; month <= 12; ++month) {
    if (!IsReportMonth(frequency, month)) continue;
    const Period period{year, month};
    if (!IsPastDue(period, due_day, today)) return std::nullopt;
    return DueDate(period, due_day);
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> OverdueDays(const ProjectStatus& status, int year, int budget_due_day,
                               Date today) {
  std::optional<Date> oldest = OldestMissingDue(status.budget.period, year,
                                                ReportFrequency::kMonthly, budget_due_day, today);
  for (const IndicatorStatus& indicator : status.indicators) {
    const auto due = OldestMissingDue(indicator.period, year, indicator.indicator->frequency,
                                      indicator.indicator->due_day, today);
    if (due && (!oldest || *due < *oldest)) oldest = due;
  }
  if (!oldest) return std::nullopt;
  return static_cast<int>((Days(today) - Days(*oldest)).count());
}

BoardRows SelectBoardRows(const Catalog& catalog, const Evaluation& evaluation,
                          const BoardQuery& query, const BoardContext& context) {
  BoardRows selected;
  selected.rows.reserve(evaluation.projects.size());
  for (size_t p = 0; p < evaluation.projects.size(); ++p) {
    const ProjectStatus& status = evaluation.projects[p];
    BoardRow row;
    row.status = &status;
    row.unit = catalog.FindUnit(status.project->unit_id);
    row.position = p;
    for (const IndicatorStatus& indicator : status.indicators) {
      row.red += indicator.light == Light::kRed;
      row.yellow += indicator.light == Light::kYellow;
      row.overdue += indicator.overdue;
    }
    row.overdue += status.budget.overdue;
    if (!query.unit.empty() && status.project->unit_id != query.unit) continue;
    ++selected.by_light[static_cast<size_t>(status.light)];
    if (!query.light.empty() && LightName(status.light) != query.light) continue;
    if (const auto owners = context.owners.find(status.project->id); owners != context.owners.end())
      row.owners = &owners->second;
    row.overdue_days =
        OverdueDays(status, evaluation.as_of.year, context.budget_due_day, context.today);
    selected.rows.push_back(row);
  }
  std::stable_sort(selected.rows.begin(), selected.rows.end(),
                   [&](const BoardRow& a, const BoardRow& b) {
                     return query.descending ? Before(b, a, query.sort) : Before(a, b, query.sort);
                   });
  return selected;
}

std::string MainReason(const ProjectStatus& status, int overdue) {
  if (status.light != Light::kRed && status.light != Light::kYellow &&
      status.light != Light::kOverdue) {
    return "";
  }
  if (status.light == Light::kOverdue) return std::to_string(overdue) + " 项数据逾期未报";
  if (status.budget.light == status.light) {
    return "预算执行滞后（" + std::string(LightNameZh(status.light)) + "）" +
           (status.budget.budget_reason.empty() ? "" : "：" + status.budget.budget_reason);
  }
  for (const IndicatorStatus& indicator : status.indicators) {
    if (indicator.light != status.light) continue;
    std::string text =
        indicator.indicator->name + "（" + std::string(LightNameZh(indicator.light)) + "）";
    if (indicator.notes && !indicator.notes->reason.empty()) {
      text += "：" +
              (indicator.notes->reason_category.empty() ? std::string()
                                                        : indicator.notes->reason_category + "，") +
              indicator.notes->reason;
    }
    return text;
  }
  return "";
}

std::string OwnerNames(const std::vector<std::string>* owners) {
  std::string names;
  if (owners == nullptr) return names;
  for (const std::string& owner : *owners) names += (names.empty() ? "" : "、") + owner;
  return names;
}

}  // namespace ptmon::console_internal
