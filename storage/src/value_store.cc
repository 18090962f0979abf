#include <algorithm>
#include <array>
#include <map>

#include <ptmon/storage/store.h>

#include "folded_year.h"
#include "schema.h"
#include "statement.h"
#include "store_rows.h"

namespace ptmon {

using storage_internal::DecodeFoldedNote;
using storage_internal::DecodeFoldedYear;
using storage_internal::EncodeFoldedNote;
using storage_internal::EncodeFoldedYear;
using storage_internal::Exec;
using storage_internal::FoldedValue;
using storage_internal::FoldedYear;
using storage_internal::kActualColumns;
using storage_internal::kActualJoins;
using storage_internal::kRecovery;
using storage_internal::PeriodOfKey;
using storage_internal::Statement;

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
Result<std::vector<ValueStore::MonthlyNumbers>> ValueStore::NumbersOfYear(
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
    // Runs of consecutive ids: an unwanted series in a run costs each of its months' rows in
    // every batch read (a province's revision checks a third of its series, spread over every
    // project, and read all of them), more than the statement a gap starts.
    constexpr long long kGap = 1;
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

Result<size_t> ValueStore::LoadLatestValues(ActualsIndex& index) {
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

Result<size_t> ValueStore::Fold() {
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

Result<size_t> ValueStore::UnfoldedRows() {
  Statement statement(
      db_,
      "SELECT coalesce(sum(row_count), 0) FROM batch"
      " WHERE status = 'applied' AND id > (SELECT folded_through FROM latest_fold)");
  if (!statement.Step()) {
    return statement.status().ok() ? Status::Error("counting unfolded rows") : statement.status();
  }
  return static_cast<size_t>(statement.Int(0));
}

Result<std::vector<uint32_t>> ValueStore::LoadBatchValues(long long batch_id, ActualsIndex& index) {
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

}  // namespace ptmon
