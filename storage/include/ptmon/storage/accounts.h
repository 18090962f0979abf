// The web console's accounts and its audit log, kept in the store beside the data they guard,
// so `ptmon user` works on a data directory whether or not the daemon runs (SQLite serialises
// the writers). Passwords are stored only as the encoded hashes the caller made.
//
// Contract: each call is one statement or one transaction; failures come back as a Status
// naming the user or what SQLite refused. Not thread-safe beyond what Store is. Reached as
// store.accounts().
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/status.h>
#include <ptmon/storage/store_part.h>

namespace ptmon {

// viewer: reads everything. manager: reads everything, reports for the projects assigned.
// admin: everything, including reloads.
enum class Role { kViewer, kManager, kAdmin };
std::string_view RoleName(Role role);  // viewer, manager, admin
std::optional<Role> ParseRole(std::string_view text);

// How a person is reached: where reminders and overdue alerts for their projects are routed
// (`ptmon user export-alertmanager`). Empty when not given. Personal data: only admins see it.
struct Contacts {
  std::string email;  // one address, name@domain
  std::string phone;  // digits, an optional leading + and hyphens: +86-138-0000-0000
  std::string wecom;  // the WeCom (企业微信) user id, as the unit's WeCom admin console shows it
  bool operator==(const Contacts&) const = default;
};

// "email=… phone=… wecom=…" of the fields given, "" when none: for listings and audit rows.
std::string ContactsText(const Contacts& contacts);

// Each field empty or well formed; otherwise the first bad one, named in Chinese then English.
Status CheckContacts(const Contacts& contacts);

struct ConsoleUser {
  std::string name;
  Role role = Role::kViewer;
  std::vector<std::string> projects;  // managers: the project ids they report for
  std::string password_hash;          // Argon2id, encoded (password.h)
  bool disabled = false;
  std::string created_at;  // RFC 3339
  std::string changed_at;
  Contacts contacts;
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

class Accounts : public storage_internal::StorePart {
 public:
  explicit Accounts(Store& store) : StorePart(store) {}

  // An account changes together with its audit row, in one transaction: never unaudited. The
  // change is stamped with `audit.at`.
  // Fails when the name is taken.
  Status AddUser(const ConsoleUser& user, const AuditEntry& audit);
  // Fail naming the user when there is none of that name.
  Status SetUserPassword(const std::string& name, const std::string& password_hash,
                         const AuditEntry& audit);
  Status SetUserDisabled(const std::string& name, bool disabled, const AuditEntry& audit);
  // Replaces the user's contacts (checked by the caller with CheckContacts).
  Status SetUserContacts(const std::string& name, const Contacts& contacts,
                         const AuditEntry& audit);
  Result<std::optional<ConsoleUser>> FindUser(const std::string& name);
  Result<std::vector<ConsoleUser>> ListUsers();

  // Who must report for a project: the managers assigned to it whose accounts are not disabled,
  // by name in order. Empty when nobody is. Sought by project through an index.
  Result<std::vector<std::string>> ManagersOfProject(const std::string& project_id);
  // The same for every project at once (projects nobody reports for are absent), for a caller
  // that needs them all: one statement instead of one per project.
  Result<std::map<std::string, std::vector<std::string>>> ManagersByProject();

  Status RecordAudit(const AuditEntry& entry);
  // The newest `limit` entries, newest first.
  Result<std::vector<AuditEntry>> RecentAudit(size_t limit);
};

}  // namespace ptmon
