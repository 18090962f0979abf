// `ptmon user`: the console's accounts, kept in the data directory's database.
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include <termios.h>
#include <unistd.h>

#include <ptmon/base/file_system.h>
#include <ptmon/config/catalog_cache.h>
#include <ptmon/config/daemon_config.h>
#include <ptmon/console/password.h>
#include <ptmon/storage/accounts.h>

#include "cli.h"

namespace ptmon::cli {

namespace {

// One line from the terminal without echoing it.
std::optional<std::string> AskHidden(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios saved{};
  const bool terminal = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (terminal) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!read) return std::nullopt;
  return line;
}

// The new password: the first line of `password_file`, or asked twice on the terminal.
std::optional<std::string> NewPassword(const std::string& password_file) {
  std::string password;
  if (!password_file.empty()) {
    std::ifstream file(password_file);
    if (!file || !std::getline(file, password)) {
      std::cerr << "ptmon: cannot read a password from " << password_file << "\n";
      return std::nullopt;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else {
    auto first = AskHidden("New password: ");
    auto second = first ? AskHidden("Repeat it: ") : std::nullopt;
    if (!first || !second) {
      std::cerr << "ptmon: no password given; use --password-file FILE when there is no terminal\n";
      return std::nullopt;
    }
    if (*first != *second) {
      std::cerr << "ptmon: the two passwords differ; nothing was changed\n";
      return std::nullopt;
    }
    password = *first;
  }
  if (Status fit = CheckNewPassword(password); !fit.ok()) {
    std::cerr << "ptmon: " << fit.message() << "; nothing was changed\n";
    return std::nullopt;
  }
  return password;
}

// The new password's Argon2id hash; nothing (having said why) when there is none.
std::optional<std::string> NewPasswordHash(const std::string& password_file) {
  auto password = NewPassword(password_file);
  if (!password) return std::nullopt;
  auto hash = HashPassword(*password);
  if (!hash.ok()) {
    std::cerr << "ptmon: " << hash.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(hash).value();
}

std::unique_ptr<Store> OpenAccounts(const CommonOptions& options) {
  if (Status made = PosixFileSystem().MakeDirectories(options.DataDir()); !made.ok()) {
    std::cerr << "ptmon: " << made.message() << "\n";
    return nullptr;
  }
  auto store = Store::Open((std::filesystem::path(options.DataDir()) / "ptmon.db").string());
  if (!store.ok()) {
    std::cerr << "ptmon: " << store.status().message() << "\n";
    return nullptr;
  }
  return std::move(store).value();
}

// The account of that name; nothing (having said so) when there is none.
std::optional<ConsoleUser> ExistingUser(Store& store, const std::string& name) {
  auto found = store.accounts().FindUser(name);
  if (!found.ok() || !found->has_value()) {
    std::cerr << "ptmon: no user named '" << name << "'; `ptmon user list` shows them\n";
    return std::nullopt;
  }
  return std::move(**found);
}

// Runs an account change that writes `audit` with it; says what was done, or why not.
int Audited(const AuditEntry& audit, const std::function<Status(const AuditEntry&)>& change) {
  if (Status status = change(audit); !status.ok()) {
    std::cerr << "ptmon: " << status.message() << "; nothing was changed\n";
    return kExitRefused;
  }
  std::cout << audit.detail << "\n";
  return kExitOk;
}

AuditEntry CliAudit(const std::string& user, const std::string& action, const std::string& detail) {
  return {FormatRfc3339(SystemClock().Now()), user, "cli", action, detail};
}

// The catalogue a manager's projects are checked against, read without recording anything in
// the store (an account must not change which catalogue the daemon serves): the files named
// (--catalog, or the configuration's catalogs), else the newest one this data directory
// monitors, else the embedded default.
std::optional<Catalog> CatalogForProjects(const std::vector<std::string>& catalog_paths,
                                          Store& store) {
  if (catalog_paths.empty()) {
    auto years = store.catalogs().CatalogYears();
    if (years.ok() && !years->empty()) {
      auto stored = StoredCatalogOfYear(store, years->back());
      if (stored.ok()) return std::move(stored).value();
    }
  }
  CommonOptions files;
  files.catalog_paths = catalog_paths;
  return files.LoadCatalogOrReport();
}

}  // namespace

int RunUserAdd(const CommonOptions& options, const std::string& name, const std::string& role_text,
               const std::vector<std::string>& projects, const std::string& password_file,
               const Contacts& contacts) {
  if (!IsUserName(name)) {
    std::cerr << "ptmon: '" << name
              << "' cannot be a user name: use 1 to 64 characters without spaces\n";
    return kExitFailure;
  }
  const auto role = ParseRole(role_text);
  if (!role) {
    std::cerr << "ptmon: --role must be viewer, manager or admin\n";
    return kExitFailure;
  }
  if (Status checked = CheckContacts(contacts); !checked.ok()) {
    std::cerr << "ptmon: " << checked.message() << "; nothing was changed\n";
    return kExitRefused;
  }
  if (!projects.empty() && *role != Role::kManager) {
    std::cerr << "ptmon: --project assigns projects to a manager; a " << role_text
              << " reads every project already\n";
    return kExitFailure;
  }
  CommonOptions resolved = options;
  if (!options.config_path.empty()) {
    Diagnostics diagnostics;
    auto config = LoadDaemonConfig(options.config_path, diagnostics);
    std::cerr << diagnostics.ToString();
    if (!config.ok()) {
      std::cerr << "ptmon: " << config.status().message() << "\n";
      return kExitFailure;
    }
    if (resolved.data_dir.empty()) resolved.data_dir = config->data_dir;
    if (resolved.catalog_paths.empty()) resolved.catalog_paths = config->catalogs;
  }
  auto store = OpenAccounts(resolved);
  if (!store) return kExitFailure;
  // Published names as well as ids, as everywhere a project is named; the account keeps ids.
  std::vector<std::string> project_ids;
  if (!projects.empty()) {
    const auto catalog = CatalogForProjects(resolved.catalog_paths, *store);
    if (!catalog) return kExitFailure;
    for (const std::string& project : projects) {
      auto found = catalog->FindProjectByIdOrName(project);
      if (!found.ok()) {
        std::cerr << "ptmon: --project: " << found.status().message() << "\n";
        return kExitRefused;
      }
      project_ids.push_back((*found)->id);
    }
  }
  const auto hash = NewPasswordHash(password_file);
  if (!hash) return kExitRefused;
  std::string detail = "added " + name + " as " + std::string(RoleName(*role));
  for (const auto& project : project_ids) detail += " " + project;
  return Audited(CliAudit(name, "user_add", detail), [&](const AuditEntry& audit) {
    return store->accounts().AddUser(
        {name, *role, project_ids, *hash, false, audit.at, audit.at, contacts}, audit);
  });
}

int RunUserEdit(const CommonOptions& options, const std::string& name,
                const std::optional<std::string>& email, const std::optional<std::string>& phone,
                const std::optional<std::string>& wecom) {
  if (!email && !phone && !wecom) {
    std::cerr << "ptmon: nothing to change: give --email, --phone or --wecom\n";
    return kExitFailure;
  }
  auto store = OpenAccounts(options);
  if (!store) return kExitFailure;
  const auto found = ExistingUser(*store, name);
  if (!found) return kExitRefused;
  Contacts contacts = found->contacts;
  contacts.email = email.value_or(contacts.email);
  contacts.phone = phone.value_or(contacts.phone);
  contacts.wecom = wecom.value_or(contacts.wecom);
  if (Status checked = CheckContacts(contacts); !checked.ok()) {
    std::cerr << "ptmon: " << checked.message() << "; nothing was changed\n";
    return kExitRefused;
  }
  return Audited(CliAudit(name, "user_edit",
                          "changed the contacts of " + name + ": " + ContactsText(contacts)),
                 [&](const AuditEntry& audit) {
                   return store->accounts().SetUserContacts(name, contacts, audit);
                 });
}

int RunUserPasswd(const CommonOptions& options, const std::string& name,
                  const std::string& password_file) {
  auto store = OpenAccounts(options);
  if (!store) return kExitFailure;
  if (!ExistingUser(*store, name)) return kExitRefused;
  const auto hash = NewPasswordHash(password_file);
  if (!hash) return kExitRefused;
  return Audited(
      CliAudit(name, "user_passwd", "changed the password of " + name + " (their sessions end)"),
      [&](const AuditEntry& audit) {
        return store->accounts().SetUserPassword(name, *hash, audit);
      });
}

int RunUserDisable(const CommonOptions& options, const std::string& name, bool disabled) {
  auto store = OpenAccounts(options);
  if (!store) return kExitFailure;
  return Audited(CliAudit(name, disabled ? "user_disable" : "user_enable",
                          (disabled ? "disabled " : "enabled ") + name),
                 [&](const AuditEntry& audit) {
                   return store->accounts().SetUserDisabled(name, disabled, audit);
                 });
}

std::optional<std::vector<ConsoleUser>> ListAccounts(const CommonOptions& options) {
  auto store = OpenAccounts(options);
  if (!store) return std::nullopt;
  auto users = store->accounts().ListUsers();
  if (!users.ok()) {
    std::cerr << "ptmon: " << users.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(users).value();
}

int RunUserList(const CommonOptions& options) {
  const auto users = ListAccounts(options);
  if (!users) return kExitFailure;
  for (const ConsoleUser& user : *users) {
    std::cout << user.name << "\t" << RoleName(user.role) << "\t"
              << (user.disabled ? "disabled" : "active") << "\t";
    for (size_t i = 0; i < user.projects.size(); ++i)
      std::cout << (i ? "," : "") << user.projects[i];
    // A fifth column only for accounts with contacts: the four before keep their meaning.
    if (const std::string contacts = ContactsText(user.contacts); !contacts.empty())
      std::cout << "\t" << contacts;
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace ptmon::cli
