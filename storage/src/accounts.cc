#include <algorithm>

#include <ptmon/storage/accounts.h>

#include "statement.h"

namespace ptmon {

using storage_internal::Statement;

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kManager:
      return "manager";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view text) {
  for (Role role : {Role::kViewer, Role::kManager, Role::kAdmin}) {
    if (RoleName(role) == text) return role;
  }
  return std::nullopt;
}

bool IsUserName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::none_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
}

namespace {

Status NoSuchUser(const std::string& name) {
  return Status::Error("no user named '" + name + "'; `ptmon user list` shows them");
}

// Runs a statement that changes one user's row; fails when there is no such user.
Status ChangeUser(Store& store, Statement& statement, const std::string& name) {
  if (Status run = statement.Run(); !run.ok()) return run;
  if (sqlite3_changes(store.handle()) == 0) return NoSuchUser(name);
  return Status::Ok();
}

Result<std::vector<std::string>> ProjectsOf(Store& store, const std::string& name) {
  Statement statement(store.handle(),
                      "SELECT project_id FROM console_user_project WHERE user_name = ?"
                      " ORDER BY project_id");
  statement.Bind(1, name);
  std::vector<std::string> projects;
  while (statement.Step()) projects.push_back(statement.Text(0));
  if (!statement.status().ok()) return statement.status();
  return projects;
}

constexpr std::string_view kUserColumns =
    "name, role, password_hash, disabled, created_at, changed_at";

Result<ConsoleUser> ReadUser(Store& store, const Statement& statement) {
  ConsoleUser user;
  user.name = statement.Text(0);
  user.role = ParseRole(statement.Text(1)).value_or(Role::kViewer);
  user.password_hash = statement.Text(2);
  user.disabled = statement.Int(3) != 0;
  user.created_at = statement.Text(4);
  user.changed_at = statement.Text(5);
  auto projects = ProjectsOf(store, user.name);
  if (!projects.ok()) return projects.status();
  user.projects = std::move(projects).value();
  return user;
}

}  // namespace

Status AddUser(Store& store, const ConsoleUser& user, const AuditEntry& audit) {
  return store.InTransaction([&]() -> Status {
    Statement exists(store.handle(), "SELECT 1 FROM console_user WHERE name = ?");
    exists.Bind(1, user.name);
    if (exists.Step()) {
      return Status::Error("a user named '" + user.name +
                           "' exists already; `ptmon user passwd` changes a password");
    }
    if (!exists.status().ok()) return exists.status();
    Statement insert(store.handle(), "INSERT INTO console_user (" + std::string(kUserColumns) +
                                         ") VALUES (?, ?, ?, ?, ?, ?)");
    insert.Bind(1, user.name)
        .Bind(2, RoleName(user.role))
        .Bind(3, user.password_hash)
        .Bind(4, static_cast<long long>(user.disabled))
        .Bind(5, user.created_at)
        .Bind(6, user.changed_at);
    if (Status run = insert.Run(); !run.ok()) return run;
    for (const std::string& project : user.projects) {
      Statement assign(store.handle(),
                       "INSERT OR IGNORE INTO console_user_project (user_name, project_id)"
                       " VALUES (?, ?)");
      assign.Bind(1, user.name).Bind(2, project);
      if (Status run = assign.Run(); !run.ok()) return run;
    }
    return RecordAudit(store, audit);
  });
}

Status SetUserPassword(Store& store, const std::string& name, const std::string& password_hash,
                       const AuditEntry& audit) {
  return store.InTransaction([&]() -> Status {
    Statement statement(store.handle(),
                        "UPDATE console_user SET password_hash = ?, changed_at = ? WHERE name = ?");
    statement.Bind(1, password_hash).Bind(2, audit.at).Bind(3, name);
    if (Status changed = ChangeUser(store, statement, name); !changed.ok()) return changed;
    return RecordAudit(store, audit);
  });
}

Status SetUserDisabled(Store& store, const std::string& name, bool disabled,
                       const AuditEntry& audit) {
  return store.InTransaction([&]() -> Status {
    Statement statement(store.handle(),
                        "UPDATE console_user SET disabled = ?, changed_at = ? WHERE name = ?");
    statement.Bind(1, static_cast<long long>(disabled)).Bind(2, audit.at).Bind(3, name);
    if (Status changed = ChangeUser(store, statement, name); !changed.ok()) return changed;
    return RecordAudit(store, audit);
  });
}

Result<std::optional<ConsoleUser>> FindUser(Store& store, const std::string& name) {
  Statement statement(store.handle(),
                      "SELECT " + std::string(kUserColumns) + " FROM console_user WHERE name = ?");
  statement.Bind(1, name);
  if (statement.Step()) {
    auto user = ReadUser(store, statement);
    if (!user.ok()) return user.status();
    return std::optional<ConsoleUser>(std::move(user).value());
  }
  if (!statement.status().ok()) return statement.status();
  return std::optional<ConsoleUser>();
}

Result<std::vector<ConsoleUser>> ListUsers(Store& store) {
  Statement statement(store.handle(),
                      "SELECT " + std::string(kUserColumns) + " FROM console_user ORDER BY name");
  std::vector<ConsoleUser> users;
  while (statement.Step()) {
    auto user = ReadUser(store, statement);
    if (!user.ok()) return user.status();
    users.push_back(std::move(user).value());
  }
  if (!statement.status().ok()) return statement.status();
  return users;
}

Status RecordAudit(Store& store, const AuditEntry& entry) {
  Statement statement(store.handle(),
                      "INSERT INTO audit_log (at, user_name, peer, action, detail)"
                      " VALUES (?, ?, ?, ?, ?)");
  statement.Bind(1, entry.at)
      .Bind(2, entry.user)
      .Bind(3, entry.peer)
      .Bind(4, entry.action)
      .Bind(5, entry.detail);
  return statement.Run();
}

Result<std::vector<AuditEntry>> RecentAudit(Store& store, size_t limit) {
  Statement statement(store.handle(),
                      "SELECT at, user_name, peer, action, detail FROM audit_log"
                      " ORDER BY id DESC LIMIT ?");
  statement.Bind(1, static_cast<long long>(limit));
  std::vector<AuditEntry> entries;
  while (statement.Step()) {
    entries.push_back({statement.Text(0), statement.Text(1), statement.Text(2), statement.Text(3),
                       statement.Text(4)});
  }
  if (!statement.status().ok()) return statement.status();
  return entries;
}

}  // namespace ptmon
