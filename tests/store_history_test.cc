// What the store keeps of values over time: revisions, series, notes, folds and transactions.
#include <gtest/gtest.h>

#include <ptmon/storage/store.h>

#include "store_fixture.h"
#include "store_values.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using store_values::NewBatch;
using store_values::StoreTest;
using store_values::Value;

TEST_F(StoreTest, ValuesBelongToTheirCatalogueYear) {
  auto store = OpenOrDie();
  ASSERT_TRUE(
      store->values().ApplyBatch(NewBatch("1"), {Value("devices-maintained", 12, 30)}).ok());
  ActualValue january = Value("devices-maintained", 1, 4);
  january.period = {2027, 1};
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("2"), {january}).ok());
  Catalog next_year = EmbeddedCatalog();
  next_year.year = 2027;
  ActualsIndex index(next_year);
  ASSERT_EQ(store->values().LoadLatestValues(index).value(), 1u);  // only its year's rows are read
  ASSERT_EQ(index.size(), 1u);
  const ReportedValue* latest = index.LatestAtOrBefore({0, 0}, {2027, 12});
  ASSERT_NE(latest, nullptr);
  EXPECT_EQ(latest->period, (Period{2027, 1}));
  EXPECT_EQ(latest->value, 4);
  const Catalog catalog = EmbeddedCatalog();  // the index views its strings
  ActualsIndex this_year(catalog);
  ASSERT_EQ(store->values().LoadLatestValues(this_year).value(), 1u);
  EXPECT_EQ(this_year.LatestAtOrBefore({0, 0}, {2026, 12})->value, 30);
  EXPECT_EQ(this_year.size(), 1u);
}

TEST_F(StoreTest, LaterRevisionsSupersedeAndHistoryStays) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->values()
                  .ApplyBatch(NewBatch("1"), {Value("devices-maintained", 6, 5),
                                              Value("devices-maintained", 7, 10)})
                  .ok());
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("2"), {Value("devices-maintained", 7, 11)}).ok());
  const Catalog catalog = EmbeddedCatalog();
  ActualsIndex latest(catalog);
  ASSERT_EQ(store->values().LoadLatestValues(latest).value(), 3u);
  EXPECT_EQ(latest.size(), 2u);
  const SeriesKey devices{0, 0};  // building-maintenance / devices-maintained
  ASSERT_EQ(latest.Values(devices).size(), 2u);
  EXPECT_EQ(latest.Values(devices)[0].period, (Period{2026, 6}));
  EXPECT_EQ(latest.Values(devices)[0].value, 5);
  EXPECT_EQ(latest.Values(devices)[1].period, (Period{2026, 7}));
  EXPECT_EQ(latest.Values(devices)[1].value, 11);
  EXPECT_EQ(store->values().History("building-maintenance", "devices-maintained")->size(), 3u);
}

// New series are numbered in key order, not as the file lists them (so that they append to the
// series table and its index); every value still lands on its own series, in this batch and the
// next, which finds the renumbered ones in the store's cache.
TEST_F(StoreTest, NewSeriesAreNumberedInKeyOrderAndKeepTheirValues) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->values()
                  .ApplyBatch(NewBatch("1"),
                              {Value("repair-time", 6, 3), Value("maintenance-cost", 6, 40),
                               Value("devices-maintained", 6, 7), Value("repair-time", 7, 4)})
                  .ok());
  ASSERT_TRUE(
      store->values()
          .ApplyBatch(NewBatch("2"), {Value("repair-response", 7, 2), Value("repair-time", 8, 5),
                                      Value("devices-maintained", 7, 9)})
          .ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* series = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT indicator_id FROM series ORDER BY id", -1, &series, nullptr),
      SQLITE_OK);
  std::vector<std::string> by_id;
  while (sqlite3_step(series) == SQLITE_ROW)
    by_id.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(series, 0)));
  sqlite3_finalize(series);
  sqlite3_close(db);
  EXPECT_EQ(by_id, (std::vector<std::string>{"devices-maintained", "maintenance-cost",
                                             "repair-time", "repair-response"}));

  const auto months = [&](const std::string& indicator) {
    std::vector<std::pair<int, double>> values;
    for (const auto& row : store->values().History("building-maintenance", indicator).value())
      values.emplace_back(row.actual.period.month, *row.actual.value);
    std::sort(values.begin(), values.end());
    return values;
  };
  using Months = std::vector<std::pair<int, double>>;
  EXPECT_EQ(months("repair-time"), (Months{{6, 3}, {7, 4}, {8, 5}}));
  EXPECT_EQ(months("devices-maintained"), (Months{{6, 7}, {7, 9}}));
  EXPECT_EQ(months("maintenance-cost"), (Months{{6, 40}}));
  EXPECT_EQ(months("repair-response"), (Months{{7, 2}}));
}

