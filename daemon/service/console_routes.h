// The web console's HTTP side: which paths are its, who is asking (the session cookie, the
// account behind it, re-read on every request so a disabled user or a changed password takes
// effect at once), what that role may do, and the CSRF token on every form. The pages come from
// the console library, the data from the request's one snapshot, and reports go through the
// same write sink (and so the same checks and batches) as the inbox and the API.
//
// Thread-safe: called from the HTTP threads. Accounts, the audit log and value histories are
// read through a store connection of the console's own, one request at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <ptmon/base/clock.h>
#include <ptmon/base/mutex.h>
#include <ptmon/console/pages.h>
#include <ptmon/console/sessions.h>
#include <ptmon/http/http_forms.h>
#include <ptmon/http/http_server.h>
#include <ptmon/ingest/ingestor.h>
#include <ptmon/storage/store.h>

#include "snapshot.h"

namespace ptmon {

class ConsoleRoutes {
 public:
  using WriteSink = std::function<void(std::string name, RequestBody body, Submitter who,
                                       std::function<void(IngestOutcome)> done)>;

  // `secure_cookies` when served over TLS: cookies are then sent over HTTPS only.
  // `reload` asks the service to reload its configuration and catalogue (as SIGHUP does).
  ConsoleRoutes(WriteSink write, std::function<void()> reload, const Clock& clock,
                SessionLimits limits, bool secure_cookies);

  // Whether the console answers `path` (everything the API does not).
  static bool Owns(std::string_view path);
  // The methods a console path answers, as an Allow header: forms post to a few, the rest are
  // pages (the stylesheet among them).
  static std::string_view AllowedMethods(std::string_view path);
  // Answers from the head, or nothing: read the body, then Handle. A post is let in only with
  // its session, for a role that may send it (a viewer may post only /login and /logout) and,
  // for an upload, with the session's CSRF token in the query; its body_allowance is 64 KiB
  // for login, logout, reload and contacts, 1 MiB for the report form, the configured maximum for
  // an upload, and its body_account is the user's.
  std::optional<HttpResponse> Admit(HttpRequest& head, std::shared_ptr<const Snapshot> snapshot);
  void Handle(HttpRequest request, std::shared_ptr<const Snapshot> snapshot,
              HttpServer::Respond respond);

  struct Caller;  // who is asking, as far as the request shows

 private:
  Caller Identify(const HttpRequest& request, const Snapshot& snapshot);
  // What every page shows around its content: the caller, the unit, the month evaluated, when
  // a report was last applied (from the service's counters: no store read per page).
  PageFrame Frame(const Snapshot& snapshot, const Caller& caller) const;
  // A store connection of the console's, opened on first use, one request at a time.
  struct Connection {
    Mutex mutex;
    std::unique_ptr<Store> store GUARDED_BY(mutex);
  };
  template <typename Work>
  static auto With(Connection& connection, const Snapshot& snapshot, Work work);
  // Runs `work` with the connection that reads accounts, histories and the audit log. Reads are
  // never held up by a write (SQLite's WAL), so a disabled account is refused even while an
  // audit row waits for the write lock.
  template <typename Work>
  auto WithStore(const Snapshot& snapshot, Work work);
  std::string Cookie(std::string_view name, std::string_view value, std::string_view path,
                     long long max_age_seconds) const;
  // Writes an audit row, waiting as long as the store's busy timeout for another writer. What
  // it records must not happen when it fails: the failure is logged, and the caller refuses.
  Status Audit(const Snapshot& snapshot, const std::string& user, const HttpRequest& request,
               const std::string& action, const std::string& detail);

  std::optional<HttpResponse> AdmitPost(HttpRequest& head, const Snapshot& snapshot);
  HttpResponse Login(const HttpRequest& request, const Snapshot& snapshot);
  HttpResponse Logout(const HttpRequest& request, const Snapshot& snapshot, const Caller& caller);
  // `error`: why a change posted to the page was refused, shown on top of it (status 400).
  HttpResponse Admin(const HttpRequest& request, const Snapshot& snapshot, const Caller& caller,
                     const std::string& error = "");
  // An admin's change of one account's contacts (/admin/contacts): checked, audited, then back
  // to /admin; a malformed one is refused on the page, naming the field, and changes nothing.
  HttpResponse SaveContacts(const HttpRequest& request, const Snapshot& snapshot,
                            const Caller& caller, const FormFields& form);
  HttpResponse Page(const HttpRequest& request, const Snapshot& snapshot, const Caller& caller);
  void SubmitForm(const HttpRequest& request, std::shared_ptr<const Snapshot> snapshot,
                  const Caller& caller, HttpServer::Respond respond);
  void Upload(const HttpRequest& request, std::shared_ptr<const Snapshot> snapshot,
              const Caller& caller, HttpServer::Respond respond);

  const WriteSink write_;
  const std::function<void()> reload_;
  const Clock& clock_;
  const bool secure_cookies_;
  SessionStore sessions_;
  // Per name tried, and per client address (higher: a proxy or an office shares one).
  LoginThrottle user_throttle_;
  LoginThrottle peer_throttle_;
  Connection reader_;
  Connection auditor_;  // writes the audit log
};

}  // namespace ptmon
