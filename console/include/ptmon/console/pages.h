// The web console's pages, rendered on the server as complete HTML documents (zh-CN) that work
// without JavaScript, print cleanly and fit a phone. Every function is pure: it reads what it is
// given (a snapshot's catalogue and evaluation, values the caller read from the store) and
// returns the page; all text from files and people is escaped
// (EscapeHtml).
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/indicators/catalog.h>
#include <ptmon/indicators/evaluation.h>
#include <ptmon/ingest/report_template.h>
#include <ptmon/storage/accounts.h>
#include <ptmon/storage/store.h>

namespace ptmon {

// The stylesheet every page links (/assets/console.css), compiled into the binary.
std::string_view ConsoleCss();

// What every page shows around its content.
struct PageFrame {
  std::string user;       // empty when nobody is logged in (the open board, the login page)
  std::string role_name;  // 查看, 项目经理, 管理员
  std::string csrf;       // for the logout form
  bool may_report = false;
  bool is_admin = false;
  std::string unit_name;
  std::optional<Period> as_of;
  std::string data_changed_at;  // local time (FormatLocalTime), or empty
  std::string version;
};

// The board's filter and order, read from its query string.
struct BoardQuery {
  std::string unit;   // a unit id; empty: all
  std::string light;  // a LightName; empty: all
  // catalogue, name, unit, light, score, execution, budget (its light), red, yellow, overdue
  std::string sort = "catalogue";
  bool descending = false;
};

// What the board shows beside the evaluation: who answers for each project (责任人), and the day
// its 逾期天数 are counted to, in the unit's time zone.
struct BoardContext {
  // Project id → the active manager accounts assigned to it, by name (ManagersByProject).
  std::map<std::string, std::vector<std::string>> owners;
  Date today;
  int budget_due_day = 10;  // spending's, as the evaluation judged it
};

std::string BoardPage(const PageFrame& frame, const Catalog& catalog, const Evaluation& evaluation,
                      const BoardQuery& query, const BoardContext& context);
// The board's rows (filtered and sorted as `query` asks) as an Excel workbook: one sheet, the
// unit's name and the month evaluated above the table, figures as numbers with number formats
// (rates as 0.0%, money in 万元 as 0.00 with the unit in the column's title), and a 合计 row whose
// sums are formulas over the column, stored with their value. Fails only when the temporary file
// it is written through cannot be.
Result<std::string> BoardXlsx(const Catalog& catalog, const Evaluation& evaluation,
                              const BoardQuery& query, const BoardContext& context,
                              std::string_view unit_name);

// One project's latest value of each month of the year evaluated, for its charts: index 0 is
// January. `indicators[i]` belongs to Project::indicators[i]; `spent` is budget spending.
struct MonthValues {
  std::array<std::optional<double>, 12> value;
  std::array<Grade, 12> grade{};
};
struct ProjectMonths {
  std::vector<MonthValues> indicators;
  MonthValues spent;
};
// From every revision of every series of one project (Store::History), the latest per month.
ProjectMonths MonthsOf(const std::vector<std::vector<ActualRevision>>& indicator_histories,
                       const std::vector<ActualRevision>& spent_history, int year);

std::string ProjectPage(const PageFrame& frame, const Catalog& catalog,
                        const Evaluation& evaluation, const ProjectStatus& status,
                        const ProjectMonths& months);

// Every revision of one indicator (or of budget spending when `indicator` is null).
std::string HistoryPage(const PageFrame& frame, const Project& project, const Indicator* indicator,
                        const std::vector<ActualRevision>& revisions);

// The alerts as the status document lists them (the snapshot's alerts JSON).
std::string AlertsPage(const PageFrame& frame, std::string_view alerts_json);

// Download links for both tables in every format, for each project and for all.
std::string ReportsPage(const PageFrame& frame, const Catalog& catalog);

// The month's report as a form. `values[r][c]` is what row r's fill column c (counted from
// ReportTemplate::first_fill_column) shows; `errors` the same shape, empty where fine.
struct ReportForm {
  std::vector<const Project*> projects;  // those the user may report for
  const Project* project = nullptr;
  Period period;
  Period latest;  // the last month that may be reported (today's): later ones are not offered
  ReportTemplate sheet;  // of `project` alone
  std::vector<std::vector<std::string>> values;
  std::vector<std::vector<std::string>> errors;
  std::vector<std::string> general_errors;  // not tied to one field
};
std::string ReportFormPage(const PageFrame& frame, const ReportForm& form);
// The name of the field for row `row`, fill column `column` ("c3_1").
std::string ReportFieldName(size_t row, size_t column);

// After an upload or a form: what was applied, or every problem with its place.
struct OutcomeView {
  bool applied = false;
  std::string title;
  std::vector<std::string> lines;
  std::string back_link;
};
std::string OutcomePage(const PageFrame& frame, const OutcomeView& outcome);

// For admins: the accounts with their contacts (each editable: a form posting user, email,
// phone, wecom and the CSRF token to /admin/contacts), the last configuration load, a reload
// button, the newest audit entries. `notice` and `error` are shown on top when not empty.
struct AdminView {
  std::vector<ConsoleUser> users;
  std::vector<AuditEntry> audit;
  bool reload_success = true;
  std::string reloaded_at;  // local time (FormatLocalTime)
  std::string notice;
  std::string error;
};
std::string AdminPage(const PageFrame& frame, const AdminView& view);

std::string LoginPage(std::string_view error, std::string_view login_token, std::string_view next);
std::string MessagePage(const PageFrame& frame, int status, std::string_view title,
                        std::string_view message);

// An SVG line chart over the year's months: the values reported, the expected path to the
// target and the target itself, in the target's published unit. Exposed for tests.
struct ChartSeries {
  std::array<std::optional<double>, 12> actual;
  std::array<std::optional<double>, 12> expected;
  std::optional<double> target;
  PublishedUnit unit;
  int last_month = 12;  // months after it are not drawn for `expected`
  // A ceiling (≤24小时): the band above the target is shaded as over it, so a point below the
  // line reads as met, not as behind.
  bool reverse = false;
};
std::string LineChartSvg(const ChartSeries& series, std::string_view title);

// The y axis' gridlines, from 0 up to a little above `highest` (in base units): round steps of
// 1, 2 or 5 × 10^n in the published unit (5万元, 10万元, 15万元 …), at most five of them, whole
// for counts published without a multiplier, and never past 100% when `highest` is within it.
std::vector<double> ChartTicks(double highest, const PublishedUnit& unit);

}  // namespace ptmon
