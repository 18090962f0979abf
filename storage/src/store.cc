#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <tuple>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ptmon/base/file_system.h>
#include <ptmon/storage/store.h>

#include "folded_year.h"
#include "schema.h"
#include "statement.h"

namespace ptmon {

using storage_internal::DecodeFoldedNote;
using storage_internal::DecodeFoldedYear;
using storage_internal::EncodeFoldedNote;
using storage_internal::EncodeFoldedYear;
using storage_internal::Exec;
using storage_internal::FoldedValue;
using storage_internal::FoldedYear;
using storage_internal::Statement;

namespace {

std::optional<BatchStatus> ParseBatchStatus(std::string_view text) {
  if (text == "applied") return BatchStatus::kApplied;
  if (text == "rejected") return BatchStatus::kRejected;
  if (text == "duplicate") return BatchStatus::kDuplicate;
  return std::nullopt;
}

Batch ReadBatch(const Statement& row) {
  Batch batch;
  batch.id = row.Int(0);
  batch.file_name = row.Text(1);
  batch.sha256 = row.Text(2);
  batch.size_bytes = row.Int(3);
  batch.reporter = row.Text(4);
  batch.received_at = row.Text(5);
  batch.applied_at = row.Text(6);
  batch.status = ParseBatchStatus(row.Text(7)).value_or(BatchStatus::kRejected);
  batch.row_count = row.Int(8);
  batch.error_text = row.Text(9);
  batch.submitted_by = row.Text(10);
  return batch;
}

constexpr std::string_view kBatchColumns =
    "id, file_name, sha256, size_bytes, reporter, received_at, applied_at, status, row_count, "
    "error_text, submitted_by";

long long PeriodKey(Period period) { return period.year * 100LL + period.month; }
Period PeriodOfKey(long long key) {
  return {static_cast<int>(key / 100), static_cast<int>(key % 100)};
}

ActualValue ReadActual(const Statement& row, int first) {
  ActualValue value;
  value.project_id = row.Text(first);
  value.indicator_id = row.Text(first + 1);
  value.period = PeriodOfKey(row.Int(first + 2));
  if (!row.IsNull(first + 3)) value.value = row.Double(first + 3);
  value.grade = row.Text(first + 4);
  value.reason_category = row.Text(first + 5);
  value.reason = row.Text(first + 6);
  value.action = row.Text(first + 7);
  value.likelihood = row.Text(first + 8);
  value.reporter = row.Text(first + 9);
  return value;
}

constexpr std::string_view kActualColumns =
    "s.project_id, s.indicator_id, a.period, a.value, a.grade, coalesce(n.reason_category, ''), "
    "coalesce(n.reason, ''), coalesce(n.action, ''), coalesce(n.likelihood, ''), a.reporter";
constexpr std::string_view kActualJoins =
    " JOIN series s ON s.id = a.series_id LEFT JOIN note n ON n.id = a.note_id";

// Rows per INSERT statement: one statement step per row cost more than SQLite's work on it.
constexpr size_t kRowsPerInsert = 64;

// Binds row `row` to the parameters from `first_parameter` on; fails only when something it
// writes on the way (a note) fails.
using BindRow = std::function<Status(Statement& insert, int first_parameter, size_t row)>;

// Inserts `count` rows of `columns` values each with `sql_prefix` ("INSERT INTO t (a, b)
// VALUES "), kRowsPerInsert rows per statement. A statement that fails leaves none of its rows
// behind; they are written again one at a time so the error names the row (`describe`). Either
// way a failure is returned, for the caller's transaction to roll back.
Status InsertRows(sqlite3* db, std::string_view sql_prefix, int columns, size_t count,
                  const BindRow& bind, const std::function<std::string(size_t)>& describe) {
  std::string one_row = "(?";
  for (int i = 1; i < columns; ++i) one_row += ",?";
  one_row += ")";
  std::string many = std::string(sql_prefix) + one_row;
  for (size_t i = 1; i < kRowsPerInsert; ++i) many += "," + one_row;
  Statement insert_many(db, many);
  Statement insert_one(db, std::string(sql_prefix) + one_row);
  if (!insert_many.prepared().ok()) return insert_many.prepared();
  if (!insert_one.prepared().ok()) return insert_one.prepared();
  auto write = [&](Statement& insert, size_t first, size_t n) -> Status {
    insert.Reset();
    for (size_t k = 0; k < n; ++k) {
      if (Status bound = bind(insert, static_cast<int>(k) * columns + 1, first + k); !bound.ok())
        return bound;
    }
    return insert.Run();
  };
  auto write_each = [&](size_t first, size_t n) -> Status {
    for (size_t row = first; row < first + n; ++row) {
      if (Status run = write(insert_one, row, 1); !run.ok()) return run.WithContext(describe(row));
    }
    return Status::Ok();
  };
  size_t first = 0;
  for (; first + kRowsPerInsert <= count; first += kRowsPerInsert) {
    if (Status chunk = write(insert_many, first, kRowsPerInsert); !chunk.ok()) {
      Status row = write_each(first, kRowsPerInsert);
      return row.ok() ? chunk : row;  // no row alone failed: report the statement's failure
    }
  }
  return write_each(first, count - first);
}

}  // namespace

std::string_view BatchStatusName(BatchStatus status) {
  switch (status) {
    case BatchStatus::kApplied:
      return "applied";
    case BatchStatus::kRejected:
      return "rejected";
    case BatchStatus::kDuplicate:
      return "duplicate";
  }
  return "rejected";
}

namespace {

constexpr std::string_view kRecovery =
    "; stop ptmon, move the data directory's ptmon.db aside and restore the last copy made by "
    "'ptmon backup' (or remove it to start with an empty history)";

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

Store::Store(sqlite3* db) : db_(db) {}

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

Status Store::InTransaction(const std::function<Status()>& work) {
  if (Status begun = Exec(db_, "BEGIN IMMEDIATE"); !begun.ok()) return begun;
  Status status = work();
  if (status.ok()) status = Exec(db_, "COMMIT");
  if (!status.ok()) Exec(db_, "ROLLBACK").ok();  // the original failure is what matters
  return status;
}

Result<std::optional<std::string>> Store::CatalogHash() {
  Statement statement(db_, "SELECT sha256 FROM catalog_load ORDER BY id DESC LIMIT 1");
  if (statement.Step()) return std::optional<std::string>(statement.Text(0));
  if (!statement.status().ok()) return statement.status();
  return std::optional<std::string>();
}

namespace {

// The blob in the first column of the statement's first row, if any.
Result<std::optional<std::string>> FirstBlob(Statement& statement) {
  if (statement.Step()) return std::optional<std::string>(statement.BlobView(0));
  if (!statement.status().ok()) return statement.status();
  return std::optional<std::string>();
}

}  // namespace

Result<std::optional<std::string>> Store::EncodedCatalog(const std::string& sha256) {
  Statement statement(db_,
                      "SELECT encoded FROM catalog_load WHERE sha256 = ? AND encoded IS NOT NULL"
                      " ORDER BY id DESC LIMIT 1");
  statement.Bind(1, sha256);
  return FirstBlob(statement);
}

// Stored values are numbers in the indicator's unit (a ratio for %, a count for 台); a catalogue
// that changes the unit, or turns a number into a grade, would re-read them with another meaning
// (21 台 as 2100 %). The catalogue last saved (the indicator table) is compared first, without
// reading a value: a catalogue edit rarely changes a unit, and looking for values of all 66,000
// indicators of a province once held the write lock for minutes.
Result<std::vector<Store::MeaningChange>> Store::ChangedMeanings(const Catalog& catalog) {
  // Catalog::FindProject walks the projects: 10,000 walks of 10,000 took 0.2 s.
  std::unordered_map<std::string_view, const Project*> projects;
  projects.reserve(catalog.projects.size());
  for (const Project& each : catalog.projects) projects.emplace(each.id, &each);
  Statement stored(db_, "SELECT project_id, id, unit, kind = 'qualitative' FROM indicator");
  std::vector<MeaningChange> changes;
  std::string project_id;
  const Project* project = nullptr;
  while (stored.Step()) {
    if (stored.TextView(0) != project_id) {  // saved project by project: one lookup for each
      project_id = stored.TextView(0);
      const auto found = projects.find(project_id);
      project = found == projects.end() ? nullptr : found->second;
    }
    const Indicator* indicator = project ? project->FindIndicator(stored.TextView(1)) : nullptr;
    if (indicator == nullptr) continue;  // dropped: its history stays, nothing re-reads it
    const std::string_view unit = stored.TextView(2);
    const bool qualitative = stored.Int(3) != 0;
    const Target& target = indicator->annual_target;
    const bool now_qualitative = target.kind == TargetKind::kQualitative;
    if (now_qualitative == qualitative && (qualitative || target.unit == unit)) continue;
    const auto shown = [](bool grade, std::string_view u) {
      return grade ? std::string("a grade") : u.empty() ? std::string("no unit") : std::string(u);
    };
    changes.push_back({project_id, indicator->id,
                       shown(qualitative, unit) + " to " + shown(now_qualitative, target.unit)});
  }
  if (!stored.status().ok()) return stored.status();
  return changes;
}

// Only values of the catalogue's own year are read through it: a new year may measure a reused
// id differently without misreading last year's values. Each changed indicator costs a few index
// seeks: its series, its folded year, and its key in each batch applied since the fold.
Status Store::RefuseReinterpretedValues(const Catalog& catalog,
                                        const std::vector<MeaningChange>& changes) {
  if (changes.empty()) return Status::Ok();
  Statement reported(
      db_,
      "SELECT 1 FROM series s WHERE s.project_id = ?1 AND s.indicator_id = ?2 AND ("
      " EXISTS (SELECT 1 FROM folded_year f WHERE f.year = ?3 AND f.series_id = s.id) OR"
      " EXISTS (SELECT 1 FROM batch b WHERE b.id > (SELECT folded_through FROM latest_fold) AND"
      "  EXISTS (SELECT 1 FROM actual a WHERE a.batch_id = b.id AND a.series_id = s.id AND"
      "   a.period BETWEEN ?4 AND ?5)))");
  std::string problems;
  for (const MeaningChange& change : changes) {
    reported.Reset();
    reported.BindView(1, change.project_id).BindView(2, change.indicator_id);
    reported.Bind(3, static_cast<long long>(catalog.year))
        .Bind(4, static_cast<long long>(catalog.year) * 100 + 1)
        .Bind(5, static_cast<long long>(catalog.year) * 100 + 12);
    if (!reported.Step()) {
      if (!reported.status().ok()) return reported.status();
      continue;
    }
    problems += (problems.empty() ? "" : "; ") + change.project_id + "/" + change.indicator_id +
                " from " + change.description;
  }
  if (problems.empty()) return Status::Ok();
  return Status::Error(
      "指标计量单位已变更, 已有数据会被错读 / the catalogue changes what stored values mean: " +
      problems +
      ". Values reported under the old unit would be read in the new one; give the changed "
      "indicator a new id (the old one's history stays) or keep its unit");
}

// The catalogue's rows go to tables of this connection's own temporary database, which takes no
// lock on the store; the write transaction then changes only the rows that differ. Replacing
// every row of a province's catalogue held the write lock for 0.7–1.3 s.
Status Store::StageCatalog(const Catalog& catalog) {
  // Kept, emptied, between saves: statements prepared on them stay valid.
  if (Status created = Exec(db_,
                            "CREATE TEMP TABLE IF NOT EXISTS new_project (id TEXT PRIMARY KEY,"
                            " unit_id TEXT, name TEXT, department TEXT, annual_funds_fen INTEGER,"
                            " period_funds_fen INTEGER) WITHOUT ROWID;"
                            "CREATE TEMP TABLE IF NOT EXISTS new_indicator (project_id TEXT,"
                            " id TEXT, level1 TEXT, level2 TEXT, name TEXT, target_text TEXT,"
                            " kind TEXT, op TEXT, target_value REAL, unit TEXT,"
                            " PRIMARY KEY (project_id, id)) WITHOUT ROWID;"
                            "DELETE FROM temp.new_project; DELETE FROM temp.new_indicator");
      !created.ok())
    return created;
  // One transaction of the temporary database alone: the store stays unlocked, and the rows
  // are not committed 64 at a time.
  if (Status begun = Exec(db_, "BEGIN"); !begun.ok()) return begun;
  const Status staged = [&]() -> Status {
    // Bound as views: the catalogue outlives the statements.
    const auto& projects = catalog.projects;
    Status saved = InsertRows(
        db_,
        "INSERT INTO temp.new_project (id, unit_id, name, department, annual_funds_fen,"
        " period_funds_fen) VALUES ",
        6, projects.size(),
        [&](Statement& insert, int p, size_t i) {
          const Project& project = projects[i];
          insert.BindView(p, project.id).BindView(p + 1, project.unit_id);
          insert.BindView(p + 2, project.name).BindView(p + 3, project.department);
          insert.Bind(p + 4, project.annual_funds.total_fen);
          insert.Bind(p + 5, project.period_funds.total_fen);
          return Status::Ok();
        },
        [&](size_t i) { return "project " + projects[i].id; });
    if (!saved.ok()) return saved;
    std::vector<std::pair<const Project*, const Indicator*>> indicators;
    indicators.reserve(catalog.IndicatorCount());
    for (const auto& project : projects) {
      for (const auto& indicator : project.indicators)
        indicators.emplace_back(&project, &indicator);
    }
    return InsertRows(
        db_,
        "INSERT INTO temp.new_indicator (project_id, id, level1, level2, name, target_text, kind,"
        " op, target_value, unit) VALUES ",
        10, indicators.size(),
        [&](Statement& insert, int p, size_t i) {
          const auto& [project, indicator] = indicators[i];
          const Target& target = indicator->annual_target;
          insert.BindView(p, project->id).BindView(p + 1, indicator->id);
          insert.BindView(p + 2, indicator->level1).BindView(p + 3, indicator->level2);
          insert.BindView(p + 4, indicator->name).BindView(p + 5, target.text);
          insert.BindView(p + 6, TargetKindName(target.kind));
          if (target.op)
            insert.BindView(p + 7, ComparisonSymbol(*target.op));
          else
            insert.BindNull(p + 7);
          insert.Bind(p + 8, target.value).BindView(p + 9, target.unit);
          return Status::Ok();
        },
        [&](size_t i) {
          return "indicator " + indicators[i].first->id + "/" + indicators[i].second->id;
        });
  }();
  if (staged.ok()) return Exec(db_, "COMMIT");
  Exec(db_, "ROLLBACK").ok();  // the failure to stage is what matters
  return staged;
}

// Inside the write transaction: a seek per row to compare, and writes only where rows differ
// (a project's catalog_load_id names the load that last changed it).
Status Store::ApplyStagedCatalog(long long load_id) {
  Statement upsert_projects(
      db_,
      "INSERT INTO project (id, unit_id, name, department, annual_funds_fen, period_funds_fen,"
      " catalog_load_id)"
      " SELECT new_project.*, ?1 FROM temp.new_project WHERE NOT EXISTS (SELECT 1 FROM project p"
      "  WHERE p.id = new_project.id AND p.unit_id = new_project.unit_id"
      "  AND p.name = new_project.name AND p.department = new_project.department"
      "  AND p.annual_funds_fen = new_project.annual_funds_fen"
      "  AND p.period_funds_fen = new_project.period_funds_fen)"
      " ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, name = excluded.name,"
      "  department = excluded.department, annual_funds_fen = excluded.annual_funds_fen,"
      "  period_funds_fen = excluded.period_funds_fen,"
      "  catalog_load_id = excluded.catalog_load_id");
  upsert_projects.Bind(1, load_id);
  if (Status run =
          Exec(db_, "DELETE FROM project WHERE id NOT IN (SELECT id FROM temp.new_project)");
      !run.ok())
    return run;
  if (Status run = upsert_projects.Run(); !run.ok()) return run;
  if (Status run = Exec(db_,
                        "DELETE FROM indicator WHERE NOT EXISTS (SELECT 1 FROM temp.new_indicator n"
                        " WHERE n.project_id = indicator.project_id AND n.id = indicator.id)");
      !run.ok())
    return run;
  return Exec(db_,
              "INSERT INTO indicator (project_id, id, level1, level2, name, target_text, kind, op,"
              " target_value, unit)"
              " SELECT * FROM temp.new_indicator WHERE NOT EXISTS (SELECT 1 FROM indicator i"
              "  WHERE i.project_id = new_indicator.project_id AND i.id = new_indicator.id"
              "  AND i.level1 = new_indicator.level1 AND i.level2 = new_indicator.level2"
              "  AND i.name = new_indicator.name AND i.target_text = new_indicator.target_text"
              "  AND i.kind = new_indicator.kind AND i.op IS new_indicator.op"
              "  AND i.target_value IS new_indicator.target_value AND i.unit = new_indicator.unit)"
              " ON CONFLICT (project_id, id) DO UPDATE SET level1 = excluded.level1,"
              "  level2 = excluded.level2, name = excluded.name,"
              "  target_text = excluded.target_text, kind = excluded.kind, op = excluded.op,"
              "  target_value = excluded.target_value, unit = excluded.unit");
}

Result<std::optional<std::string>> Store::EncodedCatalogOfYear(int year) {
  Statement query(db_,
                  "SELECT encoded FROM catalog_load WHERE year = ? AND encoded IS NOT NULL "
                  "ORDER BY id DESC LIMIT 1");
  query.Bind(1, static_cast<long long>(year));
  return FirstBlob(query);
}

Result<std::vector<int>> Store::CatalogYears() {
  Statement query(db_, "SELECT DISTINCT year FROM catalog_load ORDER BY year");
  std::vector<int> years;
  while (query.Step()) years.push_back(static_cast<int>(query.Int(0)));
  if (!query.status().ok()) return query.status();
  return years;
}

Result<bool> Store::SaveCatalog(const Catalog& catalog, const std::string& loaded_at,
                                std::string_view encoded) {
  auto previous = CatalogHash();
  if (!previous.ok()) return previous.status();
  if (previous.value() == catalog.sha256) {
    // The same catalogue; only its encoded form may be missing or of an older encoding.
    if (encoded.empty()) return false;
    Statement refresh(db_,
                      "UPDATE catalog_load SET encoded = ? "
                      "WHERE id = (SELECT MAX(id) FROM catalog_load)");
    refresh.BindBlobView(1, encoded);
    if (Status run = refresh.Run(); !run.ok()) return run.WithContext("saving the catalogue");
    return false;
  }
  std::string units;
  for (const auto& unit : catalog.units) units += (units.empty() ? "" : ",") + unit.id;
  // Compared and staged before the write lock is taken: logins, account changes and reports
  // wait behind it.
  auto changes = ChangedMeanings(catalog);
  if (!changes.ok()) return changes.status().WithContext("saving the catalogue");
  if (Status staged = StageCatalog(catalog); !staged.ok())
    return staged.WithContext("saving the catalogue");
  Status status = InTransaction([&]() -> Status {
    // Another process may have saved a catalogue since the comparison.
    auto latest = CatalogHash();
    if (!latest.ok()) return latest.status();
    if (latest.value() != previous.value()) {
      changes = ChangedMeanings(catalog);
      if (!changes.ok()) return changes.status();
    }
    if (Status kept = RefuseReinterpretedValues(catalog, *changes); !kept.ok()) return kept;
    Statement load(db_,
                   "INSERT INTO catalog_load (sha256, year, units, project_count, "
                   "indicator_count, loaded_at, encoded) VALUES (?, ?, ?, ?, ?, ?, ?)");
    load.Bind(1, catalog.sha256)
        .Bind(2, static_cast<long long>(catalog.year))
        .Bind(3, units)
        .Bind(4, static_cast<long long>(catalog.projects.size()))
        .Bind(5, static_cast<long long>(catalog.IndicatorCount()))
        .Bind(6, loaded_at);
    if (encoded.empty()) {
      load.BindNull(7);
    } else {
      load.BindBlobView(7, encoded);
    }
    if (Status run = load.Run(); !run.ok()) return run;
    const long long load_id = sqlite3_last_insert_rowid(db_);
    return ApplyStagedCatalog(load_id);
  });
  // A province's catalogue staged is 20 MB of the temporary database.
  Exec(db_, "DELETE FROM temp.new_project; DELETE FROM temp.new_indicator").ok();
  if (!status.ok()) return status.WithContext("saving the catalogue");
  return true;
}

Result<std::optional<Batch>> Store::FindAppliedBatch(const std::string& sha256) {
  Statement statement(db_, "SELECT " + std::string(kBatchColumns) +
                               " FROM batch WHERE sha256 = ? AND status = 'applied'");
  statement.Bind(1, sha256);
  if (statement.Step()) return std::optional<Batch>(ReadBatch(statement));
  if (!statement.status().ok()) return statement.status();
  return std::optional<Batch>();
}

namespace {

Status InsertBatch(sqlite3* db, const Batch& batch) {
  Statement insert(db,
                   "INSERT INTO batch (file_name, sha256, size_bytes, reporter, received_at, "
                   "applied_at, status, row_count, error_text, submitted_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.Bind(1, batch.file_name).Bind(2, batch.sha256).Bind(3, batch.size_bytes);
  insert.Bind(4, batch.reporter).Bind(5, batch.received_at);
  if (batch.applied_at.empty())
    insert.BindNull(6);
  else
    insert.Bind(6, batch.applied_at);
  insert.Bind(7, BatchStatusName(batch.status)).Bind(8, batch.row_count).Bind(9, batch.error_text);
  insert.Bind(10, batch.submitted_by);
  return insert.Run();
}

}  // namespace

StoredValueView ViewOf(const ActualValue& value) {
  return {value.project_id, value.indicator_id,    value.period, value.value,
          value.grade,      value.reason_category, value.reason, value.action,
          value.likelihood, value.reporter};
}

Result<long long> Store::ApplyBatch(const Batch& batch, const std::vector<ActualValue>& values) {
  return ApplyBatch(batch, values.size(), [&](size_t i) { return ViewOf(values[i]); });
}

struct Store::PendingRow {
  long long series_id;
  uint32_t period;  // year * 100 + month
  uint32_t index;   // into the caller's values
  auto operator<=>(const PendingRow&) const = default;
};

struct Store::NewSeries {
  long long id;
  std::string_view project_id;
  std::string_view indicator_id;
  long long* cached_id;  // in series_ids_, whose nodes stay where they are
};

Result<long long> Store::ApplyBatch(const Batch& batch, size_t count,
                                    const std::function<StoredValueView(size_t)>& value_at) {
  long long batch_id = 0;
  Status status = InTransaction([&]() -> Status {
    Batch applied = batch;
    applied.status = BatchStatus::kApplied;
    applied.row_count = static_cast<long long>(count);
    if (Status inserted = InsertBatch(db_, applied); !inserted.ok()) return inserted;
    batch_id = sqlite3_last_insert_rowid(db_);
    std::vector<std::string_view> projects;
    auto rows = PendingRows(count, value_at, projects);
    if (!rows.ok()) return rows.status();
    if (Status listed = InsertBatchProjects(batch_id, projects); !listed.ok()) return listed;
    return InsertValues(batch_id, *rows, value_at);
  });
  if (!status.ok()) {
    series_ids_.clear();  // ids created in the rolled-back transaction are gone
    return status.WithContext("applying " + batch.file_name);
  }
  return batch_id;
}

// In key order, so the batch's values append to the end of the table's B-tree. Series seen for
// the first time are created here, together.
Result<std::vector<Store::PendingRow>> Store::PendingRows(
    size_t count, const std::function<StoredValueView(size_t)>& value_at,
    std::vector<std::string_view>& projects) {
  if (count > std::numeric_limits<uint32_t>::max()) {
    return Status::Error("a batch holds at most " +
                         std::to_string(std::numeric_limits<uint32_t>::max()) + " values");
  }
  if (Status loaded = LoadSeriesIds(); !loaded.ok()) return loaded;
  std::vector<PendingRow> rows;
  rows.reserve(count);
  std::vector<NewSeries> created;
  // Reports list an indicator's periods together; one lookup serves the whole run. Views of
  // the same catalogue string share their address, which spares comparing the text.
  auto same = [](std::string_view a, std::string_view b) {
    return (a.data() == b.data() && a.size() == b.size()) || a == b;
  };
  std::string_view last_project, last_indicator;
  long long series_id = 0;
  for (size_t i = 0; i < count; ++i) {
    const StoredValueView value = value_at(i);
    if (series_id == 0 || !same(value.project_id, last_project) ||
        !same(value.indicator_id, last_indicator)) {
      if (series_id == 0 || !same(value.project_id, last_project))
        projects.push_back(value.project_id);
      series_id = SeriesId(value.project_id, value.indicator_id, created);
      last_project = value.project_id;
      last_indicator = value.indicator_id;
    }
    rows.push_back(
        {series_id, static_cast<uint32_t>(PeriodKey(value.period)), static_cast<uint32_t>(i)});
  }
  // New series were numbered as first seen, in the file's order. Numbered again in key order,
  // they append to the series table and its unique index instead of splitting pages all over
  // both (a province's first file creates 66,000).
  if (created.size() > 1) {
    const long long first = created.front().id;
    std::sort(created.begin(), created.end(), [](const NewSeries& a, const NewSeries& b) {
      return std::tie(a.project_id, a.indicator_id) < std::tie(b.project_id, b.indicator_id);
    });
    std::vector<long long> renumbered(created.size());
    for (size_t k = 0; k < created.size(); ++k) {
      const long long id = first + static_cast<long long>(k);
      renumbered[static_cast<size_t>(created[k].id - first)] = id;
      created[k].id = id;
      *created[k].cached_id = id;
    }
    for (PendingRow& row : rows) {
      if (row.series_id >= first)
        row.series_id = renumbered[static_cast<size_t>(row.series_id - first)];
    }
  }
  Status inserted = InsertRows(
      db_, "INSERT INTO series (id, project_id, indicator_id) VALUES ", 3, created.size(),
      [&](Statement& insert, int p, size_t i) {
        // The views are the caller's, valid for the whole of ApplyBatch.
        insert.Bind(p, created[i].id).BindView(p + 1, created[i].project_id);
        insert.BindView(p + 2, created[i].indicator_id);
        return Status::Ok();
      },
      [&](size_t i) {
        return "series " + std::string(created[i].project_id) + "/" +
               std::string(created[i].indicator_id);
      });
  if (!inserted.ok()) return inserted;
  if (!std::is_sorted(rows.begin(), rows.end())) std::sort(rows.begin(), rows.end());
  std::sort(projects.begin(), projects.end());
  projects.erase(std::unique(projects.begin(), projects.end()), projects.end());
  return rows;
}

Status Store::InsertBatchProjects(long long batch_id,
                                  const std::vector<std::string_view>& projects) {
  return InsertRows(
      db_, "INSERT INTO batch_project (project_id, batch_id) VALUES ", 2, projects.size(),
      [&](Statement& insert, int p, size_t i) {
        insert.BindView(p, projects[i]).Bind(p + 1, batch_id);
        return Status::Ok();
      },
      [&](size_t i) { return "the batch's project " + std::string(projects[i]); });
}

Status Store::InsertValues(long long batch_id, const std::vector<PendingRow>& rows,
                           const std::function<StoredValueView(size_t)>& value_at) {
  const auto has_notes = [](const StoredValueView& value) {
    return !value.reason_category.empty() || !value.reason.empty() || !value.action.empty() ||
           !value.likelihood.empty();
  };
  const auto describe = [&](size_t i) {
    const StoredValueView value = value_at(rows[i].index);
    return std::string(value.project_id) + "/" + std::string(value.indicator_id) + " " +
           value.period.ToString();
  };
  // The notes go first, many to a statement as the values do (one statement per note cost a
  // tenth of a large file's writing), numbered on from the largest id: the write lock is held,
  // so nothing else numbers notes meanwhile. The k-th row with notes has note first_note + k.
  std::vector<uint32_t> noted;  // positions in `rows`, ascending
  for (uint32_t i = 0; i < rows.size(); ++i) {
    if (has_notes(value_at(rows[i].index))) noted.push_back(i);
  }
  Statement largest(db_, "SELECT coalesce(max(id), 0) FROM note");
  if (!largest.Step()) {
    return largest.status().ok() ? Status::Error("the largest note id could not be read")
                                 : largest.status();
  }
  const long long first_note = largest.Int(0) + 1;
  Status notes_inserted = InsertRows(
      db_, "INSERT INTO note (id, reason_category, reason, action, likelihood) VALUES ", 5,
      noted.size(),
      [&](Statement& insert, int p, size_t k) {
        // The views are the caller's, valid for the whole of ApplyBatch.
        const StoredValueView value = value_at(rows[noted[k]].index);
        insert.Bind(p, first_note + static_cast<long long>(k));
        insert.BindView(p + 1, value.reason_category).BindView(p + 2, value.reason);
        insert.BindView(p + 3, value.action).BindView(p + 4, value.likelihood);
        return Status::Ok();
      },
      [&](size_t k) { return "the notes of " + describe(noted[k]); });
  if (!notes_inserted.ok()) return notes_inserted;
  return InsertRows(
      db_,
      "INSERT INTO actual (batch_id, series_id, period, value, grade, note_id, reporter) VALUES ",
      7, rows.size(),
      [&](Statement& insert, int p, size_t i) -> Status {
        const PendingRow& row = rows[i];
        const StoredValueView value = value_at(row.index);
        insert.Bind(p, batch_id).Bind(p + 1, row.series_id);
        insert.Bind(p + 2, static_cast<long long>(row.period)).Bind(p + 3, value.value);
        if (value.grade.empty())
          insert.BindNull(p + 4);
        else
          insert.BindView(p + 4, value.grade);
        if (has_notes(value)) {
          const auto k = std::lower_bound(noted.begin(), noted.end(), i) - noted.begin();
          insert.Bind(p + 5, first_note + static_cast<long long>(k));
        } else {
          insert.BindNull(p + 5);
        }
        insert.BindView(p + 6, value.reporter);
        return Status::Ok();
      },
      describe);
}

Result<long long> Store::DataVersion() {
  Statement statement(db_, "PRAGMA data_version");
  if (statement.Step()) return statement.Int(0);
  return statement.status().ok() ? Status::Error("PRAGMA data_version returned nothing")
                                 : statement.status();
}

Result<bool> Store::ChangedElsewhere() {
  auto version = DataVersion();
  if (!version.ok()) return version.status();
  const bool changed = seen_version_ != -1 && *version != seen_version_;
  seen_version_ = *version;
  return changed;
}

Status Store::LoadSeriesIds() {
  // Inside the write transaction: another process's series since the last read are visible.
  auto version = DataVersion();
  if (!version.ok()) return version.status();
  if (*version != series_ids_version_) series_ids_.clear();
  series_ids_version_ = *version;
  if (!series_ids_.empty()) return Status::Ok();
  // One read of the whole dictionary beats a query per series on large catalogues.
  Statement all(db_, "SELECT id, project_id, indicator_id FROM series");
  next_series_id_ = 1;
  while (all.Step()) {
    series_ids_.emplace(all.Text(1) + '\0' + all.Text(2), all.Int(0));
    next_series_id_ = std::max(next_series_id_, all.Int(0) + 1);
  }
  return all.status();
}

long long Store::SeriesId(std::string_view project_id, std::string_view indicator_id,
                          std::vector<NewSeries>& created) {
  // Called per row of a large file: the key is built in a buffer kept between calls, and a
  // node is made only for a series not seen before.
  series_key_.assign(project_id).append(1, '\0').append(indicator_id);
  if (auto found = series_ids_.find(series_key_); found != series_ids_.end()) return found->second;
  const auto added = series_ids_.emplace(series_key_, next_series_id_).first;
  created.push_back({next_series_id_, project_id, indicator_id, &added->second});
  return next_series_id_++;
}

Result<long long> Store::RevertToBatch(long long batch_id, const Batch& audit) {
  long long reverted_id = 0;
  Status status = InTransaction([&]() -> Status {
    Statement original(db_, "SELECT status, row_count FROM batch WHERE id = ?");
    original.Bind(1, batch_id);
    if (!original.Step()) {
      return original.status().ok() ? Status::Error("there is no batch " + std::to_string(batch_id))
                                    : original.status();
    }
    if (original.Text(0) != "applied") {
      return Status::Error("batch " + std::to_string(batch_id) + " was " + original.Text(0) +
                           ", not applied: it has no values to return to");
    }
    Batch revert = audit;
    revert.status = BatchStatus::kApplied;
    revert.row_count = original.Int(1);
    if (Status inserted = InsertBatch(db_, revert); !inserted.ok()) return inserted;
    reverted_id = sqlite3_last_insert_rowid(db_);
    Statement copy(db_,
                   "INSERT INTO actual (batch_id, series_id, period, value, grade, note_id, "
                   "reporter) SELECT ?, series_id, period, value, grade, note_id, reporter "
                   "FROM actual WHERE batch_id = ?");
    copy.Bind(1, reverted_id).Bind(2, batch_id);
    if (Status copied = copy.Run(); !copied.ok()) return copied;
    Statement projects(db_,
                       "INSERT INTO batch_project (project_id, batch_id) SELECT DISTINCT"
                       " s.project_id, ?1 FROM actual a JOIN series s ON s.id = a.series_id"
                       " WHERE a.batch_id = ?1");
    projects.Bind(1, reverted_id);
    return projects.Run();
  });
  if (!status.ok()) return status.WithContext("reverting to batch " + std::to_string(batch_id));
  return reverted_id;
}

Result<long long> Store::RecordBatch(const Batch& batch) {
  long long batch_id = 0;
  Status status = InTransaction([&]() -> Status {
    if (Status inserted = InsertBatch(db_, batch); !inserted.ok()) return inserted;
    batch_id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  });
  if (!status.ok()) return status.WithContext("recording " + batch.file_name);
  return batch_id;
}

Result<std::vector<Batch>> Store::Batches() {
  Statement statement(db_, "SELECT " + std::string(kBatchColumns) + " FROM batch ORDER BY id");
  std::vector<Batch> batches;
  while (statement.Step()) batches.push_back(ReadBatch(statement));
  if (!statement.status().ok()) return statement.status();
  return batches;
}

Result<std::vector<ActualRevision>> Store::History(const std::string& project_id,
                                                   const std::string& indicator_id) {
  // CROSS JOIN fixes the plan: find the series, then seek (batch, series) in each batch that
  // reported for its project.
  Statement statement(db_, "SELECT a.batch_id, b.file_name, b.applied_at, b.submitted_by, " +
                               std::string(kActualColumns) +
                               " FROM series s CROSS JOIN batch_project p CROSS JOIN batch b"
                               " CROSS JOIN actual a ON p.project_id = s.project_id"
                               " AND b.id = p.batch_id AND a.batch_id = b.id AND a.series_id = s.id"
                               " LEFT JOIN note n ON n.id = a.note_id"
                               " WHERE s.project_id = ? AND s.indicator_id = ?"
                               " AND b.status = 'applied' ORDER BY a.period, a.batch_id");
  statement.Bind(1, project_id).Bind(2, indicator_id);
  std::vector<ActualRevision> revisions;
  while (statement.Step()) {
    ActualRevision revision;
    revision.batch_id = statement.Int(0);
    revision.file_name = statement.Text(1);
    revision.applied_at = statement.Text(2);
    revision.submitted_by = statement.Text(3);
    revision.actual = ReadActual(statement, 4);
    revisions.push_back(std::move(revision));
  }
  if (!statement.status().ok()) return statement.status();
  return revisions;
}

namespace {

// Reads a row's value, grade and notes from `first` on (value, grade, reason_category, reason,
// action, likelihood) into `notes` and the result, reusing the notes' storage row after row.
std::optional<double> ReadValue(const Statement& statement, int first, Grade& grade,
                                ValueNotes& notes) {
  grade = GradeFromName(statement.TextView(first + 1));
  notes.reason_category = statement.TextView(first + 2);
  notes.reason = statement.TextView(first + 3);
  notes.action = statement.TextView(first + 4);
  notes.likelihood = statement.TextView(first + 5);
  if (statement.IsNull(first)) return std::nullopt;
  return statement.Double(first);
}

// Reads notes by id, one statement for many.
class NoteReader {
 public:
  explicit NoteReader(sqlite3* db)
      : statement_(db,
                   "SELECT reason_category, reason, action, likelihood FROM note WHERE id = ?") {}

