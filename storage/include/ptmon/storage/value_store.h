// The store's reports: every submission batch (applied, rejected or duplicate), the append-only
// history of the values they carried, the fold of the newest values per series and year, and
// reverts to an earlier batch. The series dictionary ((project, indicator) -> id) is kept here.
//
// Contract: as Store's (store.h): each write is one transaction, so a crash leaves all of a
// batch or none of it; failures come back as a Status naming what failed; one thread at a time.
// Reached as store.values().
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <ptmon/base/status.h>
#include <ptmon/indicators/actuals.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/storage/store_part.h>

namespace ptmon {

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

// A batch's values put in the order they are written, with the series first seen among them:
// what ValueStore::PrepareValues made, for WriteBatch to write.
class PreparedValues {
 public:
  PreparedValues();
  PreparedValues(PreparedValues&&) noexcept;
  PreparedValues& operator=(PreparedValues&&) noexcept;
  ~PreparedValues();

 private:
  friend class ValueStore;
  friend class UncommittedBatch;
  struct Rows;
  std::unique_ptr<Rows> rows_;
};

class ValueStore;

// A batch written inside a write transaction still open: ApplyBatch in two steps, for a caller
// that decides only once it is written whether it stands (an ingest whose last checks of the
// file run meanwhile). Commit() makes it the store's; destroyed uncommitted, it is rolled back.
// While it is open nothing else may use its store; both may pass to another thread together.
class UncommittedBatch {
 public:
  UncommittedBatch(UncommittedBatch&& other) noexcept;
  UncommittedBatch& operator=(UncommittedBatch&&) = delete;
  ~UncommittedBatch();
  // The batch's id; a failed commit has rolled everything back.
  Result<long long> Commit();

 private:
  friend class ValueStore;
  UncommittedBatch(ValueStore& values, long long id, std::string file_name,
                   PreparedValues prepared);
  ValueStore* values_;  // null once committed, rolled back or moved from
  long long id_;
  std::string file_name_;
  PreparedValues prepared_;  // its new series join the dictionary once committed
};

class ValueStore : public storage_internal::StorePart {
 public:
  explicit ValueStore(Store& store) : StorePart(store) {}

  // The applied batch with this content hash, if any: the same file twice is a duplicate.
  Result<std::optional<Batch>> FindAppliedBatch(const std::string& sha256);
  // Records an applied batch and all its values in one transaction; returns the batch id.
  // Fails, writing nothing, when a batch with the same sha256 was already applied.
  // `value_at(i)` yields value i of `count`; streaming keeps million-row files compact.
  Result<long long> ApplyBatch(const Batch& batch, size_t count,
                               const std::function<StoredValueView(size_t)>& value_at);
  Result<long long> ApplyBatch(const Batch& batch, const std::vector<ActualValue>& values);
  // ApplyBatch in two steps, for a caller that decides only once the batch is written whether
  // it stands (an ingest writing beside the last checks of its file, which read the store
  // through another connection meanwhile). ReadSeries reads the dictionary of series (project,
  // indicator) -> id, unless it is read already and no other connection has written since.
  Status ReadSeries();
  // The first step, which writes nothing, reads no table and leaves the dictionary as it is:
  // the values in the order they are written and the series first seen among them, numbered
  // on from the dictionary. Fails on a period out of range.
  Result<PreparedValues> PrepareValues(
      size_t count, const std::function<StoredValueView(size_t)>& value_at) const;
  // Writes what PrepareValues made of the same `value_at` as the ApplyBatch above does, but
  // leaves the transaction open; should another process have added series since ReadSeries(),
  // the values are prepared again first. The views must outlive the UncommittedBatch.
  Result<UncommittedBatch> WriteBatch(const Batch& batch, PreparedValues prepared,
                                      const std::function<StoredValueView(size_t)>& value_at);
  // Records a rejected or duplicate submission (no values); returns the batch id.
  Result<long long> RecordBatch(const Batch& batch);
  // Makes an applied batch's values current again, superseding whatever came after: a new batch
  // (`audit` gives who, when and why; its file_name names the batch reverted to) with a copy of
  // the earlier batch's values, in one transaction. Returns the new batch's id.
  Result<long long> RevertToBatch(long long batch_id, const Batch& audit);
  Result<std::vector<Batch>> Batches();
  // When a file was last applied (RFC 3339), if ever.
  Result<std::optional<std::string>> LastAppliedAt();

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

 private:
  friend class UncommittedBatch;
  // Inside the write transaction: the batch's row, its new series, projects and values; the
  // new series join the dictionary once the transaction commits (Remember).
  Result<long long> WriteRows(const Batch& batch, const PreparedValues::Rows& prepared,
                              const std::function<StoredValueView(size_t)>& value_at);
  void Remember(const PreparedValues::Rows& prepared);
  // Records which projects a batch reports for (the history's way to its batches).
  Status InsertBatchProjects(long long batch_id, const std::vector<std::string_view>& projects);
  Status InsertValues(long long batch_id, const PreparedValues::Rows& prepared,
                      const std::function<StoredValueView(size_t)>& value_at);

  std::unordered_map<std::string, long long> series_ids_;  // "project\0indicator" -> id
  long long next_series_id_ = 1;
  long long series_ids_version_ = -1;  // data_version when series_ids_ was read
};

}  // namespace ptmon