// A report as the checker hands it over: views of the catalogue's own strings, a month's
// indicators before the next month's, so every series recurs after the others and the rows
// are sorted before they are written. The same text at two addresses is one series, one
// indicator id under two projects is two; months listed out of order land on their own.
TEST_F(StoreTest, ViewsOfSharedTextFindTheirSeriesInAnyOrder) {
  auto store = OpenOrDie();
  const std::string building = "building-maintenance", pension = "pension-payment";
  const std::string repair = "repair-time", devices = "devices-maintained";
  const std::string repair_again = repair;  // the same text at another address
  const std::string_view spent = "spent";   // one id shared by two projects
  struct Row {
    std::string_view project, indicator;
    int month;
    double value;
  };
  const std::vector<Row> rows = {
      {building, repair, 1, 3},       {building, devices, 1, 7}, {pension, spent, 1, 100},
      {building, spent, 1, 10},       {building, repair, 2, 4},  {building, devices, 2, 8},
      {pension, spent, 3, 300},       {pension, spent, 2, 200},  {building, spent, 2, 20},
      {building, repair_again, 3, 5}, {building, devices, 3, 9}, {building, spent, 3, 30}};
  ASSERT_TRUE(store->values()
                  .ApplyBatch(NewBatch("1"), rows.size(),
                              [&](size_t i) {
                                StoredValueView view;
                                view.project_id = rows[i].project;
                                view.indicator_id = rows[i].indicator;
                                view.period = {2026, rows[i].month};
                                view.value = rows[i].value;
                                return view;
                              })
                  .ok());
  const auto months = [&](const std::string& project, const std::string& indicator) {
    std::vector<std::pair<int, double>> values;
    for (const auto& row : store->values().History(project, indicator).value())
      values.emplace_back(row.actual.period.month, *row.actual.value);
    std::sort(values.begin(), values.end());
    return values;
  };
  using Months = std::vector<std::pair<int, double>>;
  EXPECT_EQ(months(building, repair), (Months{{1, 3}, {2, 4}, {3, 5}}));
  EXPECT_EQ(months(building, devices), (Months{{1, 7}, {2, 8}, {3, 9}}));
  EXPECT_EQ(months(building, "spent"), (Months{{1, 10}, {2, 20}, {3, 30}}));
  EXPECT_EQ(months(pension, "spent"), (Months{{1, 100}, {2, 200}, {3, 300}}));
}

// A large file's rows are read from the caller in file order, in two passes (their series, then
// the rows put in key order): a row with nothing but its number or grade is never read out of
// order, as writing them in key order did (a cache miss or more per row of a large file). Rows
// with notes or a reporter are; every row lands on its series and month whichever way it was
// bound, and a grade the table does not know is still refused naming its row.
TEST_F(StoreTest, PlainValuesAreReadInFileOrder) {
  auto store = OpenOrDie();
  const std::vector<std::string> indicators = {"repair-time", "devices-maintained",
                                               "repair-response", "maintenance-cost"};
  std::vector<ActualValue> values;
  for (int month = 12; month >= 1; --month) {  // months listed newest first
    for (const std::string& indicator : indicators) {
      ActualValue value = Value(indicator, month, month * 10);
      if (indicator == "repair-response") {
        value.value.reset();
        value.grade = month % 2 == 0 ? "达成" : "部分达成";
      }
      values.push_back(value);
    }
  }
  values[5].reason = "人手不足";
  values[9].reporter = "张三";
  std::vector<size_t> plain_reads;  // in the order they came
  const auto read = [&](size_t i) {
    if (i != 5 && i != 9) plain_reads.push_back(i);
    return ViewOf(values[i]);
  };
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("1"), values.size(), read).ok());
  EXPECT_EQ(plain_reads.size(), 2 * (values.size() - 2));
  size_t passes = 1;
  for (size_t k = 1; k < plain_reads.size(); ++k) {
    if (plain_reads[k] <= plain_reads[k - 1]) ++passes;
  }
  EXPECT_EQ(passes, 2u);
  for (const std::string& indicator : indicators) {
    const auto history = store->values().History("building-maintenance", indicator).value();
    ASSERT_EQ(history.size(), 12u) << indicator;
    for (int month = 1; month <= 12; ++month) {
      const ActualValue& stored = history[static_cast<size_t>(month - 1)].actual;
      EXPECT_EQ(stored.period, (Period{2026, month}));
      if (indicator == "repair-response") {
        EXPECT_FALSE(stored.value.has_value());
        EXPECT_EQ(stored.grade, month % 2 == 0 ? "达成" : "部分达成");
      } else {
        EXPECT_EQ(stored.value, month * 10) << indicator << " " << month;
        EXPECT_EQ(stored.grade, "");
      }
    }
  }
  const auto history =
      store->values().History("building-maintenance", values[5].indicator_id).value();
  EXPECT_EQ(history[static_cast<size_t>(values[5].period.month - 1)].actual.reason, "人手不足");
  const auto reported =
      store->values().History("building-maintenance", values[9].indicator_id).value();
  EXPECT_EQ(reported[static_cast<size_t>(values[9].period.month - 1)].actual.reporter, "张三");

  ActualValue misspelt = Value("repair-response", 1, 0);
  misspelt.value.reset();
  misspelt.grade = "达到";
  const auto refused =
      store->values().ApplyBatch(NewBatch("2"), {Value("repair-time", 1, 1), misspelt});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("building-maintenance/repair-response 2026-01"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(store->values().Batches()->size(), 1u);
}

