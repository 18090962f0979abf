// What the console's route files share (console_routes.cc: who is asking and what the role may
// do, logins, admission, the pages with the report form; report_routes.cc: the report form as
// submitted, and uploads); internal to the console library.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <ptmon/console/console_routes.h>
#include <ptmon/console/pages.h>
#include <ptmon/console/sessions.h>
#include <ptmon/http/http_server.h>
#include <ptmon/ingest/ingestor.h>
#include <ptmon/storage/accounts.h>
#include <ptmon/storage/store.h>

namespace ptmon {

namespace console_internal {

// Gzip for a client that takes it, when the single body part is worth it.
HttpResponse Compressed(HttpResponse response, const HttpRequest& request);
// A page of the unit's data: never cached, never framed, no scripts, forms only to here.
HttpResponse HtmlPage(int status, std::string html, const HttpRequest& request);
// A file to save (a report, a template): never cached, never sniffed, gzip when taken.
HttpResponse Download(HttpResponse response, const HttpRequest& request);
// Who a user's reports come from, and for which projects the Ingestor lets them through.
Submitter UserSubmitter(const ConsoleUser& user);
// What the pages offer, by the same rule; the decision on a report is the Ingestor's.
bool MayReportFor(const ConsoleUser& user, const Project& project);
// The last month that may be reported today: today's own (the checker refuses later ones).
Period LatestReportPeriod(Date today);

// The report form's fields of each row, in the template's fill columns from the first.
enum FillColumn : size_t { kValue = 0, kCategory, kReason, kAction, kLikelihood, kReporter };
constexpr size_t kFillColumns = 6;
constexpr size_t kIndicatorNameColumn = 5;  // of the template's columns: 指标

// An action refused because its audit row could not be written.
HttpResponse Unaudited(const PageFrame& frame, const HttpRequest& request);

}  // namespace console_internal

struct ConsoleRoutes::Caller {
  std::optional<Session> session;
  std::optional<ConsoleUser> user;  // the active account behind the session
};

template <typename Work>
auto ConsoleRoutes::With(Connection& connection, const ConsoleSnapshot& snapshot, Work work) {
  MutexLock lock(connection.mutex);
  using Answer = decltype(work(std::declval<Store&>()));
  if (!connection.store) {
    auto opened =
        Store::Open((std::filesystem::path(snapshot.config->data_dir) / "ptmon.db").string());
    if (!opened.ok()) return Answer(opened.status());
    connection.store = std::move(opened).value();
  }
  return work(*connection.store);
}

template <typename Work>
auto ConsoleRoutes::WithStore(const ConsoleSnapshot& snapshot, Work work) {
  return With(reader_, snapshot, std::move(work));
}

}  // namespace ptmon
