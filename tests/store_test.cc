#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/storage/accounts.h>
#include <ptmon/storage/data_dir_lock.h>
#include <ptmon/storage/store.h>

#include "../storage/src/folded_year.h"
#include "../storage/src/schema.h"
#include "query_plans.h"
#include "store_fixture.h"
#include "store_values.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using store_values::NewBatch;
using store_values::StoreTest;
using store_values::Value;

TEST_F(StoreTest, FreshOpenMigratesFromVersionZero) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), kSchemaVersion);
  auto hash = store->catalogs().CatalogHash();
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(hash->has_value());
}

TEST_F(StoreTest, ReopenKeepsDataAndSchema) {
  {
    auto store = OpenOrDie();
    ASSERT_TRUE(
        store->values().ApplyBatch(NewBatch("a"), {Value("devices-maintained", 7, 12)}).ok());
  }
  auto store = OpenOrDie();
  EXPECT_EQ(store->SchemaVersion(), kSchemaVersion);
  auto history = store->values().History("building-maintenance", "devices-maintained");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->at(0).actual.value, 12);
  EXPECT_EQ(history->at(0).file_name, "report-a.csv");
}

// A store written by schema version 1 (values in a rowid table with an index by series) keeps
// every revision, note and batch through the migration, and takes new batches after it.
TEST_F(StoreTest, MigratesAVersionOneStoreKeepingEveryRevision) {
  ExecOnFile(testing_support::ReadFile(std::string(PTMON_TEST_DATA) + "/store/v1.sql"));
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), kSchemaVersion);
  const auto history = store->values().History("devices", "devices-maintained");
  ASSERT_TRUE(history.ok()) << history.status().message();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ(history->at(0).actual.period, (Period{2026, 6}));
  EXPECT_EQ(history->at(0).actual.value, 10);
  EXPECT_EQ(history->at(0).actual.reason, "技术人员不足, 已增派\"两人\"");
  EXPECT_EQ(history->at(0).actual.reporter, "张三");
  EXPECT_EQ(history->at(1).file_name, "/tmp/v1/july-utf8-bom.csv");
  EXPECT_EQ(history->at(1).actual.value, 12);
  EXPECT_EQ(history->at(2).file_name, "/tmp/v1/july.yaml");
  EXPECT_EQ(history->at(2).actual.value, 14);
  EXPECT_EQ(store->values().History("devices", "response")->at(0).actual.grade, "部分达成");

  Batch august = NewBatch("august");
  ActualValue value;
  value.project_id = "devices";
  value.indicator_id = "devices-maintained";
  value.period = {2026, 8};
  value.value = 20;
  ASSERT_TRUE(store->values().ApplyBatch(august, {value}).ok());
  EXPECT_EQ(store->values().History("devices", "devices-maintained")->size(), 4u);
  char* check = nullptr;
  sqlite3_exec(
      store->handle(), "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        *static_cast<char**>(out) = sqlite3_mprintf("%s", values[0]);
        return 0;
      },
      &check, nullptr);
  EXPECT_STREQ(check, "ok");
  sqlite3_free(check);
}

// A store of schema version 4 kept its folded values one row per series and month. The
// migration drops them and refolds from every revision: what a start reads is the same before
// and after the daemon folds again.
TEST_F(StoreTest, MigratesAFoldedVersionFourStoreAndFoldsItAgain) {
  std::string sql = testing_support::ReadFile(std::string(PTMON_TEST_DATA) + "/store/v1.sql");
  for (int version = 1; version < 4; ++version) {
    sql += std::string(storage_internal::kMigrations[static_cast<size_t>(version)]);
  }
  // Version 4's fold, as Store::Fold wrote it.
  sql +=
      "INSERT INTO latest_value SELECT series_id, period, batch_id, value, grade, note_id"
      " FROM actual ORDER BY batch_id, series_id, period"
      " ON CONFLICT (series_id, period) DO UPDATE SET batch_id = excluded.batch_id,"
      " value = excluded.value, grade = excluded.grade, note_id = excluded.note_id;"
      "UPDATE latest_fold SET folded_through = (SELECT max(id) FROM batch);"
      "PRAGMA user_version = 4;";
  ExecOnFile(sql);
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), kSchemaVersion);
  Diagnostics diagnostics;
  const Catalog catalog =
      LoadCatalog({ReadCatalogFile(std::string(PTMON_TEST_DATA) + "/reports/catalog.yaml").value()},
                  diagnostics)
          .value();
  auto read = [&] {
    auto index = std::make_unique<ActualsIndex>(catalog);
    EXPECT_TRUE(store->values().LoadLatestValues(*index).ok());
    return index;
  };
  auto newest = [&](const ActualsIndex& index) {
    const SeriesKey devices = index.Find("devices", "devices-maintained").value();
    const SeriesKey response = index.Find("devices", "response").value();
    const ReportedValue* july = index.LatestAtOrBefore(devices, {2026, 7});
    const ReportedValue* graded = index.LatestAtOrBefore(response, {2026, 12});
    if (july == nullptr || graded == nullptr) return std::string("missing");
    const auto notes = index.Notes(*index.LatestAtOrBefore(devices, {2026, 6}));
    return std::to_string(index.size()) + " " + std::to_string(july->value) + " " +
           std::string(GradeName(graded->grade)) + " " + (notes ? notes->reason : "no reason");
  };
  const std::string before_fold = newest(*read());  // from every revision
  const size_t unfolded = store->values().UnfoldedRows().value();
  EXPECT_GT(unfolded, 0u);
  EXPECT_EQ(store->values().Fold().value(), unfolded);  // everything folds again
  EXPECT_EQ(store->values().UnfoldedRows().value(), 0u);
  EXPECT_EQ(newest(*read()), before_fold);
  EXPECT_EQ(before_fold.substr(before_fold.find(' ') + 1),
            "14.000000 达成 技术人员不足, 已增派\"两人\"");
}

