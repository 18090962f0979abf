#include <algorithm>
#include <limits>
#include <utility>

#include <ptmon/storage/store.h>

#include "schema.h"
#include "statement.h"
#include "store_rows.h"

namespace ptmon {

using storage_internal::Exec;
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

// The rows `make_row(i)` builds for the series `series_ids[i]`, in key order (series, period,
// place in the file). Series ids are dense (one per indicator ever reported), so each row is
// built straight into its series' place, counted beforehand: a comparison sort of a province's
// 760,000 rows cost a tenth of writing them, and swapping them into place missed the cache at
// every row. A series' few rows are then put in order among themselves; a report lists its
// months ascending, so they seldom need it.
template <typename Row, typename MakeRow>
Result<std::vector<Row>> InKeyOrder(const std::vector<long long>& series_ids,
                                    const MakeRow& make_row) {
  const auto before = [](const Row& a, const Row& b) {
    return std::tuple(a.series_id, a.period, a.index) < std::tuple(b.series_id, b.period, b.index);
  };
  std::vector<Row> rows(series_ids.size());
  if (rows.empty()) return rows;
  const auto [low, high] = std::minmax_element(series_ids.begin(), series_ids.end());
  const auto span = static_cast<size_t>(*high - *low) + 1;
  if (span > 4 * rows.size()) {  // not dense after all: sorted the slow way
    for (size_t i = 0; i < rows.size(); ++i) {
      auto row = make_row(i);
      if (!row.ok()) return row.status();
      rows[i] = *row;
    }
    std::sort(rows.begin(), rows.end(), before);
    return rows;
  }
  std::vector<uint32_t> next(span + 1, 0);  // where each series' next row goes
  for (const long long id : series_ids) ++next[static_cast<size_t>(id - *low) + 1];
  for (size_t k = 1; k < next.size(); ++k) next[k] += next[k - 1];
  for (size_t i = 0; i < rows.size(); ++i) {
    auto row = make_row(i);
    if (!row.ok()) return row.status();
    rows[next[static_cast<size_t>(series_ids[i] - *low)]++] = *row;
  }
  for (auto from = rows.begin(); from != rows.end();) {
    const auto to = std::find_if(from + 1, rows.end(),
                                 [&](const Row& row) { return row.series_id != from->series_id; });
    if (!std::is_sorted(from, to, before)) std::sort(from, to, before);
    from = to;
  }
  return rows;
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

namespace storage_internal {

// What a row binds, gathered in file order: binding it from the row itself, in key order,
// spares reading the caller's values out of order (a cache miss or more per row of a large
// file). Rows with notes, a reporter or a grade spelled otherwise are bound from the caller's
// view (from_view).
struct PendingRow {
  static constexpr uint32_t kPeriodLimit = 1u << 24;
  long long series_id;
  double number;            // when has_number
  uint32_t index;           // into the caller's values
  uint32_t period : 24;     // year * 100 + month, below kPeriodLimit
  uint32_t grade : 2;       // a Grade, stored as its name
  uint32_t has_number : 1;  // else NULL
  uint32_t from_view : 1;   // bound from value_at(index): notes, a reporter, a grade misspelt
};

struct NewSeries {
  long long id;
  std::string_view project_id;  // the caller's views, valid while its values are
  std::string_view indicator_id;
};

}  // namespace storage_internal

using storage_internal::NewSeries;
using storage_internal::PendingRow;

struct PreparedValues::Rows {
  std::vector<PendingRow> rows;            // in key order
  std::vector<std::string_view> projects;  // distinct, sorted
  std::vector<NewSeries> created;          // numbered on from the dictionary's next id
  // The dictionary's size they were made with: series are only ever added, so a dictionary of the
  // same size is the same one (another process's commits of other tables leave it so).
  size_t dictionary_size = 0;
  std::optional<size_t> count;  // of the caller's values, once made
};

PreparedValues::PreparedValues() : rows_(std::make_unique<Rows>()) {}
PreparedValues::PreparedValues(PreparedValues&&) noexcept = default;
PreparedValues& PreparedValues::operator=(PreparedValues&&) noexcept = default;
PreparedValues::~PreparedValues() = default;

Result<long long> ValueStore::ApplyBatch(const Batch& batch, size_t count,
                                         const std::function<StoredValueView(size_t)>& value_at) {
  long long batch_id = 0;
  PreparedValues prepared;
  Status status = InTransaction([&]() -> Status {
    // Inside the write transaction: another process's series since the last read are visible.
    if (Status read = ReadSeries(); !read.ok()) return read;
    auto made = PrepareValues(count, value_at);
    if (!made.ok()) return made.status();
    prepared = std::move(made).value();
    auto written = WriteRows(batch, *prepared.rows_, value_at);
    if (!written.ok()) return written.status();
    batch_id = *written;
    return Status::Ok();
  });
  if (!status.ok()) return status.WithContext("applying " + batch.file_name);
  Remember(*prepared.rows_);
  return batch_id;
}

Result<UncommittedBatch> ValueStore::WriteBatch(
    const Batch& batch, PreparedValues prepared,
    const std::function<StoredValueView(size_t)>& value_at) {
  const std::string context = "applying " + batch.file_name;
  if (!prepared.rows_->count) return Status::Error(context + ": the values were never prepared");
  if (Status begun = Exec(db_, "BEGIN IMMEDIATE"); !begun.ok()) return begun.WithContext(context);
  auto written = [&]() -> Result<long long> {
    if (Status read = ReadSeries(); !read.ok()) return read;
    if (prepared.rows_->dictionary_size != series_ids_.size()) {
      auto again = PrepareValues(*prepared.rows_->count, value_at);
      if (!again.ok()) return again.status();
      prepared = std::move(again).value();
    }
    return WriteRows(batch, *prepared.rows_, value_at);
  }();
  if (!written.ok()) {
    Exec(db_, "ROLLBACK").ok();  // the original failure is what matters
    return written.status().WithContext(context);
  }
  return UncommittedBatch(*this, *written, batch.file_name, std::move(prepared));
}

UncommittedBatch::UncommittedBatch(ValueStore& values, long long id, std::string file_name,
                                   PreparedValues prepared)
    : values_(&values), id_(id), file_name_(std::move(file_name)), prepared_(std::move(prepared)) {}

UncommittedBatch::UncommittedBatch(UncommittedBatch&& other) noexcept
    : values_(std::exchange(other.values_, nullptr)),
      id_(other.id_),
      file_name_(std::move(other.file_name_)),
      prepared_(std::move(other.prepared_)) {}

UncommittedBatch::~UncommittedBatch() {
  if (values_ != nullptr) Exec(values_->db_, "ROLLBACK").ok();
}

Result<long long> UncommittedBatch::Commit() {
  ValueStore* values = std::exchange(values_, nullptr);
  if (values == nullptr) return Status::Error("applying " + file_name_ + ": already ended");
  if (Status committed = Exec(values->db_, "COMMIT"); !committed.ok()) {
    Exec(values->db_, "ROLLBACK").ok();
    return committed.WithContext("applying " + file_name_);
  }
  values->Remember(*prepared_.rows_);
  return id_;
}

Result<long long> ValueStore::WriteRows(const Batch& batch, const PreparedValues::Rows& prepared,
                                        const std::function<StoredValueView(size_t)>& value_at) {
  Batch applied = batch;
  applied.status = BatchStatus::kApplied;
  applied.row_count = static_cast<long long>(prepared.rows.size());
  if (Status inserted = InsertBatch(db_, applied); !inserted.ok()) return inserted;
  const long long batch_id = sqlite3_last_insert_rowid(db_);
  Status series_inserted = InsertRows(
      db_, "INSERT INTO series (id, project_id, indicator_id) VALUES ", 3, prepared.created.size(),
      [&](Statement& insert, int p, size_t i) {
        const NewSeries& series = prepared.created[i];
        insert.Bind(p, series.id).BindView(p + 1, series.project_id);
        insert.BindView(p + 2, series.indicator_id);
        return Status::Ok();
      },
      [&](size_t i) {
        return "series " + std::string(prepared.created[i].project_id) + "/" +
               std::string(prepared.created[i].indicator_id);
      });
  if (!series_inserted.ok()) return series_inserted;
  if (Status listed = InsertBatchProjects(batch_id, prepared.projects); !listed.ok()) return listed;
  if (Status values = InsertValues(batch_id, prepared, value_at); !values.ok()) return values;
  return batch_id;
}

// Our own commits leave data_version as it was, so the dictionary learns our new series here.
void ValueStore::Remember(const PreparedValues::Rows& prepared) {
  std::string key;
  for (const NewSeries& series : prepared.created) {
    key.assign(series.project_id).append(1, '\0').append(series.indicator_id);
    series_ids_.emplace(key, series.id);
    next_series_id_ = std::max(next_series_id_, series.id + 1);
  }
}

// In key order, so the batch's values append to the end of the table's B-tree; series seen for
// the first time are numbered on from the dictionary's next id, to be created with the batch.
Result<PreparedValues> ValueStore::PrepareValues(
    size_t count, const std::function<StoredValueView(size_t)>& value_at) const {
  if (count > std::numeric_limits<uint32_t>::max()) {
    return Status::Error("a batch holds at most " +
                         std::to_string(std::numeric_limits<uint32_t>::max()) + " values");
  }
  PreparedValues prepared;
  PreparedValues::Rows& out = *prepared.rows_;
  out.dictionary_size = series_ids_.size();
  out.count = count;
  std::vector<NewSeries>& created = out.created;
  std::unordered_map<std::string, long long> created_ids;  // "project\0indicator" -> id
  std::string key;
  auto series_id = [&](std::string_view project, std::string_view indicator) {
    key.assign(project).append(1, '\0').append(indicator);
    if (auto found = series_ids_.find(key); found != series_ids_.end()) return found->second;
    const long long next = next_series_id_ + static_cast<long long>(created.size());
    const auto [at, added] = created_ids.emplace(key, next);
    if (added) created.push_back({next, project, indicator});
    return at->second;
  };
  // A report cycles through a project's indicators month after month, so consecutive rows
  // seldom share a series. The caller's views stay valid (and unchanged) for the whole batch, so
  // a view's address and size name its text: the series of a pair of addresses is remembered
  // in a small table instead of hashing the texts for every row.
  struct Remembered {
    const char* project = nullptr;
    const char* indicator = nullptr;
    size_t project_size = 0;
    size_t indicator_size = 0;
    long long series_id = 0;
  };
  constexpr size_t kRemembered = 4096;
  std::vector<Remembered> remembered(kRemembered);
  auto series_of = [&](std::string_view project, std::string_view indicator) {
    const uint64_t bits = (reinterpret_cast<uintptr_t>(project.data()) * 0x9E3779B97F4A7C15u) ^
                          reinterpret_cast<uintptr_t>(indicator.data());
    Remembered& slot = remembered[(bits * 0x9E3779B97F4A7C15u) >> 52];  // the top 12 bits
    if (slot.series_id == 0 || slot.project != project.data() ||
        slot.indicator != indicator.data() || slot.project_size != project.size() ||
        slot.indicator_size != indicator.size()) {
      slot = {project.data(), indicator.data(), project.size(), indicator.size(),
              series_id(project, indicator)};
    }
    return slot.series_id;
  };
  std::vector<long long> series_ids(count);
  std::string_view last_project;
  for (size_t i = 0; i < count; ++i) {
    const StoredValueView value = value_at(i);
    if (i == 0 || value.project_id.data() != last_project.data() ||
        value.project_id.size() != last_project.size()) {
      out.projects.push_back(value.project_id);
      last_project = value.project_id;
    }
    series_ids[i] = series_of(value.project_id, value.indicator_id);
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
    }
    for (long long& id : series_ids) {
      if (id >= first) id = renumbered[static_cast<size_t>(id - first)];
    }
  }
  auto rows = InKeyOrder<PendingRow>(series_ids, [&](size_t i) -> Result<PendingRow> {
    const StoredValueView value = value_at(i);
    const long long period = PeriodKey(value.period);
    if (period < 0 || period >= PendingRow::kPeriodLimit) {
      return Status::Error("the period " + value.period.ToString() + " of " +
                           std::string(value.project_id) + "/" + std::string(value.indicator_id) +
                           " is out of range");
    }
    const Grade grade = GradeFromName(value.grade);
    PendingRow row{};
    row.series_id = series_ids[i];
    row.number = value.value.value_or(0);
    row.index = static_cast<uint32_t>(i);
    row.period = static_cast<uint32_t>(period);
    row.grade = static_cast<uint32_t>(grade);
    row.has_number = value.value.has_value();
    // A grade that is none of the three names is bound as given, for the table's check to name.
    row.from_view = !value.reporter.empty() || !value.reason_category.empty() ||
                    !value.reason.empty() || !value.action.empty() || !value.likelihood.empty() ||
                    (grade == Grade::kNone && !value.grade.empty());
    return row;
  });
  if (!rows.ok()) return rows.status();
  out.rows = std::move(rows).value();
  std::sort(out.projects.begin(), out.projects.end());
  out.projects.erase(std::unique(out.projects.begin(), out.projects.end()), out.projects.end());
  return prepared;
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

Status ValueStore::InsertValues(long long batch_id, const PreparedValues::Rows& prepared,
                                const std::function<StoredValueView(size_t)>& value_at) {
  const std::vector<PendingRow>& rows = prepared.rows;
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
    if (rows[i].from_view && has_notes(value_at(rows[i].index))) noted.push_back(i);
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
        insert.Bind(p, batch_id).Bind(p + 1, row.series_id);
        insert.Bind(p + 2, static_cast<long long>(row.period));
        if (!row.from_view) {
          if (row.has_number)
            insert.Bind(p + 3, row.number);
          else
            insert.BindNull(p + 3);
          if (const auto grade = static_cast<Grade>(row.grade); grade == Grade::kNone)
            insert.BindNull(p + 4);
          else
            insert.BindView(p + 4, GradeName(grade));
          insert.BindNull(p + 5).BindView(p + 6, "");
          return Status::Ok();
        }
        const StoredValueView value = value_at(row.index);
        insert.Bind(p + 3, value.value);
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

Status ValueStore::ReadSeries() {
  auto version = storage_internal::DataVersion(db_);
  if (!version.ok()) return version.status();
  if (*version != series_ids_version_) series_ids_.clear();
  series_ids_version_ = *version;
  if (!series_ids_.empty()) return Status::Ok();
  // One read of the whole dictionary beats a query per series on large catalogues.
  Statement all(db_, "SELECT id, project_id, indicator_id FROM series");
  next_series_id_ = 1;
  std::string key;
  while (all.Step()) {
    key.assign(all.TextView(1)).append(1, '\0').append(all.TextView(2));
    const long long id = all.Int(0);
    series_ids_.emplace(key, id);
    next_series_id_ = std::max(next_series_id_, id + 1);
  }
  if (!all.status().ok()) {  // half a dictionary would number known series again
    series_ids_.clear();
    series_ids_version_ = -1;
  }
  return all.status();
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
