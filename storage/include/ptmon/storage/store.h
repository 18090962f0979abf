// ptmon's durable store: one SQLite file holding the catalogue as loaded, every submission
// batch, the append-only history of reported values, alert state, and the console's accounts.
//
// Store keeps the one database handle: opening it, the schema and its migrations, integrity
// checks, backups and transactions. What the file keeps is reached through its parts, each
// with its own header: store.catalogs() (catalog_store.h: catalogues and years),
// store.values() (value_store.h: batches, values, history, the fold, reverts), store.alerts()
// (alert_store.h: alert state), store.accounts() (accounts.h: console users and the audit log).
//
// Contract: every method that writes does so in one transaction, so a crash at any moment
// leaves either all of a write or none of it. Failures (I/O, constraint, a schema newer than
// this binary) come back as a Status naming what failed. A Store (with its parts) is used by
// one thread at a time; open one per thread if more are needed (SQLite's WAL lets readers run
// beside a writer).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <ptmon/base/status.h>
#include <ptmon/storage/accounts.h>
#include <ptmon/storage/alert_store.h>
#include <ptmon/storage/catalog_store.h>
#include <ptmon/storage/value_store.h>

namespace ptmon {

// The schema version this binary writes; PRAGMA user_version holds the one a file has.
inline constexpr int kSchemaVersion = 10;

enum class IntegrityCheck { kNone, kQuick, kFull };

// How long a write waits for another connection's write (the daemon's, a `ptmon` command's)
// before failing as "database is locked".
inline constexpr int kBusyTimeoutMs = 10000;

struct StoreOptions {
  int busy_timeout_ms = kBusyTimeoutMs;
  // Checked before anything is read or migrated: kQuick is PRAGMA quick_check (every page and
  // record, no index cross-check), kFull is integrity_check. A file that exists but is empty
  // (0 bytes) is refused whenever a check is asked for: SQLite would take it for a new database.
  IntegrityCheck check = IntegrityCheck::kNone;
  // The SQLite VFS to open the file through, by name; empty: SQLite's default. Tests make the
  // disk fail in the middle of a transaction through one.
  std::string vfs;
};

class Store {
 public:
  // Opens or creates the database file and brings its schema up to kSchemaVersion. Refuses a
  // file whose schema is newer than this binary knows, and (with options.check) one that is
  // damaged, naming what SQLite found and how to recover. A new file is created 0600, whatever
  // the umask, and so are its -wal and -shm (SQLite gives them the database's mode).
  static Result<std::unique_ptr<Store>> Open(const std::string& path, StoreOptions options = {});
  // Another connection to this Store's file, opened as this one was but without an integrity
  // check: for another thread (a reader beside this Store's writer). Fails for an in-memory
  // database, which no other connection can see.
  Result<std::unique_ptr<Store>> OpenAnother() const;
  // One warning, naming the file and the chmod to run, for each of the database's files (the
  // database, its -wal and -shm) that accounts other than its owner may read or write.
  static std::vector<std::string> ExposedFiles(const std::string& path);
  // The checks Open makes with options.check, apart from opening: a file that exists but is
  // empty (SQLite would take it for a new database), and the integrity check run on a read-only
  // connection of its own, so it can run beside a Store serving the same file. The failure
  // names what SQLite found and how to recover.
  static Status RefuseEmptyFile(const std::string& path);
  static Status CheckFile(const std::string& path, IntegrityCheck check);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int SchemaVersion();

  // Runs `work` inside one transaction (IMMEDIATE: writers queue instead of failing later);
  // commits when it returns OK, rolls back otherwise.
  Status InTransaction(const std::function<Status()>& work);

  // Copies the whole database, consistently, to a new file at `path` (SQLite's online backup:
  // the daemon may keep writing meanwhile), then checks the copy's integrity. Refuses to
  // overwrite an existing file. The copy is created 0600, as the database is.
  Status Backup(const std::string& path);

  // Whether another connection (`ptmon ingest` beside the daemon) committed since the last call
  // (the first call says false). One cheap PRAGMA: fit for a timer.
  Result<bool> ChangedElsewhere();

  // Returns cached pages to the system; for a long-running process after large one-off reads.
  void ReleaseMemory() { sqlite3_db_release_memory(db_); }

  sqlite3* handle() { return db_; }  // for the storage library's own statements and tests

  CatalogStore& catalogs() { return catalogs_; }
  ValueStore& values() { return values_; }
  AlertStore& alerts() { return alerts_; }
  Accounts& accounts() { return accounts_; }

 private:
  explicit Store(sqlite3* db);
  static Result<std::unique_ptr<Store>> OpenCreated(const std::string& path,
                                                    const StoreOptions& options);
  Status Migrate();

  sqlite3* db_;       // before the parts, which take it when made
  std::string path_;  // as opened, for OpenAnother
  StoreOptions options_;
  long long seen_version_ = -1;  // for ChangedElsewhere
  CatalogStore catalogs_;
  ValueStore values_;
  AlertStore alerts_;
  Accounts accounts_;
};

}  // namespace ptmon
