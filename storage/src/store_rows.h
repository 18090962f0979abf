// Helpers the store's files share: how a batch and a value are read from a row, the period key,
// the multi-row INSERT and the data version. Internal to the storage library.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <ptmon/base/status.h>
#include <ptmon/storage/store.h>

#include "statement.h"

namespace ptmon::storage_internal {

// PRAGMA data_version: changes when another connection commits.
Result<long long> DataVersion(sqlite3* db);

// Appended to a damage report: what the operator does about it.
inline constexpr std::string_view kRecovery =
    "; stop ptmon, move the data directory's ptmon.db aside and restore the last copy made by "
    "'ptmon backup' (or remove it to start with an empty history)";

constexpr std::string_view kBatchColumns =
    "id, file_name, sha256, size_bytes, reporter, received_at, applied_at, status, row_count, "
    "error_text, submitted_by";
// A batch row selected with kBatchColumns.
Batch ReadBatch(const Statement& row);

inline long long PeriodKey(Period period) { return period.year * 100LL + period.month; }
inline Period PeriodOfKey(long long key) {
  return {static_cast<int>(key / 100), static_cast<int>(key % 100)};
}

constexpr std::string_view kActualColumns =
    "s.project_id, s.indicator_id, a.period, a.value, a.grade, coalesce(n.reason_category, ''), "
    "coalesce(n.reason, ''), coalesce(n.action, ''), coalesce(n.likelihood, ''), a.reporter";
constexpr std::string_view kActualJoins =
    " JOIN series s ON s.id = a.series_id LEFT JOIN note n ON n.id = a.note_id";
// A value selected with kActualColumns, from column `first` on.
ActualValue ReadActual(const Statement& row, int first);

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
                  const BindRow& bind, const std::function<std::string(size_t)>& describe);

}  // namespace ptmon::storage_internal
