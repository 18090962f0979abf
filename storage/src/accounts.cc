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

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A deliverable address as Alertmanager's SMTP sends to it: no display name, no quoting, a
// domain with a dot in it (a bare host name is almost always a typo on an intranet).
bool IsEmailAddress(std::string_view text) {
  const size_t at = text.find('@');
  if (text.size() > 254 || at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = text.substr(0, at);
  const std::string_view domain = text.substr(at + 1);
  const bool local_ok = std::all_of(local.begin(), local.end(), [](char c) {
    return IsAsciiAlnum(c) ||
           std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
  });
  if (!local_ok || local.front() == '.' || local.back() == '.') return false;
  if (domain.find('.') == std::string_view::npos) return false;
  size_t start = 0;
  while (start <= domain.size()) {
    const size_t end = std::min(domain.find('.', start), domain.size());
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(),
                     [](char c) { return IsAsciiAlnum(c) || c == '-'; }))
      return false;
    start = end + 1;
  }
  return true;
}

// Digits with an optional leading + and hyphens or spaces between groups, as numbers are
// written on a unit's contact list; 5 to 20 digits (an extension to an international mobile).
bool IsPhoneNumber(std::string_view text) {
  if (text.empty() || text.front() == '-' || text.back() == '-' || text.back() == ' ') return false;
  size_t digits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == '+' && i == 0) && c != '-' && c != ' ') {
      return false;
    }
  }
  return digits >= 5 && digits <= 20;
}

// A WeCom user id: letters, digits and _ - . @, 1 to 64 characters (WeCom's own rule).
bool IsWecomId(std::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return IsAsciiAlnum(c) || std::string_view("_-.@").find(c) != std::string_view::npos;
  });
}

Status NoSuchUser(const std::string& name) {
  return Status::Error("no user named '" + name + "'; `ptmon user list` shows them");
}

// Runs a statement that changes one user's row; fails when there is no such user.
Status ChangeUser(sqlite3* db, Statement& statement, const std::string& name) {
  if (Status run = statement.Run(); !run.ok()) return run;
  if (sqlite3_changes(db) == 0) return NoSuchUser(name);
  return Status::Ok();
}

Result<std::vector<std::string>> ProjectsOf(sqlite3* db, const std::string& name) {
  Statement statement(db,
                      "SELECT project_id FROM console_user_project WHERE user_name = ?"
                      " ORDER BY project_id");
  statement.Bind(1, name);
  std::vector<std::string> projects;
  while (statement.Step()) projects.push_back(statement.Text(0));
  if (!statement.status().ok()) return statement.status();
  return projects;
}

constexpr std::string_view kUserColumns =
    "name, role, password_hash, disabled, created_at, changed_at, email, phone, wecom";

Result<ConsoleUser> ReadUser(sqlite3* db, const Statement& statement) {
  ConsoleUser user;
  user.name = statement.Text(0);
  user.role = ParseRole(statement.Text(1)).value_or(Role::kViewer);
  user.password_hash = statement.Text(2);
  user.disabled = statement.Int(3) != 0;
  user.created_at = statement.Text(4);
  user.changed_at = statement.Text(5);
  user.contacts = {statement.Text(6), statement.Text(7), statement.Text(8)};
  auto projects = ProjectsOf(db, user.name);
  if (!projects.ok()) return projects.status();
  user.projects = std::move(projects).value();
  return user;
}

}  // namespace

std::string ContactsText(const Contacts& contacts) {
  std::string text;
  for (const auto& [name, value] :
       {std::pair<std::string_view, const std::string&>{"email", contacts.email},
        {"phone", contacts.phone},
        {"wecom", contacts.wecom}}) {
    if (!value.empty()) text += (text.empty() ? "" : " ") + std::string(name) + "=" + value;
  }
  return text;
}

Status CheckContacts(const Contacts& contacts) {
  struct Field {
    const std::string& value;
    bool (*valid)(std::string_view);
    std::string_view rule;
  };
  for (const Field& field : {
           Field{contacts.email, IsEmailAddress,
                 "邮箱「{}」不是有效的电子邮件地址，应形如 lijun@example.gov.cn"
                 " (--email: not an e-mail address)"},
           Field{contacts.phone, IsPhoneNumber,
                 "电话「{}」不是有效的号码：只能有数字、开头的 + 和分隔的 - 或空格，5 到 20 位数字"
                 " (--phone: digits, an optional leading +, hyphens or spaces)"},
           Field{contacts.wecom, IsWecomId,
                 "企业微信账号「{}」无效：只能有字母、数字和 _ - . @，最多 64 个字符"
                 " (--wecom: letters, digits, _ - . @, at most 64)"},
       }) {
    if (field.value.empty() || field.valid(field.value)) continue;
    std::string message(field.rule);
    message.replace(message.find("{}"), 2, field.value);
    return Status::Error(message);
  }
  return Status::Ok();
}