// Schema 6 records who sent each batch beside the 填报人 the file names. A version-5 store's
// batches keep everything, with no submitter known (''); new ones record theirs.
TEST_F(StoreTest, MigratesAVersionFiveStoreToRecordSubmitters) {
  std::string sql = testing_support::ReadFile(std::string(PTMON_TEST_DATA) + "/store/v1.sql");
  for (int version = 1; version < 5; ++version) {
    sql += std::string(storage_internal::kMigrations[static_cast<size_t>(version)]);
  }
  ExecOnFile(sql + "PRAGMA user_version = 5;");
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), kSchemaVersion);
  const auto old = store->values().History("devices", "devices-maintained").value();
  ASSERT_EQ(old.size(), 3u);
  EXPECT_EQ(old[0].actual.reporter, "张三");
  EXPECT_EQ(old[0].submitted_by, "");
  Batch batch = NewBatch("new");
  batch.reporter = "财务处处长";
  batch.submitted_by = "mgr";
  ActualValue value = Value("devices-maintained", 8, 20);
  value.project_id = "devices";
  value.reporter = "财务处处长";
  ASSERT_TRUE(store->values().ApplyBatch(batch, {value}).ok());
  const auto history = store->values().History("devices", "devices-maintained").value();
  EXPECT_EQ(history.back().submitted_by, "mgr");
  EXPECT_EQ(history.back().actual.reporter, "财务处处长");
  const Batch stored = store->values().Batches().value().back();
  EXPECT_EQ(stored.submitted_by, "mgr");
  EXPECT_EQ(stored.reporter, "财务处处长");
}

// Version 7 lists the batches of each project, so an indicator's history seeks its project's
// batches; a store from before finds every revision it held, and the ones applied after.
TEST_F(StoreTest, MigratesAVersionSixStoreToFindHistoriesByProject) {
  std::string sql = testing_support::ReadFile(std::string(PTMON_TEST_DATA) + "/store/v1.sql");
  for (int version = 1; version < 6; ++version) {
    sql += std::string(storage_internal::kMigrations[static_cast<size_t>(version)]);
  }
  ExecOnFile(sql + "PRAGMA user_version = 6;");
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), kSchemaVersion);
  sqlite3_stmt* listed = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(store->handle(),
                               "SELECT group_concat(project_id || ':' || batch_id, ' ')"
                               " FROM batch_project WHERE project_id = 'devices'",
                               -1, &listed, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(listed), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(listed, 0)),
               "devices:1 devices:2 devices:3");
  sqlite3_finalize(listed);
  ASSERT_EQ(store->values().History("devices", "devices-maintained").value().size(), 3u);
  ActualValue value = Value("devices-maintained", 8, 20);
  value.project_id = "devices";
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("new"), {value}).ok());
  const auto history = store->values().History("devices", "devices-maintained").value();
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history.back().actual.value, 20);
  EXPECT_EQ(store->values().LastAppliedAt().value(), "2026-08-20T12:00:00Z");
}

