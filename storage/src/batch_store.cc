#include <algorithm>
#include <limits>

#include <ptmon/storage/store.h>

#include "schema.h"
#include "statement.h"
#include "store_rows.h"

namespace ptmon {

using storage_internal::InsertRows;
using storage_internal::kActualColumns;
using storage_internal::kBatchColumns;
using storage_internal::PeriodKey;
using storage_internal::ReadActual;
using storage_internal::ReadBatch;
using storage_internal::Statement;

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

Result<std::optional<Batch>> ValueStore::FindAppliedBatch(const std::string& sha256) {
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

Result<long long> ValueStore::ApplyBatch(const Batch& batch,
                                         const std::vector<ActualValue>& values) {
  return ApplyBatch(batch, values.size(), [&](size_t i) { return ViewOf(values[i]); });
}

struct ValueStore::PendingRow {
  long long series_id;
  uint32_t period;  // year * 100 + month
  uint32_t index;   // into the caller's values
  auto operator<=>(const PendingRow&) const = default;
};

struct ValueStore::NewSeries {
  long long id;
  std::string_view project_id;
  std::string_view indicator_id;
  long long* cached_id;  // in series_ids_, whose nodes stay where they are
};

Result<long long> ValueStore::ApplyBatch(const Batch& batch, size_t count,
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
Result<std::vector<ValueStore::PendingRow>> ValueStore::PendingRows(
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

Status ValueStore::InsertBatchProjects(long long batch_id,
                                       const std::vector<std::string_view>& projects) {
  return InsertRows(
      db_, "INSERT INTO batch_project (project_id, batch_id) VALUES ", 2, projects.size(),
      [&](Statement& insert, int p, size_t i) {
        insert.BindView(p, projects[i]).Bind(p + 1, batch_id);
        return Status::Ok();
      },
      [&](size_t i) { return "the batch's project " + std::string(projects[i]); });
}

Status ValueStore::InsertValues(long long batch_id, const std::vector<PendingRow>& rows,
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

Status ValueStore::LoadSeriesIds() {
  // Inside the write transaction: another process's series since the last read are visible.
  auto version = storage_internal::DataVersion(db_);
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

long long ValueStore::SeriesId(std::string_view project_id, std::string_view indicator_id,
                               std::vector<NewSeries>& created) {
  // Called per row of a large file: the key is built in a buffer kept between calls, and a
  // node is made only for a series not seen before.
  series_key_.assign(project_id).append(1, '\0').append(indicator_id);
  if (auto found = series_ids_.find(series_key_); found != series_ids_.end()) return found->second;
  const auto added = series_ids_.emplace(series_key_, next_series_id_).first;
  created.push_back({next_series_id_, project_id, indicator_id, &added->second});
  return next_series_id_++;
}

Result<long long> ValueStore::RevertToBatch(long long batch_id, const Batch& audit) {
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

Result<long long> ValueStore::RecordBatch(const Batch& batch) {
  long long batch_id = 0;
  Status status = InTransaction([&]() -> Status {
    if (Status inserted = InsertBatch(db_, batch); !inserted.ok()) return inserted;
    batch_id = sqlite3_last_insert_rowid(db_);
    return Status::Ok();
  });
  if (!status.ok()) return status.WithContext("recording " + batch.file_name);
  return batch_id;
}

Result<std::vector<Batch>> ValueStore::Batches() {
  Statement statement(db_, "SELECT " + std::string(kBatchColumns) + " FROM batch ORDER BY id");
  std::vector<Batch> batches;
  while (statement.Step()) batches.push_back(ReadBatch(statement));
  if (!statement.status().ok()) return statement.status();
  return batches;
}

Result<std::vector<ActualRevision>> ValueStore::History(const std::string& project_id,
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

Result<std::optional<std::string>> ValueStore::LastAppliedAt() {
  Statement statement(db_, "SELECT max(applied_at) FROM batch WHERE status = 'applied'");
  if (statement.Step() && !statement.IsNull(0))
    return std::optional<std::string>(statement.Text(0));
  if (!statement.status().ok()) return statement.status();
  return std::optional<std::string>();
}

}  // namespace ptmon