  // Whether the note exists; its texts are then in `notes` (their storage reused).
  Result<bool> Read(long long id, ValueNotes& notes) {
    statement_.Reset();
    statement_.Bind(1, id);
    if (!statement_.Step()) {
      if (!statement_.status().ok()) return statement_.status();
      return false;
    }
    notes.reason_category = statement_.TextView(0);
    notes.reason = statement_.TextView(1);
    notes.action = statement_.TextView(2);
    notes.likelihood = statement_.TextView(3);
    return true;
  }

 private:
  Statement statement_;
};

// Only ptmon writes folded rows: one it cannot read is damage.
Status DamagedFold(long long year, long long series_id) {
  return Status::Error("the folded values of series " + std::to_string(series_id) + " of " +
                       std::to_string(year) + " are damaged" + std::string(kRecovery));
}

// Feeds rows of kActualColumns into an index without allocating per row.
std::optional<SeriesKey> ApplyRow(const Statement& statement, ActualsIndex& index,
                                  ValueNotes& notes) {
  Grade grade = Grade::kNone;
  const std::optional<double> value = ReadValue(statement, 3, grade, notes);
  return index.Apply(statement.TextView(0), statement.TextView(1), PeriodOfKey(statement.Int(2)),
                     value, grade, notes);
}

}  // namespace

// The series' ids are sought one by one; their values are then read in runs of nearby ids, one
// range of the key (year, series) of the fold and (batch, series) of each batch since, so a file
// of 100,000 series costs a few statements per batch, not a seek per series and batch. A
// savepoint, not BEGIN: the caller may be inside a transaction already; all reads then see one
// state of the store, so a fold committed between them loses no value.
Result<std::vector<Store::MonthlyNumbers>> Store::NumbersOfYear(
    int year, const std::vector<std::pair<std::string_view, std::string_view>>& series) {
  std::vector<MonthlyNumbers> numbers(series.size());
  if (series.empty()) return numbers;
  Statement id_of(db_, "SELECT id FROM series WHERE project_id = ?1 AND indicator_id = ?2");
  Statement batches(db_,
                    "SELECT id FROM batch WHERE id > (SELECT folded_through FROM latest_fold)"
                    " AND status = 'applied' ORDER BY id");
  Statement folded(db_,
                   "SELECT series_id, months FROM folded_year"
                   " WHERE year = ?1 AND series_id BETWEEN ?2 AND ?3");
  Statement unfolded(db_,
                     "SELECT series_id, period, value FROM actual"
                     " WHERE batch_id = ?1 AND series_id BETWEEN ?2 AND ?3"
                     " AND period BETWEEN ?4 AND ?5");
  if (Status begun = Exec(db_, "SAVEPOINT numbers_of_year"); !begun.ok()) return begun;
  const Status read = [&]() -> Status {
    std::vector<std::pair<long long, size_t>> ids;  // (series id, index into `series`)
    for (size_t i = 0; i < series.size(); ++i) {
      id_of.Reset();
      id_of.BindView(1, series[i].first).BindView(2, series[i].second);
      if (id_of.Step()) ids.emplace_back(id_of.Int(0), i);
      if (!id_of.status().ok()) return id_of.status();
    }
    std::sort(ids.begin(), ids.end());
    // Runs of ids at most kGap apart: a few unwanted rows read beat another statement.
    constexpr long long kGap = 16;
    std::vector<std::pair<size_t, size_t>> runs;  // [first, last] into `ids`
    for (size_t k = 0; k < ids.size(); ++k) {
      if (runs.empty() || ids[k].first - ids[runs.back().second].first > kGap)
        runs.emplace_back(k, k);
      else
        runs.back().second = k;
    }
    // Every row read names its series; the wanted ones are found in the sorted ids.
    auto wanted = [&](long long id) -> MonthlyNumbers* {
      const auto at = std::lower_bound(ids.begin(), ids.end(), std::pair(id, size_t{0}));
      return at == ids.end() || at->first != id ? nullptr : &numbers[at->second];
    };
    FoldedYear months;
    for (const auto& [first, last] : runs) {
      folded.Reset();
      folded.Bind(1, static_cast<long long>(year)).Bind(2, ids[first].first);
      folded.Bind(3, ids[last].first);
      while (folded.Step()) {
        MonthlyNumbers* of = wanted(folded.Int(0));
        if (of == nullptr) continue;
        if (!DecodeFoldedYear(folded.BlobView(1), months)) return DamagedFold(year, folded.Int(0));
        for (size_t month = 0; month < 12; ++month) {
          if (months[month].present && months[month].grade == Grade::kNone)
            (*of)[month] = months[month].value;
        }
      }
      if (!folded.status().ok()) return folded.status();
    }
    // In batch order: a later batch's value for a month replaces an earlier one's and the fold's.
    while (batches.Step()) {
      const long long batch_id = batches.Int(0);
      for (const auto& [first, last] : runs) {
        unfolded.Reset();
        unfolded.Bind(1, batch_id).Bind(2, ids[first].first).Bind(3, ids[last].first);
        unfolded.Bind(4, year * 100LL + 1).Bind(5, year * 100LL + 12);
        while (unfolded.Step()) {
          MonthlyNumbers* of = wanted(unfolded.Int(0));
          if (of == nullptr) continue;
          (*of)[static_cast<size_t>(PeriodOfKey(unfolded.Int(1)).month - 1)] =
              unfolded.IsNull(2) ? std::nullopt : std::optional<double>(unfolded.Double(2));
        }
        if (!unfolded.status().ok()) return unfolded.status();
      }
    }
    return batches.status();
  }();
  Exec(db_, "RELEASE numbers_of_year").ok();  // read only: nothing to keep or lose
  if (!read.ok()) return read;
  return numbers;
}

Result<size_t> Store::LoadLatestValues(ActualsIndex& index) {
  // Series to the index's keys once per series, not by their ids' strings once per row.
  std::vector<std::optional<SeriesKey>> keys;
  Statement series(db_, "SELECT id, project_id, indicator_id FROM series");
  while (series.Step()) {
    const long long id = series.Int(0);
    if (id < 0) continue;
    if (static_cast<size_t>(id) >= keys.size()) keys.resize(static_cast<size_t>(id) + 1);
    keys[static_cast<size_t>(id)] = index.Find(series.TextView(1), series.TextView(2));
  }
  if (!series.status().ok()) return series.status();
  Statement fold(db_, "SELECT folded_through FROM latest_fold");
  const long long folded_through = fold.Step() ? fold.Int(0) : 0;
  if (!fold.status().ok()) return fold.status();
  // The batches after the fold, newest first, then the fold: the first value met for a series
  // and period is its latest, and the revisions it superseded are passed over without being
  // indexed (nor their notes read). Only the index's year is read. Notes are looked up for the
  // values taken that have one: joining them on every row cost more than reading the rows. The
  // fold carries its values' notes.
  Statement unfolded(db_,
                     "SELECT series_id, period, value, grade, note_id FROM actual"
                     " WHERE batch_id > ? AND period BETWEEN ? AND ? ORDER BY batch_id DESC");
  Statement folded(db_, "SELECT series_id, months FROM folded_year WHERE year = ?");
  NoteReader note_reader(db_);
  const long long year = index.year();
  unfolded.Bind(1, folded_through).Bind(2, year * 100 + 1).Bind(3, year * 100 + 12);
  folded.Bind(1, year);
  const ValueNotes no_notes;
  ValueNotes notes;
  auto key_of = [&](long long series_id) -> std::optional<SeriesKey> {
    if (series_id < 0 || static_cast<size_t>(series_id) >= keys.size()) return std::nullopt;
    return keys[static_cast<size_t>(series_id)];
  };
  size_t count = 0;
  while (unfolded.Step()) {
    ++count;
    const auto key = key_of(unfolded.Int(0));
    const Period period = PeriodOfKey(unfolded.Int(1));
    if (!key || index.Has(*key, period)) continue;
    const std::optional<double> value =
        unfolded.IsNull(2) ? std::nullopt : std::optional<double>(unfolded.Double(2));
    auto noted =
        unfolded.IsNull(4) ? Result<bool>(false) : note_reader.Read(unfolded.Int(4), notes);
    if (!noted.ok()) return noted.status();
    index.Apply(*key, period, value, GradeFromName(unfolded.TextView(3)),
                *noted ? notes : no_notes);
  }
  if (!unfolded.status().ok()) return unfolded.status();
  FoldedYear months;
  while (folded.Step()) {
    const long long series_id = folded.Int(0);
    if (!DecodeFoldedYear(folded.BlobView(1), months)) return DamagedFold(year, series_id);
    const auto key = key_of(series_id);
    for (int month = 1; month <= 12; ++month) {
      const FoldedValue& folded_value = months[static_cast<size_t>(month - 1)];
      if (!folded_value.present) continue;
      ++count;
      const Period period{static_cast<int>(year), month};
      if (!key || index.Has(*key, period)) continue;
      const std::optional<double> value = folded_value.grade == Grade::kNone
                                              ? std::optional<double>(folded_value.value)
                                              : std::nullopt;
      const bool noted = !folded_value.note.empty();
      if (noted && !DecodeFoldedNote(folded_value.note, notes)) return DamagedFold(year, series_id);
      index.Apply(*key, period, value, folded_value.grade, noted ? notes : no_notes);
    }
  }
  if (!folded.status().ok()) return folded.status();
  return count;
}

Result<size_t> Store::Fold() {
  size_t folded = 0;
  Status status = InTransaction([&]() -> Status {
    auto unfolded = UnfoldedRows();
    if (!unfolded.ok()) return unfolded.status();
    folded = *unfolded;
    // The newest values the new batches give, by (year, series): in batch order (the key's),
    // so a later batch's value replaces an earlier one's. The write lock is held: every batch
    // committed so far is seen, and none commits before this does.
    struct NewValue {
      double value = 0;
      long long note_id = 0;  // 0: none
      Grade grade = Grade::kNone;
      bool present = false;
    };
    std::map<std::pair<long long, long long>, std::array<NewValue, 12>> changed;
    Statement rows(db_,
                   "SELECT series_id, period, value, grade, note_id FROM actual"
                   " WHERE batch_id > (SELECT folded_through FROM latest_fold) ORDER BY batch_id");
    while (rows.Step()) {
      const Period period = PeriodOfKey(rows.Int(1));
      changed[{period.year, rows.Int(0)}][static_cast<size_t>(period.month - 1)] = {
          rows.IsNull(2) ? 0 : rows.Double(2), rows.IsNull(4) ? 0 : rows.Int(4),
          GradeFromName(rows.TextView(3)), true};
    }
    if (!rows.status().ok()) return rows.status().WithContext("folding the newest values");
    // Over what was folded before, month by month; written in key order, appending to the
    // table's B-tree where the years and series are new. Notes are read only for the values
    // kept, and written into the fold.
    Statement before(db_, "SELECT months FROM folded_year WHERE year = ? AND series_id = ?");
    Statement write(db_,
                    "INSERT OR REPLACE INTO folded_year (year, series_id, months)"
                    " VALUES (?, ?, ?)");
    NoteReader note_reader(db_);
    ValueNotes notes;
    FoldedYear merged;
    std::array<std::string, 12> new_notes;  // what merged's new notes view
    for (const auto& [key, months] : changed) {
      // merged views the row read before (its notes) until that row is reset, once encoded.
      before.Bind(1, key.first).Bind(2, key.second);
      merged = {};
      if (before.Step() && !DecodeFoldedYear(before.BlobView(0), merged)) {
        return DamagedFold(key.first, key.second);
      }
      if (!before.status().ok()) return before.status().WithContext("folding the newest values");
      for (size_t month = 0; month < months.size(); ++month) {
        const NewValue& value = months[month];
        if (!value.present) continue;
        auto noted =
            value.note_id == 0 ? Result<bool>(false) : note_reader.Read(value.note_id, notes);
        if (!noted.ok()) return noted.status().WithContext("folding the newest values");
        new_notes[month] = *noted && !notes.empty() ? EncodeFoldedNote(notes) : std::string();
        merged[month] = {true, value.value, value.grade, new_notes[month]};
      }
      const std::string encoded = EncodeFoldedYear(merged);
      before.Reset();
      write.Reset();
      write.Bind(1, key.first).Bind(2, key.second).BindBlobView(3, encoded);
      if (Status run = write.Run(); !run.ok()) return run.WithContext("folding the newest values");
    }
    return Exec(db_,
                "UPDATE latest_fold SET folded_through ="
                " (SELECT coalesce(max(id), folded_through) FROM batch)");
  });
  if (!status.ok()) return status;
  return folded;
}

Result<size_t> Store::UnfoldedRows() {
  Statement statement(
      db_,
      "SELECT coalesce(sum(row_count), 0) FROM batch"
      " WHERE status = 'applied' AND id > (SELECT folded_through FROM latest_fold)");
  if (!statement.Step()) {
    return statement.status().ok() ? Status::Error("counting unfolded rows") : statement.status();
  }
  return static_cast<size_t>(statement.Int(0));
}

Result<std::vector<uint32_t>> Store::LoadBatchValues(long long batch_id, ActualsIndex& index) {
  Statement statement(db_, "SELECT " + std::string(kActualColumns) + " FROM actual a" +
                               std::string(kActualJoins) + " WHERE a.batch_id = ?");
  statement.Bind(1, batch_id);
  std::vector<uint32_t> projects;
  ValueNotes notes;
  while (statement.Step()) {
    if (auto key = ApplyRow(statement, index, notes)) projects.push_back(key->project);
  }
  if (!statement.status().ok()) return statement.status();
  std::sort(projects.begin(), projects.end());
  projects.erase(std::unique(projects.begin(), projects.end()), projects.end());
  return projects;
}

Result<std::vector<AlertRecord>> Store::LoadAlerts() {
  Statement statement(
      db_,
      "SELECT fingerprint, labels_json, annotations_json, state, active_since,"
      " coalesce(fired_at, ''), coalesce(resolved_at, ''), coalesce(last_sent_at, '')"
      " FROM alert_state ORDER BY fingerprint");
  std::vector<AlertRecord> alerts;
  while (statement.Step()) {
    alerts.push_back({statement.Text(0), statement.Text(1), statement.Text(2), statement.Text(3),
                      statement.Text(4), statement.Text(5), statement.Text(6), statement.Text(7)});
  }
  if (!statement.status().ok()) return statement.status();
  return alerts;
}

Status Store::SaveAlerts(const std::vector<AlertRecord>& changed,
                         const std::vector<std::string>& removed) {
  if (changed.empty() && removed.empty()) return Status::Ok();
  return InTransaction([&]() -> Status {
    Statement upsert(
        db_,
        "INSERT OR REPLACE INTO alert_state (fingerprint, labels_json, annotations_json,"
        " state, active_since, fired_at, resolved_at, last_sent_at)"
        " VALUES (?, ?, ?, ?, ?, nullif(?, ''), nullif(?, ''), nullif(?, ''))");
    for (const auto& alert : changed) {
      upsert.Reset();
      upsert.Bind(1, alert.fingerprint).Bind(2, alert.labels_json).Bind(3, alert.annotations_json);
      upsert.Bind(4, alert.state).Bind(5, alert.active_since).Bind(6, alert.fired_at);
      upsert.Bind(7, alert.resolved_at).Bind(8, alert.last_sent_at);
      if (Status run = upsert.Run(); !run.ok()) return run.WithContext("saving alert state");
    }
    Statement remove(db_, "DELETE FROM alert_state WHERE fingerprint = ?");
    for (const auto& fingerprint : removed) {
      remove.Reset();
      remove.Bind(1, fingerprint);
      if (Status run = remove.Run(); !run.ok()) return run.WithContext("removing alert state");
    }
    return Status::Ok();
  });
}

Result<std::optional<std::string>> Store::LastAppliedAt() {
  Statement statement(db_, "SELECT max(applied_at) FROM batch WHERE status = 'applied'");
  if (statement.Step() && !statement.IsNull(0))
    return std::optional<std::string>(statement.Text(0));
  if (!statement.status().ok()) return statement.status();
  return std::optional<std::string>();
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