// Version 8 keeps how each account's person is reached and seeks a project's managers; the
// accounts of a store from before keep their passwords and projects, with no contacts yet.
TEST_F(StoreTest, MigratesAVersionSevenStoreKeepingItsAccounts) {
  std::string sql = testing_support::ReadFile(std::string(PTMON_TEST_DATA) + "/store/v1.sql");
  for (int version = 1; version < 7; ++version) {
    sql += std::string(storage_internal::kMigrations[static_cast<size_t>(version)]);
  }
  ExecOnFile(sql +
             "INSERT INTO console_user VALUES ('lijun', 'manager', 'hash', 0, 't', 't');"
             "INSERT INTO console_user VALUES ('gone', 'manager', 'hash', 1, 't', 't');"
             "INSERT INTO console_user_project VALUES ('lijun', 'devices');"
             "INSERT INTO console_user_project VALUES ('gone', 'devices');"
             "PRAGMA user_version = 7;");
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), kSchemaVersion);
  const auto lijun = store->accounts().FindUser("lijun").value();
  ASSERT_TRUE(lijun.has_value());
  EXPECT_EQ(lijun->password_hash, "hash");
  EXPECT_EQ(lijun->contacts, Contacts{});
  EXPECT_EQ(store->accounts().ManagersOfProject("devices").value(),
            std::vector<std::string>{"lijun"});
  const Contacts contacts{"lijun@example.gov.cn", "+86-138-0000-0000", "LiJun"};
  ASSERT_TRUE(store->accounts()
                  .SetUserContacts("lijun", contacts, {"t", "admin", "cli", "user_edit", ""})
                  .ok());
  EXPECT_EQ(store->accounts().FindUser("lijun").value()->contacts, contacts);
}

// Version 10 checks a value's grade by comparing it with each name: SQLite checked `IN (names)`
// by filling a temporary table of the names for every graded row written. A store from before
// keeps every revision, and a grade spelled otherwise is still refused.
TEST_F(StoreTest, MigratesAVersionEightStoreToCheckGradesWithoutATableOfNames) {
  std::string sql = testing_support::ReadFile(std::string(PTMON_TEST_DATA) + "/store/v1.sql");
  for (int version = 1; version < 8; ++version) {
    sql += std::string(storage_internal::kMigrations[static_cast<size_t>(version)]);
  }
  ExecOnFile(sql + "PRAGMA user_version = 8;");
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), kSchemaVersion);
  EXPECT_EQ(store->values().History("devices", "devices-maintained").value().size(), 3u);
  sqlite3_stmt* insert = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(store->handle(),
                               "EXPLAIN INSERT INTO actual (batch_id, series_id, period, value, "
                               "grade, note_id, reporter) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               -1, &insert, nullptr),
            SQLITE_OK);
  std::vector<std::string> opcodes;
  while (sqlite3_step(insert) == SQLITE_ROW)
    opcodes.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(insert, 1)));
  sqlite3_finalize(insert);
  EXPECT_EQ(std::count(opcodes.begin(), opcodes.end(), "OpenEphemeral"), 0);
  ActualValue graded = Value("repair-response", 7, 0);
  graded.value.reset();
  graded.grade = "部分达成";
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("graded"), {graded}).ok());
  EXPECT_EQ(
      store->values().History("building-maintenance", "repair-response").value()[0].actual.grade,
      "部分达成");
  graded.grade = "部分完成";
  EXPECT_FALSE(store->values().ApplyBatch(NewBatch("misspelt"), {graded}).ok());
}

// A folded row only ptmon writes; one it cannot read is damage, named with what to do.
TEST_F(StoreTest, ADamagedFoldIsReportedNotMisread) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("1"), {Value("devices-maintained", 6, 5)}).ok());
  ASSERT_EQ(store->values().Fold().value(), 1u);
  ASSERT_EQ(sqlite3_exec(store->handle(), "UPDATE folded_year SET months = x'0d'", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  const Catalog catalog = EmbeddedCatalog();
  ActualsIndex index(catalog);
  const auto loaded = store->values().LoadLatestValues(index);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("folded values of series 1 of 2026 are damaged"),
            std::string::npos)
      << loaded.status().message();
  EXPECT_NE(loaded.status().message().find("ptmon backup"), std::string::npos);
}

