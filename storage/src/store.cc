#include <cerrno>
#include <cstdio>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ptmon/base/file_system.h>
#include <ptmon/storage/store.h>

#include "schema.h"
#include "statement.h"
#include "store_rows.h"

namespace ptmon {

using storage_internal::Exec;
using storage_internal::kRecovery;
using storage_internal::Statement;

namespace {

// The first problems an integrity check reported, or OK.
Status CheckIntegrity(sqlite3* db, IntegrityCheck check, const std::string& path) {
  Statement statement(
      db, check == IntegrityCheck::kFull ? "PRAGMA integrity_check(10)" : "PRAGMA quick_check(10)");
  std::vector<std::string> problems;
  while (statement.Step()) {
    std::string line = statement.Text(0);
    if (line != "ok") problems.push_back(std::move(line));
  }
  if (!statement.status().ok() && problems.empty())
    problems.push_back(statement.status().message());
  if (problems.empty()) return Status::Ok();
  std::string joined;
  for (const auto& problem : problems) joined += (joined.empty() ? "" : "; ") + problem;
  return Status::Error("database '" + path + "' is damaged (" + joined + ")" +
                       std::string(kRecovery));
}

}  // namespace

Status Store::RefuseEmptyFile(const std::string& path) {
  std::error_code error;
  if (std::filesystem::exists(path, error) && std::filesystem::file_size(path, error) == 0 &&
      !error) {
    return Status::Error("database '" + path +
                         "' is empty (0 bytes) although it exists: it was truncated or never "
                         "written" +
                         std::string(kRecovery));
  }
  return Status::Ok();
}

Status Store::CheckFile(const std::string& path, IntegrityCheck check) {
  sqlite3* db = nullptr;
  const int code =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> closer(db, &sqlite3_close);
  if (code != SQLITE_OK) {
    return Status::Error("cannot open database '" + path + "' to check it: " +
                         (db ? sqlite3_errmsg(db) : sqlite3_errstr(code)) + std::string(kRecovery));
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return CheckIntegrity(db, check, path);
}

namespace {

// Creates `path` readable by its owner alone, unless it exists. SQLite would create it 0644 less
// the umask, and it holds the console's password hashes; it gives its -wal and -shm files the
// mode of the database. Returns whether it created the file.
Result<bool> CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return StatusFromErrno("cannot create '" + path + "'", errno);
  }
  ::close(fd);
  return true;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, StoreOptions options) {
  if (options.check != IntegrityCheck::kNone) {
    if (Status empty = RefuseEmptyFile(path); !empty.ok()) return empty;
  }
  // ":memory:" and "" are SQLite's own databases, not files.
  auto created = path.empty() || path == ":memory:" ? Result<bool>(false) : CreatePrivateFile(path);
  if (!created.ok()) return created.status().WithContext("cannot open database '" + path + "'");
  auto opened = OpenCreated(path, options);
  // An empty file left behind would be refused as truncated at the next start.
  if (!opened.ok() && *created) ::unlink(path.c_str());
  return opened;
}

Result<std::unique_ptr<Store>> Store::OpenCreated(const std::string& path,
                                                  const StoreOptions& options) {
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (code != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close(db);
    return Status::Error("cannot open database '" + path + "': " + message);
  }
  std::unique_ptr<Store> store(new Store(db));
  store->path_ = path;
  store->options_ = options;
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  // Damage can show before the check reads a page (the header, the WAL): say what to do then too.
  auto with_recovery = [&](const Status& status) {
    const std::string& message = status.message();
    const bool damaged = message.find("malformed") != std::string::npos ||
                         message.find("not a database") != std::string::npos;
    return damaged ? Status::Error(message + std::string(kRecovery)) : status;
  };
  // WAL lets the daemon's readers run beside the ingest writer; FULL syncs every commit so an
  // acknowledged batch survives power loss.
  for (std::string_view pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
        // A batch appends to the right edge of the value tree; a small cache holds that edge.
        "PRAGMA cache_size = -8192"}) {
    Statement statement(db, pragma);
    if (Status status = statement.Run(); !status.ok()) {
      return with_recovery(status.WithContext("opening database '" + path + "'"));
    }
  }
  if (options.check != IntegrityCheck::kNone) {
    if (Status status = CheckIntegrity(db, options.check, path); !status.ok()) return status;
  }
  if (Status status = store->Migrate(); !status.ok()) {
    return with_recovery(status.WithContext("opening database '" + path + "'"));
  }
  return store;
}

