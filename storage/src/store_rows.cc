#include "store_rows.h"

#include <optional>

namespace ptmon::storage_internal {

namespace {

std::optional<BatchStatus> ParseBatchStatus(std::string_view text) {
  if (text == "applied") return BatchStatus::kApplied;
  if (text == "rejected") return BatchStatus::kRejected;
  if (text == "duplicate") return BatchStatus::kDuplicate;
  return std::nullopt;
}

}  // namespace

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

Result<long long> DataVersion(sqlite3* db) {
  Statement statement(db, "PRAGMA data_version");
  if (statement.Step()) return statement.Int(0);
  return statement.status().ok() ? Status::Error("PRAGMA data_version returned nothing")
                                 : statement.status();
}

}  // namespace ptmon::storage_internal