TEST(FoldedYearTest, EveryMonthComesBackAndBytesItCannotHaveWrittenAreRefused) {
  using namespace storage_internal;
  ValueNotes staff{"人员保障", "技术人员不足, 已增派\"两人\"", "", "有可能"};
  ValueNotes long_reason{"其他", std::string(300, 'x') + "\n第二行", "已整改", "确定能"};
  const std::string staff_note = EncodeFoldedNote(staff);
  const std::string long_note = EncodeFoldedNote(long_reason);
  EXPECT_EQ(staff_note.size(),
            4 + staff.reason_category.size() + staff.reason.size() + staff.likelihood.size());
  EXPECT_EQ(long_note.size(), 5 + 6 + 310 + 9 + 9);  // a 310-byte reason takes a 2-byte length
  FoldedYear year;
  year[0] = {true, 60000, Grade::kNone, {}};
  year[1] = {true, -0.25, Grade::kNone, staff_note};
  year[4] = {true, 0, Grade::kAchieved, {}};
  year[5] = {true, 0, Grade::kPartlyAchieved, long_note};
  year[6] = {true, 0, Grade::kNotAchieved, {}};
  year[11] = {true, 1e300, Grade::kNone, {}};
  const std::string bytes = EncodeFoldedYear(year);
  EXPECT_EQ(bytes.size(), 9 + 9 + staff_note.size() + 2 + 2 + long_note.size() + 2 + 9);
  FoldedYear decoded;
  ASSERT_TRUE(DecodeFoldedYear(bytes, decoded));
  for (size_t month = 0; month < 12; ++month) {
    EXPECT_EQ(decoded[month].present, year[month].present) << month;
    EXPECT_EQ(decoded[month].value, year[month].value) << month;
    EXPECT_EQ(decoded[month].grade, year[month].grade) << month;
    EXPECT_EQ(decoded[month].note, year[month].note) << month;
  }
  ValueNotes notes{"stale", "stale", "stale", "stale"};
  ASSERT_TRUE(DecodeFoldedNote(decoded[5].note, notes));
  EXPECT_EQ(notes.reason, long_reason.reason);
  EXPECT_EQ(notes.likelihood, "确定能");
  ASSERT_TRUE(DecodeFoldedNote(decoded[1].note, notes));
  EXPECT_EQ(notes.action, "");
  EXPECT_EQ(notes.reason, staff.reason);
  ASSERT_TRUE(DecodeFoldedYear("", decoded));
  EXPECT_FALSE(decoded[0].present);

  // Every cut short of the end (entries cut, and cuts between entries that leave a note's
  // texts incomplete), and entries no encoder writes.
  const size_t february = 9, may = february + 9 + staff_note.size();
  for (size_t size : {size_t{1}, size_t{8}, february + 1, february + 12, may - 1, may + 1, may + 3,
                      bytes.size() - 1}) {
    EXPECT_FALSE(DecodeFoldedYear(bytes.substr(0, size), decoded)) << size;
  }
  EXPECT_FALSE(DecodeFoldedNote(staff_note.substr(0, staff_note.size() - 1), notes));
  EXPECT_FALSE(DecodeFoldedNote(staff_note + "x", notes));
  const std::string one = EncodeFoldedYear(FoldedYear{{{true, 5, Grade::kNone, {}}}});
  for (const std::string& damaged :
       {std::string("\x00", 1) + one.substr(1),              // month 0
        "\x0d" + one.substr(1),                              // month 13
        "\x41" + one.substr(1),                              // a flag no encoder sets
        one + one,                                           // January twice
        std::string("\x13\x00", 2),                          // grade 0
        std::string("\x13\x04", 2),                          // grade 4
        std::string("\x31\x01\xff\xff\xff\xff\xff\x01")}) {  // a note's text longer than 4 GiB
    EXPECT_FALSE(DecodeFoldedYear(damaged, decoded)) << testing::PrintToString(damaged);
  }
}

TEST_F(StoreTest, RefusesASchemaNewerThanItKnows) {
  {
    auto store = OpenOrDie();
    sqlite3_exec(store->handle(), "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  }
  auto store = Store::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("schema version 99 but this ptmon knows only up to " +
                                          std::to_string(kSchemaVersion)),
            std::string::npos)
      << store.status().message();
}

TEST_F(StoreTest, RefusesAnUnopenablePath) {
  auto store = Store::Open((dir_ / "missing" / "dir" / "ptmon.db").string());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("cannot open database"), std::string::npos);
}

