// A prepared SQLite statement with typed binding and reading; internal to the storage library.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include <ptmon/base/status.h>

namespace ptmon::storage_internal {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  const Status& prepared() const { return prepared_; }

  Statement& Bind(int index, long long value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);
  // Binds text without copying it: `value` must stay valid until the statement is stepped.
  Statement& BindView(int index, std::string_view value);
  Statement& Bind(int index, const std::optional<double>& value);
  // Binds bytes without copying them: `value` must stay valid until the statement is stepped.
  Statement& BindBlobView(int index, std::string_view value);
  Statement& BindNull(int index);

  // Steps once: true when a row is ready, false when done; errors land in status().
  bool Step();
  // Steps to completion, for writes.
  Status Run();
  void Reset();
  const Status& status() const { return status_; }

  long long Int(int column) const { return sqlite3_column_int64(statement_, column); }
  double Double(int column) const { return sqlite3_column_double(statement_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::string Text(int column) const;
  // The column's text without a copy: valid until the next Step() or Reset().
  std::string_view TextView(int column) const;
  std::string_view BlobView(int column) const;  // as TextView, for a BLOB
  sqlite3_stmt* raw() const { return statement_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
  Status prepared_;
  Status status_;
};

// A failed SQLite call as a Status: an I/O error (retry later) for a full or failing disk, a
// busy or read-only database; invalid otherwise.
Status SqliteStatus(int code, std::string message);

// Runs SQL without results (pragmas, DDL); the error names the statement.
Status Exec(sqlite3* db, std::string_view sql);

}  // namespace ptmon::storage_internal