Status Accounts::AddUser(const ConsoleUser& user, const AuditEntry& audit) {
  return InTransaction([&]() -> Status {
    Statement exists(db_, "SELECT 1 FROM console_user WHERE name = ?");
    exists.Bind(1, user.name);
    if (exists.Step()) {
      return Status::Error("a user named '" + user.name +
                           "' exists already; `ptmon user passwd` changes a password");
    }
    if (!exists.status().ok()) return exists.status();
    Statement insert(db_, "INSERT INTO console_user (" + std::string(kUserColumns) +
                              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.Bind(1, user.name)
        .Bind(2, RoleName(user.role))
        .Bind(3, user.password_hash)
        .Bind(4, static_cast<long long>(user.disabled))
        .Bind(5, user.created_at)
        .Bind(6, user.changed_at)
        .Bind(7, user.contacts.email)
        .Bind(8, user.contacts.phone)
        .Bind(9, user.contacts.wecom);
    if (Status run = insert.Run(); !run.ok()) return run;
    for (const std::string& project : user.projects) {
      Statement assign(db_,
                       "INSERT OR IGNORE INTO console_user_project (user_name, project_id)"
                       " VALUES (?, ?)");
      assign.Bind(1, user.name).Bind(2, project);
      if (Status run = assign.Run(); !run.ok()) return run;
    }
    return RecordAudit(audit);
  });
}

Status Accounts::SetUserPassword(const std::string& name, const std::string& password_hash,
                                 const AuditEntry& audit) {
  return InTransaction([&]() -> Status {
    Statement statement(db_,
                        "UPDATE console_user SET password_hash = ?, changed_at = ? WHERE name = ?");
    statement.Bind(1, password_hash).Bind(2, audit.at).Bind(3, name);
    if (Status changed = ChangeUser(db_, statement, name); !changed.ok()) return changed;
    return RecordAudit(audit);
  });
}

Status Accounts::SetUserDisabled(const std::string& name, bool disabled, const AuditEntry& audit) {
  return InTransaction([&]() -> Status {
    Statement statement(db_, "UPDATE console_user SET disabled = ?, changed_at = ? WHERE name = ?");
    statement.Bind(1, static_cast<long long>(disabled)).Bind(2, audit.at).Bind(3, name);
    if (Status changed = ChangeUser(db_, statement, name); !changed.ok()) return changed;
    return RecordAudit(audit);
  });
}

Status Accounts::SetUserContacts(const std::string& name, const Contacts& contacts,
                                 const AuditEntry& audit) {
  return InTransaction([&]() -> Status {
    Statement statement(db_,
                        "UPDATE console_user SET email = ?, phone = ?, wecom = ?, changed_at = ?"
                        " WHERE name = ?");
    statement.Bind(1, contacts.email)
        .Bind(2, contacts.phone)
        .Bind(3, contacts.wecom)
        .Bind(4, audit.at)
        .Bind(5, name);
    if (Status changed = ChangeUser(db_, statement, name); !changed.ok()) return changed;
    return RecordAudit(audit);
  });
}

Result<std::optional<ConsoleUser>> Accounts::FindUser(const std::string& name) {
  Statement statement(db_,
                      "SELECT " + std::string(kUserColumns) + " FROM console_user WHERE name = ?");
  statement.Bind(1, name);
  if (statement.Step()) {
    auto user = ReadUser(db_, statement);
    if (!user.ok()) return user.status();
    return std::optional<ConsoleUser>(std::move(user).value());
  }
  if (!statement.status().ok()) return statement.status();
  return std::optional<ConsoleUser>();
}

Result<std::vector<ConsoleUser>> Accounts::ListUsers() {
  Statement statement(db_,
                      "SELECT " + std::string(kUserColumns) + " FROM console_user ORDER BY name");
  std::vector<ConsoleUser> users;
  while (statement.Step()) {
    auto user = ReadUser(db_, statement);
    if (!user.ok()) return user.status();
    users.push_back(std::move(user).value());
  }
  if (!statement.status().ok()) return statement.status();
  return users;
}

Result<std::vector<std::string>> Accounts::ManagersOfProject(const std::string& project_id) {
  Statement statement(db_,
                      "SELECT m.user_name FROM console_user_project m"
                      " JOIN console_user u ON u.name = m.user_name"
                      " WHERE m.project_id = ? AND u.role = 'manager' AND u.disabled = 0"
                      " ORDER BY m.user_name");
  statement.Bind(1, project_id);
  std::vector<std::string> managers;
  while (statement.Step()) managers.push_back(statement.Text(0));
  if (!statement.status().ok()) return statement.status();
  return managers;
}

Result<std::map<std::string, std::vector<std::string>>> Accounts::ManagersByProject() {
  Statement statement(db_,
                      "SELECT m.project_id, m.user_name FROM console_user_project m"
                      " JOIN console_user u ON u.name = m.user_name"
                      " WHERE u.role = 'manager' AND u.disabled = 0"
                      " ORDER BY m.project_id, m.user_name");
  std::map<std::string, std::vector<std::string>> managers;
  while (statement.Step()) managers[statement.Text(0)].push_back(statement.Text(1));
  if (!statement.status().ok()) return statement.status();
  return managers;
}

Status Accounts::RecordAudit(const AuditEntry& entry) {
  Statement statement(db_,
                      "INSERT INTO audit_log (at, user_name, peer, action, detail)"
                      " VALUES (?, ?, ?, ?, ?)");
  statement.Bind(1, entry.at)
      .Bind(2, entry.user)
      .Bind(3, entry.peer)
      .Bind(4, entry.action)
      .Bind(5, entry.detail);
  return statement.Run();
}

Result<std::vector<AuditEntry>> Accounts::RecentAudit(size_t limit) {
  Statement statement(db_,
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