TEST_F(StoreTest, SavesTheCatalogueOnlyWhenItChanges) {
  auto store = OpenOrDie();
  Catalog catalog = EmbeddedCatalog();
  auto first = store->catalogs().SaveCatalog(catalog, "2026-07-01T00:00:00Z");
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first.value());
  auto again = store->catalogs().SaveCatalog(catalog, "2026-07-02T00:00:00Z");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again.value());
  EXPECT_EQ(store->catalogs().CatalogHash()->value(), catalog.sha256);
  // The same catalogue with a newer encoding replaces only the encoded form.
  EXPECT_FALSE(
      store->catalogs().SaveCatalog(catalog, "2026-07-02T00:00:00Z", "encoded-v9").value());
  EXPECT_EQ(store->catalogs().EncodedCatalog(catalog.sha256)->value(), "encoded-v9");
  catalog.sha256 = "changed";
  catalog.projects.pop_back();
  EXPECT_TRUE(store->catalogs().SaveCatalog(catalog, "2026-07-03T00:00:00Z").value());
  sqlite3_stmt* count = nullptr;
  sqlite3_prepare_v2(store->handle(), "SELECT COUNT(*) FROM project", -1, &count, nullptr);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(count, 0), 9);
  sqlite3_finalize(count);
}

// 21 台 stored, then the catalogue says %: the value would read as 2100 %. Refused, naming the
// indicator; an indicator nobody reported on may change freely.
TEST_F(StoreTest, ACatalogueThatChangesAReportedUnitIsRefused) {
  auto store = OpenOrDie();
  Catalog catalog = EmbeddedCatalog();
  ASSERT_TRUE(store->catalogs().SaveCatalog(catalog, "2026-07-01T00:00:00Z").ok());
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("a"), {Value("devices-maintained", 7, 21)}).ok());
  auto& indicators = catalog.projects[0].indicators;
  ASSERT_EQ(indicators[0].id, "devices-maintained");
  indicators[0].annual_target.unit = "%";
  catalog.sha256 = "changed";
  auto refused = store->catalogs().SaveCatalog(catalog, "2026-07-02T00:00:00Z");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("building-maintenance/devices-maintained from 台 to %"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(store->catalogs().CatalogHash()->value(), EmbeddedCatalog().sha256);  // nothing changed
  indicators[0].annual_target.unit = "台";
  indicators[1].annual_target.unit = "%";  // repair-time: never reported
  EXPECT_TRUE(store->catalogs().SaveCatalog(catalog, "2026-07-03T00:00:00Z").ok());
}

// Wherever the values lie — folded, in a batch after the fold — an indicator whose unit or kind
// changes is refused; one whose values are of another year, or that has none, may change.
TEST_F(StoreTest, AUnitChangeIsRefusedWhereverItsValuesLie) {
  auto store = OpenOrDie();
  Catalog catalog = EmbeddedCatalog();
  ASSERT_TRUE(store->catalogs().SaveCatalog(catalog, "2026-07-01T00:00:00Z").ok());
  ActualValue last_year = Value("maintenance-cost", 12, 18);
  last_year.period.year = 2025;
  ASSERT_TRUE(store->values()
                  .ApplyBatch(NewBatch("a"), {Value("devices-maintained", 6, 21), last_year})
                  .ok());
  ASSERT_TRUE(store->values().Fold().ok());
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("b"), {Value("repair-time", 7, 20)}).ok());
  auto& indicators = catalog.projects[0].indicators;
  ASSERT_EQ(indicators[3].id, "maintenance-cost");
  indicators[0].annual_target.unit = "%";                       // folded values
  indicators[1].annual_target.kind = TargetKind::kQualitative;  // unfolded values
  indicators[3].annual_target.unit = "个";                      // only last year's values
  indicators[5].annual_target.unit = "分";                      // no values
  catalog.sha256 = "changed";
  auto refused = store->catalogs().SaveCatalog(catalog, "2026-07-02T00:00:00Z");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(
      refused.status().message().find("building-maintenance/devices-maintained from 台 to %; "
                                      "building-maintenance/repair-time from 小时 to a grade."),
      std::string::npos)
      << refused.status().message();
  EXPECT_EQ(store->catalogs().CatalogHash()->value(), EmbeddedCatalog().sha256);  // nothing changed
  indicators[0].annual_target.unit = "台";
  indicators[1].annual_target.kind = EmbeddedCatalog().projects[0].indicators[1].annual_target.kind;
  auto saved = store->catalogs().SaveCatalog(catalog, "2026-07-03T00:00:00Z");
  EXPECT_TRUE(saved.ok()) << saved.status().message();
}

// Runs `work`, then checks the plan of every statement it ran: tables other than `whole` are
// only sought through their keys, and values (table actual) were sought at least once.
void ExpectSeeksOnly(Store& store, const std::set<std::string>& whole,
                     const std::function<void()>& work) {
  bool sought_values = false;
  for (const std::string& sql : query_plans::StatementsRun(store, work)) {
    for (const std::string& detail : query_plans::PlanOf(store, sql)) {
      if (detail.starts_with("SEARCH a ") || detail.starts_with("SEARCH actual "))
        sought_values = true;
      if (!detail.starts_with("SCAN ") || detail.find("CONSTANT ROW") != std::string::npos)
        continue;  // an INSERT's VALUES
      std::string table = detail.substr(5, detail.find(' ', 5) - 5);
      if (table.starts_with("temp.")) table = table.substr(5);
      EXPECT_TRUE(whole.contains(table)) << detail << " in " << sql;
    }
  }
  EXPECT_TRUE(sought_values) << "values were looked up by their key";
}

