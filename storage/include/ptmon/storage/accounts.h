// The web console's accounts and its audit log, kept in the store beside the data they guard,
// so `ptmon user` works on a data directory whether or not the daemon runs (SQLite serialises
// the writers). Passwords are stored only as the encoded hashes the caller made.
//
// Contract: each call is one statement or one transaction; failures come back as a Status
// naming the user or what SQLite refused. Not thread-safe beyond what Store is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/status.h>
#include <ptmon/storage/store.h>

namespace ptmon {

// viewer: reads everything. manager: reads everything, reports for the projects assigned.
// admin: everything, including reloads.
enum class Role { kViewer, kManager, kAdmin };
std::string_view RoleName(Role role);  // viewer, manager, admin
std::optional<Role> ParseRole(std::string_view text);

struct ConsoleUser {
  std::string name;
  Role role = Role::kViewer;
  std::vector<std::string> projects;  // managers: the project ids they report for
  std::string password_hash;          // Argon2id, encoded (password.h)
  bool disabled = false;
  std::string created_at;  // RFC 3339
  std::string changed_at;
};

struct AuditEntry {
  std::string at;      // RFC 3339
  std::string user;    // the account acting, or the name tried at a failed login
  std::string peer;    // address:port, or "cli" for the ptmon command
  std::string action;  // login, login_failed, logout, report, upload, user_add, ...
  std::string detail;
};

// A name people type at the login: 1–64 characters, no spaces or control characters.
bool IsUserName(std::string_view name);

// An account changes together with its audit row, in one transaction: never unaudited. The
// change is stamped with `audit.at`.
// Fails when the name is taken.
Status AddUser(Store& store, const ConsoleUser& user, const AuditEntry& audit);
// Fail naming the user when there is none of that name.
Status SetUserPassword(Store& store, const std::string& name, const std::string& password_hash,
                       const AuditEntry& audit);
Status SetUserDisabled(Store& store, const std::string& name, bool disabled,
                       const AuditEntry& audit);
Result<std::optional<ConsoleUser>> FindUser(Store& store, const std::string& name);
Result<std::vector<ConsoleUser>> ListUsers(Store& store);

Status RecordAudit(Store& store, const AuditEntry& entry);
// The newest `limit` entries, newest first.
Result<std::vector<AuditEntry>> RecentAudit(Store& store, size_t limit);

}  // namespace ptmon
