// 我的填报: a manager's own page — for each project assigned, the month to report now, when it is
// due, what is still missing for it and the values reported before, with the form and the
// template one click away. Read from the store (each indicator's history), so a report shows as
// done the moment it is applied.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <ptmon/base/clock.h>
#include <ptmon/base/status.h>
#include <ptmon/console/pages.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/indicators/evaluation.h>
#include <ptmon/storage/accounts.h>
#include <ptmon/storage/store.h>

namespace ptmon {

// The month a manager reports now: the one before today's, within the catalogue's `year`.
Period ReportMonthDue(Date today, int year);

// One line of a project's report: an indicator, or budget spending (预算执行数).
struct MyReportItem {
  std::string id;        // the indicator's id, or "spent"
  std::string name;      // as published
  std::string target;    // the annual target as published (≥12台), with its unit
  std::string unit;      // the unit figures are written in (台, 万元), "" for a graded one
  bool missing = false;  // reported on for the month due, and no value for it yet
  // The latest value before the month due, within the year, in its target's published unit
  // with its month ("12台（6月）"); empty when there is none.
  std::string previous;
};

struct MyReport {
  const Project* project = nullptr;
  Period period;  // the month due: the one before today's, within the catalogue's year
  Date due;       // the earliest due date of that month's reports
  std::vector<MyReportItem> items;  // the month's, in catalogue order, spending last
  // Days past due of the oldest report still missing (the board's 逾期天数); none when nothing
  // is past due.
  std::optional<int> overdue_days;
  bool done() const;  // nothing missing for the month due
};

// The report of `status`'s project due on `today`, from its stored histories. Fails only when the
// store cannot be read.
Result<MyReport> MyReportOf(Store& store, const Catalog& catalog, const ProjectStatus& status,
                            Date today, int budget_due_day);

// The reports due of every project of `evaluation` assigned to `user` (a manager), in catalogue
// order; none for other roles.
Result<std::vector<MyReport>> MyReportsOf(Store& store, const Catalog& catalog,
                                          const Evaluation& evaluation, const ConsoleUser& user,
                                          Date today, int budget_due_day);

// The board's context on `today`: each project's managers read from `store`
// (ManagersByProject). Fails only when the store cannot be read.
Result<BoardContext> ReadBoardContext(Store& store, Date today, int budget_due_day);

// The page: one section per report, those still missing something first.
std::string MyReportsPage(const PageFrame& frame, const std::vector<MyReport>& reports, Date today);

}  // namespace ptmon
