// ptmon's durable store: one SQLite file holding the catalogue as loaded, every submission
// batch, the append-only history of reported values, and alert state.
//
// One database handle; its parts live in files by what they keep: the handle, schema, checks
// and backups (store.cc), catalogues and years (catalog_store.cc), batches and their values as
// written (batch_store.cc), the values in force and their fold (value_store.cc), alert state
// (alert_store.cc); accounts and the audit log are free functions over the handle (accounts.h).
//
// Contract: every method that writes does so in one transaction, so a crash at any moment
// leaves either all of a write or none of it. Failures (I/O, constraint, a schema newer than
// this binary) come back as a Status naming what failed. A Store is used by one thread at a
// time; open one per thread if more are needed (SQLite's WAL lets readers run beside a writer).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sqlite3.h>

#include <ptmon/base/status.h>
#include <ptmon/indicators/actuals.h>
#include <ptmon/indicators/catalog.h>

namespace ptmon {

namespace storage_internal {
class Statement;
}

// The schema version this binary writes; PRAGMA user_version holds the one a file has.
inline constexpr int kSchemaVersion = 9;

enum class BatchStatus { kApplied, kRejected, kDuplicate };
std::string_view BatchStatusName(BatchStatus status);  // applied, rejected, duplicate

struct Batch {
  long long id = 0;
  std::string file_name;
  std::string sha256;
  long long size_bytes = 0;
  std::string reporter;      // the file's 填报人 (the one named most often)
  std::string submitted_by;  // who sent it, as authenticated: a console user, an API token's
                             // name, "inbox", "cli:<unix user>"; "" before schema 6
  std::string received_at;   // RFC 3339
  std::string applied_at;    // RFC 3339; empty unless applied
  BatchStatus status = BatchStatus::kApplied;
  long long row_count = 0;
  std::string error_text;
};

// One reported value. Either `value` (base units) or `grade` (达成/部分达成/未达成) is set.
struct ActualValue {
  std::string project_id;
  std::string indicator_id;  // "spent" for budget spending, in yuan
  Period period;
  std::optional<double> value;
  std::string grade;
  std::string reason_category;  // 经费保障, 制度保障, 人员保障, 硬件条件保障, 其他 or ""
  std::string reason;
  std::string action;
  std::string likelihood;  // 确定能, 有可能, 完全不可能 or ""
  std::string reporter;
};

// A value to write; the views must outlive the ApplyBatch call.
struct StoredValueView {
  std::string_view project_id;
  std::string_view indicator_id;
  Period period;
  std::optional<double> value;
  std::string_view grade;
  std::string_view reason_category;
  std::string_view reason;
  std::string_view action;
  std::string_view likelihood;
  std::string_view reporter;
};
StoredValueView ViewOf(const ActualValue& value);

// A stored value with the batch it came in, for history listings.
struct ActualRevision {
  ActualValue actual;
  long long batch_id = 0;
  std::string file_name;
  std::string submitted_by;  // the batch's; actual.reporter is what the file named
  std::string applied_at;
};

// The identity of a persisted alert: its rule (alerts.h AlertRule) and its subject's label
// values, empty where the alert has no such label.
struct AlertRecordKey {
  int rule = 0;
  std::string budget_unit, project, indicator, owner;
};

// The persisted state of one alert, so a restart neither re-pages nor loses startsAt: one row
// of columns (schema 9), not its labels and annotations as JSON text.
struct AlertRecord {
  AlertRecordKey key;
  int phase = 0;               // 0 pending, 1 firing, 2 resolved (alerts.h AlertPhase)
  long long active_since = 0;  // Unix seconds, all times
  std::optional<long long> fired_at;
  std::optional<long long> resolved_at;
  std::string generator_url;
  std::string annotations_json;  // an object of strings, names in order
};

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

  // Replaces the stored catalogue (projects and indicators) with `catalog` and records its hash
  // (and its encoded form, when given) when it differs from the last one loaded; for the same
  // catalogue, only replaces the encoded form. Returns whether the catalogue changed. Refuses,
  // naming them, indicators whose unit (or number-versus-grade) changes while values are stored.
  Result<bool> SaveCatalog(const Catalog& catalog, const std::string& loaded_at,
                           std::string_view encoded = {});
  // The encoded form saved with the catalogue of this hash, if any.
  Result<std::optional<std::string>> EncodedCatalog(const std::string& sha256);
  // The encoded form of the catalogue last loaded for `year`, if any: a data directory keeps
  // every year it monitored, for that year's figures after the next year's catalogue is served.
  Result<std::optional<std::string>> EncodedCatalogOfYear(int year);
  // The years of every catalogue ever loaded, ascending.
  Result<std::vector<int>> CatalogYears();
  // The hash of the catalogue last saved, if any.
  Result<std::optional<std::string>> CatalogHash();

