#include "statement.h"

namespace ptmon::storage_internal {

Status SqliteStatus(int code, std::string message) {
  switch (code & 0xff) {  // the primary code of an extended one
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return Status::IoError(std::move(message));
    default:
      return Status::Error(std::move(message));
  }
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (const int code =
          sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement_, nullptr);
      code != SQLITE_OK) {
    prepared_ = SqliteStatus(code, "SQLite cannot prepare '" + std::string(sql.substr(0, 60)) +
                                       "': " + sqlite3_errmsg(db));
    status_ = prepared_;
  }
}

Statement& Statement::Bind(int index, long long value) {
  if (statement_) sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  if (statement_) sqlite3_bind_double(statement_, index, value);
  return *this;
}

namespace {

void BindText(sqlite3_stmt* statement, int index, std::string_view value,
              sqlite3_destructor_type lifetime) {
  // A null pointer would bind SQL NULL; an empty view is the empty string.
  if (statement) {
    sqlite3_bind_text(statement, index, value.data() ? value.data() : "",
                      static_cast<int>(value.size()), lifetime);
  }
}

}  // namespace

Statement& Statement::Bind(int index, std::string_view value) {
  BindText(statement_, index, value, SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindView(int index, std::string_view value) {
  BindText(statement_, index, value, SQLITE_STATIC);
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<double>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Statement& Statement::BindBlobView(int index, std::string_view value) {
  // A null pointer would bind SQL NULL; an empty view is the empty blob.
  if (statement_) {
    sqlite3_bind_blob(statement_, index, value.data() ? value.data() : "",
                      static_cast<int>(value.size()), SQLITE_STATIC);
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (statement_) sqlite3_bind_null(statement_, index);
  return *this;
}

bool Statement::Step() {
  if (!statement_ || !status_.ok()) return false;
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code != SQLITE_DONE) {
    status_ = SqliteStatus(code, std::string("SQLite: ") + sqlite3_errmsg(db_));
  }
  return false;
}

Status Statement::Run() {
  while (Step()) {
  }
  return status_;
}

void Statement::Reset() {
  if (!statement_) return;
  sqlite3_reset(statement_);  // bindings stay; every caller binds every parameter again
  status_ = prepared_;
}

std::string Statement::Text(int column) const { return std::string(TextView(column)); }

std::string_view Statement::TextView(int column) const {
  const auto* text = sqlite3_column_text(statement_, column);
  if (text == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(text),
                          static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

std::string_view Statement::BlobView(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  if (bytes == nullptr) return {};
  return std::string_view(bytes, static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

Status Exec(sqlite3* db, std::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  if (const int code = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &error);
      code != SQLITE_OK) {
    Status status = SqliteStatus(code, "SQLite: " + std::string(error ? error : "unknown error") +
                                           " (in '" + text.substr(0, 60) + "')");
    sqlite3_free(error);
    return status;
  }
  return Status::Ok();
}

}  // namespace ptmon::storage_internal