// Notes are written apart from the values they explain, numbered in the order the values are
// written (by series and month, not as the file lists them): each value keeps its own, in a
// store that already holds notes, before and after the fold.
TEST_F(StoreTest, EachValueKeepsItsOwnNotes) {
  auto store = OpenOrDie();
  auto noted = [](ActualValue value, const std::string& reason, const std::string& action) {
    value.reason_category = "人员保障";
    value.reason = reason;
    value.action = action;
    return value;
  };
  ASSERT_TRUE(store->values()
                  .ApplyBatch(NewBatch("1"), {noted(Value("repair-time", 1, 3), "一月", "甲")})
                  .ok());
  // Listed against the order they are written in, with a value without notes between.
  ASSERT_TRUE(
      store->values()
          .ApplyBatch(NewBatch("2"),
                      {noted(Value("repair-time", 5, 9), "五月", "乙"), Value("repair-time", 4, 8),
                       noted(Value("repair-time", 3, 7), "三月", "丙"),
                       noted(Value("devices-maintained", 5, 2), "设备", "丁")})
          .ok());
  const Catalog catalog = EmbeddedCatalog();
  const SeriesKey devices{0, 0}, repair{0, 1};
  auto check = [&] {
    ActualsIndex index(catalog);
    ASSERT_TRUE(store->values().LoadLatestValues(index).ok());
    const auto notes_of = [&](SeriesKey key, int month) -> std::string {
      const ReportedValue* value = index.LatestAtOrBefore(key, {2026, month});
      if (value == nullptr || value->period.month != month) return "no value";
      const auto notes = index.Notes(*value);
      return notes ? notes->reason + "/" + notes->action : "none";
    };
    EXPECT_EQ(notes_of(repair, 1), "一月/甲");
    EXPECT_EQ(notes_of(repair, 3), "三月/丙");
    EXPECT_EQ(notes_of(repair, 4), "none");
    EXPECT_EQ(notes_of(repair, 5), "五月/乙");
    EXPECT_EQ(notes_of(devices, 5), "设备/丁");
  };
  check();
  ASSERT_TRUE(store->values().Fold().ok());
  check();
}