// The check of a new catalogue against the stored values runs while logins, account changes and
// reports wait for the write lock: it may read the catalogue's own tables whole, but values,
// batches and series only through their keys (a scan of every value per indicator once held the
// lock for minutes at a province's 66,000 indicators).
TEST_F(StoreTest, TheCatalogueCheckSeeksStoredValuesAndScansNoGrowingTable) {
  auto store = OpenOrDie();
  Catalog catalog = EmbeddedCatalog();
  ASSERT_TRUE(store->catalogs().SaveCatalog(catalog, "2026-07-01T00:00:00Z").ok());
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("a"), {Value("devices-maintained", 6, 21)}).ok());
  ASSERT_TRUE(store->values().Fold().ok());
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("b"), {Value("repair-time", 7, 20)}).ok());
  const std::set<std::string> whole = {"indicator",   "project",      "new_indicator",
                                       "new_project", "catalog_load", "latest_fold"};
  ExpectSeeksOnly(*store, whole, [&] {
    catalog.projects[0].indicators[0].annual_target.unit = "%";
    catalog.sha256 = "changed";
    ASSERT_FALSE(store->catalogs().SaveCatalog(catalog, "2026-07-02T00:00:00Z").ok());
    catalog.projects[0].indicators[0].annual_target.unit = "台";
    catalog.projects[0].indicators[0].name = "维修设备台数";
    ASSERT_TRUE(store->catalogs().SaveCatalog(catalog, "2026-07-03T00:00:00Z").ok());
  });
}

// A report's bare numbers are compared with last month's: the numbers of exactly the file's
// series come from their folded year and the batches since the fold, each by its key (History
// per series sought every batch ever applied: series × batches on a province's store).
TEST_F(StoreTest, TheNumbersOfAYearAreSoughtByKeyFromTheFoldAndTheBatchesAfterIt) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->catalogs().SaveCatalog(EmbeddedCatalog(), "2026-07-01T00:00:00Z").ok());
  ASSERT_TRUE(store->values()
                  .ApplyBatch(NewBatch("a"),
                              {Value("devices-maintained", 5, 10),
                               Value("devices-maintained", 6, 12), Value("repair-time", 6, 20)})
                  .ok());
  ASSERT_TRUE(store->values().Fold().ok());
  ActualValue graded = Value("response", 6, 0);
  graded.value.reset();
  graded.grade = "达成";
  ASSERT_TRUE(
      store->values().ApplyBatch(NewBatch("b"), {Value("devices-maintained", 6, 14), graded}).ok());
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("c"), {Value("devices-maintained", 7, 15)}).ok());
  Result<std::vector<ValueStore::MonthlyNumbers>> numbers = Status::Error("not read");
  ExpectSeeksOnly(*store, {"latest_fold"}, [&] {
    numbers = store->values().NumbersOfYear(2026, {{"building-maintenance", "devices-maintained"},
                                                   {"building-maintenance", "repair-time"},
                                                   {"building-maintenance", "response"},
                                                   {"building-maintenance", "never-reported"}});
  });
  ASSERT_TRUE(numbers.ok()) << numbers.status().message();
  ASSERT_EQ(numbers->size(), 4u);
  const auto& devices = (*numbers)[0];
  EXPECT_EQ(devices[4].value_or(-1), 10);  // folded
  EXPECT_EQ(devices[5].value_or(-1), 14);  // folded 12, superseded by batch b
  EXPECT_EQ(devices[6].value_or(-1), 15);
  EXPECT_FALSE(devices[7]);
  EXPECT_EQ((*numbers)[1][5].value_or(-1), 20);
  EXPECT_FALSE((*numbers)[2][5]);  // a grade is no number
  for (const auto& month : (*numbers)[3]) EXPECT_FALSE(month);
  EXPECT_FALSE(store->values()
                   .NumbersOfYear(2025, {{"building-maintenance", "devices-maintained"}})
                   ->at(0)[5]);
}