  // The applied batch with this content hash, if any: the same file twice is a duplicate.
  Result<std::optional<Batch>> FindAppliedBatch(const std::string& sha256);
  // Records an applied batch and all its values in one transaction; returns the batch id.
  // Fails, writing nothing, when a batch with the same sha256 was already applied.
  // `value_at(i)` yields value i of `count`; streaming keeps million-row files compact.
  Result<long long> ApplyBatch(const Batch& batch, size_t count,
                               const std::function<StoredValueView(size_t)>& value_at);
  Result<long long> ApplyBatch(const Batch& batch, const std::vector<ActualValue>& values);
  // Records a rejected or duplicate submission (no values); returns the batch id.
  Result<long long> RecordBatch(const Batch& batch);
  // Makes an applied batch's values current again, superseding whatever came after: a new batch
  // (`audit` gives who, when and why; its file_name names the batch reverted to) with a copy of
  // the earlier batch's values, in one transaction. Returns the new batch's id.
  Result<long long> RevertToBatch(long long batch_id, const Batch& audit);
  Result<std::vector<Batch>> Batches();

  // Every revision of one indicator's values, oldest first.
  Result<std::vector<ActualRevision>> History(const std::string& project_id,
                                              const std::string& indicator_id);

  // The number in force for each month of `year`, for each of `series` ((project id, indicator
  // id) pairs): element i is series[i]'s months, January first; a month without a stored number
  // (none, or a grade) is nullopt. Reads by key, not by scanning: per series its folded year and
  // its key in each batch applied since the fold, all in one read transaction.
  using MonthlyNumbers = std::array<std::optional<double>, 12>;
  Result<std::vector<MonthlyNumbers>> NumbersOfYear(
      int year, const std::vector<std::pair<std::string_view, std::string_view>>& series);

  // Loads the latest revision of every value of the index's year into `index`, which must be
  // empty (values of series the index's catalogue lacks are skipped); returns how many of that
  // year's rows were read: the folded values and every revision of the batches after the fold.
  Result<size_t> LoadLatestValues(ActualsIndex& index);
  // Folds the batches applied since the last fold into the table of newest values, in one
  // transaction, so that LoadLatestValues reads one row per series and year instead of every
  // revision. Costs about a third of what writing those batches' rows cost; returns how many
  // rows were folded.
  Result<size_t> Fold();
  // The rows of applied batches not folded yet.
  Result<size_t> UnfoldedRows();
  // Applies one batch's values to `index` (they are later than everything before them); returns
  // the projects (indexes into the index's catalogue) they touched.
  Result<std::vector<uint32_t>> LoadBatchValues(long long batch_id, ActualsIndex& index);

  Result<std::vector<AlertRecord>> LoadAlerts();
  // The same rows handed over one at a time, so a reader of tens of thousands of alerts need not
  // hold them all beside what it makes of them.
  Status ForEachAlert(const std::function<void(AlertRecord)>& each);
  // Writes the changed alerts and removes the forgotten ones, in one transaction.
  Status SaveAlerts(const std::vector<AlertRecord>& changed,
                    const std::vector<AlertRecordKey>& removed);
  // When a file was last applied (RFC 3339), if ever.
  Result<std::optional<std::string>> LastAppliedAt();

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

 private:
  explicit Store(sqlite3* db);
  static Result<std::unique_ptr<Store>> OpenCreated(const std::string& path,
                                                    const StoreOptions& options);
  Status Migrate();
  struct PendingRow;
  struct NewSeries;
  // The values' rows in key order; creates the series seen for the first time. `projects`
  // gets the distinct projects the values report for.
  Result<std::vector<PendingRow>> PendingRows(
      size_t count, const std::function<StoredValueView(size_t)>& value_at,
      std::vector<std::string_view>& projects);
  // Records which projects a batch reports for (the history's way to its batches).
  Status InsertBatchProjects(long long batch_id, const std::vector<std::string_view>& projects);
  Status InsertValues(long long batch_id, const std::vector<PendingRow>& rows,
                      const std::function<StoredValueView(size_t)>& value_at);
  Status LoadSeriesIds();
  // The id of a (project, indicator) series; a new one is given the next id and added to
  // `created`, for the caller to insert. Inside a transaction.
  long long SeriesId(std::string_view project_id, std::string_view indicator_id,
                     std::vector<NewSeries>& created);

  Result<long long> DataVersion();
  // An indicator whose unit or number-versus-grade a new catalogue changes: "台 to %".
  struct MeaningChange {
    std::string project_id;
    std::string indicator_id;
    std::string description;
  };
  Result<std::vector<MeaningChange>> ChangedMeanings(const Catalog& catalog);
  // Fails, naming them, for the changes whose indicator has values of the catalogue's year.
  Status RefuseReinterpretedValues(const Catalog& catalog,
                                   const std::vector<MeaningChange>& changes);
  // Writes the catalogue's projects and indicators to temporary tables, outside any lock.
  Status StageCatalog(const Catalog& catalog);
  // Makes the project and indicator tables equal the staged ones, writing only what differs.
  Status ApplyStagedCatalog(long long load_id);

  sqlite3* db_;
  std::unordered_map<std::string, long long> series_ids_;  // "project\0indicator" -> id
  std::string series_key_;                                 // SeriesId's buffer
  long long next_series_id_ = 1;
  long long series_ids_version_ = -1;  // data_version when series_ids_ was read
  long long seen_version_ = -1;        // for ChangedElsewhere
};

}  // namespace ptmon