// What a start reads after a fold — the folded newest values, then the batches after it — is
// what it read from every revision before: later batches win over the fold, notes and grades
// come through, and folding again folds only what is new.
TEST_F(StoreTest, FoldedValuesReadTheSameAsEveryRevision) {
  auto store = OpenOrDie();
  auto with_reason = [](ActualValue value, const std::string& reason) {
    value.reason_category = "人员保障";
    value.reason = reason;
    return value;
  };
  ActualValue graded = Value("repair-response", 6, 0);
  graded.value.reset();
  graded.grade = "部分达成";
  ActualValue last_year = Value("devices-maintained", 12, 40);
  last_year.period.year = 2025;
  ASSERT_TRUE(
      store->values()
          .ApplyBatch(NewBatch("1"),
                      {Value("devices-maintained", 6, 5), Value("devices-maintained", 7, 9),
                       with_reason(Value("repair-time", 6, 30), "六月人手不足"), graded, last_year})
          .ok());
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("2"), {Value("devices-maintained", 7, 10)}).ok());
  EXPECT_EQ(store->values().UnfoldedRows().value(), 6u);
  EXPECT_EQ(store->values().Fold().value(), 6u);
  EXPECT_EQ(store->values().UnfoldedRows().value(), 0u);
  EXPECT_EQ(store->values().Fold().value(), 0u);
  // After the fold: a revision of July and a new value for June with another reason.
  ASSERT_TRUE(store->values()
                  .ApplyBatch(NewBatch("3"), {Value("devices-maintained", 7, 11),
                                              with_reason(Value("repair-time", 6, 20), "已增派")})
                  .ok());
  const Catalog catalog = EmbeddedCatalog();
  auto read = [&](size_t expected_rows) {
    auto index = std::make_unique<ActualsIndex>(catalog);
    EXPECT_EQ(store->values().LoadLatestValues(*index).value(), expected_rows);
    return index;
  };
  auto check = [&](const ActualsIndex& index) {
    // building-maintenance's first three indicators
    const SeriesKey devices{0, 0}, repair{0, 1}, response{0, 2};
    ASSERT_EQ(catalog.projects[0].indicators[1].id, "repair-time");
    ASSERT_EQ(catalog.projects[0].indicators[2].id, "repair-response");
    EXPECT_EQ(index.size(), 4u);  // not 2025's December
    ASSERT_EQ(index.Values(response).size(), 1u);
    EXPECT_EQ(index.Values(response)[0].grade, Grade::kPartlyAchieved);
    ASSERT_EQ(index.Values(devices).size(), 2u);
    EXPECT_EQ(index.Values(devices)[0].value, 5);
    EXPECT_EQ(index.Values(devices)[1].value, 11);
    const ReportedValue* june = index.LatestAtOrBefore(repair, {2026, 6});
    ASSERT_NE(june, nullptr);
    EXPECT_EQ(june->value, 20);
    EXPECT_EQ(index.Notes(*june)->reason, "已增派");
  };
  check(*read(4 + 2));  // 2026's four folded values and batch 3's two rows
  EXPECT_EQ(store->values().Fold().value(), 2u);
  check(*read(4));
  EXPECT_EQ(store->values().History("building-maintenance", "devices-maintained")->size(),
            5u);  // 2025-12 too
}

TEST_F(StoreTest, ATransactionThatFailsLeavesNothing) {
  auto store = OpenOrDie();
  Status status = store->InTransaction([&] {
    EXPECT_TRUE(store->handle() != nullptr);
    sqlite3_exec(store->handle(),
                 "INSERT INTO batch (file_name, sha256, size_bytes, received_at, status) "
                 "VALUES ('x', 'y', 1, 'now', 'rejected')",
                 nullptr, nullptr, nullptr);
    return Status::Error("injected failure");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(store->values().Batches()->empty());
}

// ApplyBatch in two steps, as an ingest writes beside its last checks: the values prepared, then
// written with the transaction left open, then committed or dropped (rolled back) whole. Series
// another connection added between preparing and writing are numbered around, never over.
TEST_F(StoreTest, ABatchWrittenUncommittedIsCommittedOrRolledBackWhole) {
  auto store = OpenOrDie();
  const std::vector<ActualValue> values = {Value("repair-time", 1, 10),
                                           Value("devices-maintained", 1, 20)};
  const auto view = [&](size_t i) { return ViewOf(values[i]); };
  auto value_of = [&](Store& in, const std::string& indicator) {
    const auto history = in.values().History("building-maintenance", indicator).value();
    return history.empty() ? std::optional<double>() : history.back().actual.value;
  };
  ASSERT_TRUE(store->values().ReadSeries().ok());
  {
    auto written = store->values().WriteBatch(
        NewBatch("1"), store->values().PrepareValues(values.size(), view).value(), view);
    ASSERT_TRUE(written.ok()) << written.status().message();
  }
  EXPECT_TRUE(store->values().Batches().value().empty());
  EXPECT_EQ(value_of(*store, "repair-time"), std::nullopt);

  ASSERT_TRUE(store->values().ReadSeries().ok());
  auto prepared = store->values().PrepareValues(values.size(), view).value();
  {
    auto other = OpenOrDie();
    ASSERT_TRUE(other->values().ApplyBatch(NewBatch("2"), {Value("maintenance-cost", 1, 5)}).ok());
  }
  auto written = store->values().WriteBatch(NewBatch("3"), std::move(prepared), view);
  ASSERT_TRUE(written.ok()) << written.status().message();
  ASSERT_TRUE(written->Commit().ok());
  EXPECT_FALSE(written->Commit().ok());
  EXPECT_EQ(value_of(*store, "repair-time"), 10);
  EXPECT_EQ(value_of(*store, "devices-maintained"), 20);
  EXPECT_EQ(value_of(*store, "maintenance-cost"), 5);
  // The committed batch's series are known: the next batch reuses them.
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("4"), {Value("repair-time", 2, 11)}).ok());
  EXPECT_EQ(value_of(*store, "repair-time"), 11);
  sqlite3_stmt* count = nullptr;
  sqlite3_prepare_v2(store->handle(), "SELECT count(*) FROM series", -1, &count, nullptr);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(count, 0), 3);
  sqlite3_finalize(count);
}

}  // namespace
}  // namespace ptmon