// A new catalogue changes only the rows that differ (a province's 66,000 indicators rewritten
// held the write lock for a second), and leaves the tables as saving it afresh would.
TEST_F(StoreTest, ANewCatalogueRewritesOnlyTheRowsItChanges) {
  auto store = OpenOrDie();
  Catalog catalog = EmbeddedCatalog();
  ASSERT_TRUE(store->catalogs().SaveCatalog(catalog, "2026-07-01T00:00:00Z").ok());
  catalog.projects[0].indicators[0].name = "维修设备台数";
  catalog.projects[1].annual_funds.total_fen += 100;
  catalog.projects[2].indicators.pop_back();
  catalog.projects.pop_back();
  catalog.sha256 = "changed";
  ASSERT_TRUE(store->catalogs().SaveCatalog(catalog, "2026-07-02T00:00:00Z").value());
  auto dump = [](Store& on, const std::string& sql) {
    std::string rows;
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(on.handle(), sql.c_str(), -1, &statement, nullptr), SQLITE_OK);
    while (sqlite3_step(statement) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(statement); ++c) {
        const unsigned char* text = sqlite3_column_text(statement, c);
        rows += (text ? reinterpret_cast<const char*>(text) : "NULL") + std::string("|");
      }
      rows += "\n";
    }
    sqlite3_finalize(statement);
    return rows;
  };
  EXPECT_EQ(dump(*store, "SELECT id, catalog_load_id FROM project ORDER BY id"),
            "agency-subsidy|1|\narchive-rent|1|\nbuilding-maintenance|1|\ndata-governance|1|\n"
            "insurance-operations|1|\nmeetings-training|1|\nretiree-heating|2|\n"
            "teachers-subsidy-central|1|\nteachers-subsidy-provincial|1|\n")
      << "the changed projects carry the new load";
  const std::string projects =
      "SELECT id, unit_id, name, department, annual_funds_fen, period_funds_fen FROM project"
      " ORDER BY id";
  const std::string indicators = "SELECT * FROM indicator ORDER BY project_id, id";
  const fs::path fresh_dir = dir_ / "fresh";
  fs::create_directories(fresh_dir);
  auto fresh = Store::Open((fresh_dir / "ptmon.db").string());
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->catalogs().SaveCatalog(catalog, "2026-07-02T00:00:00Z").ok());
  EXPECT_EQ(dump(*store, projects), dump(**fresh, projects));
  EXPECT_EQ(dump(*store, indicators), dump(**fresh, indicators));
}

// The database holds the console's password hashes: it, its -wal and -shm, and its backups are
// the owner's alone whatever the umask; one opened wider is named with the chmod that fixes it.
TEST_F(StoreTest, TheDatabaseItsJournalsAndBackupsArePrivate) {
  const mode_t umask_before = ::umask(022);  // a manual `ptmon serve` from a login shell
  auto store = OpenOrDie();
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("a"), {Value("devices-maintained", 6, 21)}).ok());
  const std::string backup = (dir_ / "copy.db").string();
  ASSERT_TRUE(store->Backup(backup).ok());
  ::umask(umask_before);
  auto mode = [](const std::string& file) {
    struct stat info {};
    EXPECT_EQ(::stat(file.c_str(), &info), 0) << file;
    return info.st_mode & 07777;
  };
  for (const std::string& file : {path_, path_ + "-wal", path_ + "-shm", backup})
    EXPECT_EQ(mode(file), 0600u) << file;
  EXPECT_TRUE(Store::ExposedFiles(path_).empty());
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  const auto warnings = Store::ExposedFiles(path_);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("'" + path_ + "' (mode 0644)"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("chmod 600 '" + path_ + "'"), std::string::npos) << warnings[0];
}

TEST_F(StoreTest, RevertingCopiesAnEarlierBatchAsTheLatest) {
  auto store = OpenOrDie();
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("a"), {Value("devices-maintained", 7, 12)}).ok());
  ASSERT_TRUE(store->values().ApplyBatch(NewBatch("b"), {Value("devices-maintained", 7, 99)}).ok());
  Batch audit = NewBatch("revert");
  audit.file_name = "revert to batch 1";
  auto reverted = store->values().RevertToBatch(1, audit);
  ASSERT_TRUE(reverted.ok()) << reverted.status().message();
  EXPECT_EQ(*reverted, 3);
  const auto history =
      store->values().History("building-maintenance", "devices-maintained").value();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history.back().batch_id, 3);
  EXPECT_EQ(*history.back().actual.value, 12);
  // A revert to something that is not an applied batch changes nothing.
  EXPECT_FALSE(store->values().RevertToBatch(42, NewBatch("x")).ok());
  EXPECT_EQ(store->values().Batches()->size(), 3u);
}