Result<std::unique_ptr<Store>> Store::OpenAnother() const {
  if (path_.empty() || path_ == ":memory:")
    return Status::Error("an in-memory database has no other connection");
  StoreOptions options = options_;
  options.check = IntegrityCheck::kNone;
  return Open(path_, options);
}

std::vector<std::string> Store::ExposedFiles(const std::string& path) {
  std::vector<std::string> warnings;
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0 || (info.st_mode & 0077) == 0) continue;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    warnings.push_back("'" + file + "' (mode " + mode +
                       ") is open to other accounts, yet holds the console's password hashes and "
                       "every report; run: chmod 600 '" +
                       file + "'");
  }
  return warnings;
}

Store::Store(sqlite3* db)
    : db_(db), catalogs_(*this), values_(*this), alerts_(*this), accounts_(*this) {}

Store::~Store() { sqlite3_close(db_); }

int Store::SchemaVersion() {
  Statement statement(db_, "PRAGMA user_version");
  return statement.Step() ? static_cast<int>(statement.Int(0)) : -1;
}

Status Store::Migrate() {
  const int version = SchemaVersion();
  if (version < 0) return Status::Error("cannot read the schema version");
  if (version > kSchemaVersion) {
    return Status::Error("the database has schema version " + std::to_string(version) +
                         " but this ptmon knows only up to " + std::to_string(kSchemaVersion) +
                         "; use a newer ptmon (refusing to downgrade)");
  }
  for (int next = version; next < kSchemaVersion; ++next) {
    Status status = InTransaction([&] {
      if (Status applied = Exec(db_, storage_internal::kMigrations[next]); !applied.ok()) {
        return applied;
      }
      return Exec(db_, "PRAGMA user_version = " + std::to_string(next + 1));
    });
    if (!status.ok()) {
      return status.WithContext("migrating the schema to version " + std::to_string(next + 1));
    }
  }
  return Status::Ok();
}

namespace storage_internal {

StorePart::StorePart(Store& store) : db_(store.handle()), store_(store) {}

Status StorePart::InTransaction(const std::function<Status()>& work) {
  return store_.InTransaction(work);
}

}  // namespace storage_internal

Status Store::InTransaction(const std::function<Status()>& work) {
  if (Status begun = Exec(db_, "BEGIN IMMEDIATE"); !begun.ok()) return begun;
  Status status = work();
  if (status.ok()) status = Exec(db_, "COMMIT");
  if (!status.ok()) Exec(db_, "ROLLBACK").ok();  // the original failure is what matters
  return status;
}

Result<bool> Store::ChangedElsewhere() {
  auto version = storage_internal::DataVersion(db_);
  if (!version.ok()) return version.status();
  const bool changed = seen_version_ != -1 && *version != seen_version_;
  seen_version_ = *version;
  return changed;
}

Status Store::Backup(const std::string& path) {
  sqlite3* target = nullptr;
  // SQLITE_OPEN_EXCLUSIVE is not for callers; refuse an existing file ourselves. The copy holds
  // the password hashes too: private as the database is.
  auto created = CreatePrivateFile(path);
  if (!created.ok()) return created.status();
  if (!*created)
    return Status::Error("'" + path + "' already exists; choose a new file for the backup");
  auto fail = [&](const std::string& what) {
    Status error = Status::Error(what + sqlite3_errmsg(target));
    sqlite3_close(target);
    std::remove(path.c_str());
    return error;
  };
  if (sqlite3_open_v2(path.c_str(), &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK)
    return fail("cannot create '" + path + "': ");
  sqlite3_backup* backup = sqlite3_backup_init(target, "main", db_, "main");
  if (backup == nullptr) return fail("cannot start the backup: ");
  int code = SQLITE_OK;
  do {
    code = sqlite3_backup_step(backup, 1024);  // in steps, so writers are not held off for long
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) sqlite3_sleep(10);
  } while (code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  Status status = code == SQLITE_DONE
                      ? Status::Ok()
                      : Status::Error(std::string("backup failed: ") + sqlite3_errstr(code));
  if (status.ok()) {
    Statement check(target, "PRAGMA integrity_check");
    if (!check.Step() || check.Text(0) != "ok")
      status = Status::Error("the backup copy fails its integrity check");
  }
  sqlite3_close(target);
  if (!status.ok()) std::remove(path.c_str());
  return status;
}

}  // namespace ptmon