TEST_F(StoreTest, ABatchIsAppliedWhollyOrNotAtAll) {
  // Small batches are written a row at a time, large ones many rows per statement; either way
  // the failing row is named and nothing stays.
  for (const int size : {2, 200}) {
    SCOPED_TRACE(size);
    fs::remove(path_);
    auto store = OpenOrDie();
    std::vector<ActualValue> values;
    for (int i = 0; i < size; ++i) values.push_back(Value("x" + std::to_string(i), 7, i));
    values[size - 1 - size / 4].grade = "达成";  // both value and grade: violates a CHECK
    auto result = store->values().ApplyBatch(NewBatch("b"), values);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.status().message().find("building-maintenance/x" +
                                             std::to_string(size - 1 - size / 4) + " 2026-07"),
              std::string::npos)
        << result.status().message();
    EXPECT_TRUE(store->values().History("building-maintenance", "x0")->empty());
    EXPECT_TRUE(store->values().Batches()->empty());
    // The series the failed batch created are gone with it; the corrected batch creates them.
    values[size - 1 - size / 4].grade.clear();
    ASSERT_TRUE(store->values().ApplyBatch(NewBatch("b"), values).ok());
    sqlite3_stmt* series = nullptr;
    sqlite3_prepare_v2(store->handle(), "SELECT COUNT(*), MAX(id) FROM series", -1, &series,
                       nullptr);
    ASSERT_EQ(sqlite3_step(series), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(series, 0), size);
    EXPECT_EQ(sqlite3_column_int(series, 1), size);
    sqlite3_finalize(series);
    EXPECT_EQ(
        store->values().History("building-maintenance", "x" + std::to_string(size - 1))->size(),
        1u);
  }
}

TEST_F(StoreTest, TheSameContentIsAppliedOnce) {
  auto store = OpenOrDie();
  ASSERT_TRUE(
      store->values().ApplyBatch(NewBatch("same"), {Value("devices-maintained", 7, 1)}).ok());
  EXPECT_TRUE(store->values().FindAppliedBatch("same")->has_value());
  auto twice = store->values().ApplyBatch(NewBatch("same"), {Value("devices-maintained", 7, 2)});
  EXPECT_FALSE(twice.ok());
  EXPECT_EQ(store->values().History("building-maintenance", "devices-maintained")->size(), 1u);
  Batch duplicate = NewBatch("same");
  duplicate.status = BatchStatus::kDuplicate;
  duplicate.applied_at.clear();
  EXPECT_TRUE(store->values().RecordBatch(duplicate).ok());
  EXPECT_EQ(store->values().Batches()->size(), 2u);
}

// `ptmon ingest` beside the daemon: two connections, each with its cache of series ids. A
// series the other created is seen, not inserted twice, and the daemon learns of the change.
TEST_F(StoreTest, AnotherConnectionsWritesAreSeenNotCollidedWith) {
  auto daemon = OpenOrDie();
  auto command = OpenOrDie();
  ASSERT_TRUE(daemon->values().ApplyBatch(NewBatch("a"), {Value("devices-maintained", 6, 1)}).ok());
  EXPECT_EQ(daemon->ChangedElsewhere().value(), false);  // the first call only takes note
  ASSERT_TRUE(command->values().ApplyBatch(NewBatch("b"), {Value("repair-hours", 6, 2)}).ok());
  EXPECT_EQ(daemon->ChangedElsewhere().value(), true);
  EXPECT_EQ(daemon->ChangedElsewhere().value(), false);
  auto again = daemon->values().ApplyBatch(NewBatch("c"), {Value("repair-hours", 7, 3)});
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(daemon->values().History("building-maintenance", "repair-hours")->size(), 2u);
  EXPECT_EQ(daemon->ChangedElsewhere().value(), false);  // its own commits are not news
}

TEST(DataDirLockTest, OneHolderAtATimeAndFreeOnceReleased) {
  testing_support::TempDir dir;
  auto first = DataDirLock::Acquire(dir.path(), "ptmon serve");
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = DataDirLock::Acquire(dir.path(), "ptmon ingest");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("ptmon serve (pid " + std::to_string(getpid()) +
                                           ") is using the data directory " + dir.path()),
            std::string::npos)
      << second.status().message();
  first.value().reset();
  EXPECT_TRUE(DataDirLock::Acquire(dir.path(), "ptmon ingest").ok());
}

// One data directory across a year's end: the next year's catalogue reuses the project ids,
// and last year's values (December's year-to-date totals) must not count as its progress.

}  // namespace
}  // namespace ptmon
