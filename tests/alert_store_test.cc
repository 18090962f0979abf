// Alert state as the store keeps it since schema 9: one row of columns per alert, and the JSON
// rows of schema 8 carried over with their startsAt.
#include <gtest/gtest.h>

#include <ptmon/storage/store.h>

#include "../storage/src/schema.h"
#include "store_fixture.h"
#include "support/process.h"

namespace ptmon {
namespace {

using store_values::StoreTest;

// A schema 8 row as ptmon wrote it: labels and annotations as JSON, times as RFC 3339 text.
std::string Version8Alert(const std::string& labels, const std::string& state) {
  return "INSERT INTO alert_state VALUES ('f-" + labels + "', '" + labels +
         "', '{\"__generator_url\":\"http://ptmon/projects/devices\",\"description\":\"1–7月完成 "
         "3台\",\"summary\":\"「维修维护费」设备维护数量 进度落后（红灯）\"}', '" +
         state + "', '2026-07-01T08:00:00Z', '2026-07-01T08:10:00Z', NULL, NULL);";
}

// A firing alert of schema 8 keeps its startsAt, text and owner through the migration; a row of
// no rule ptmon knows is dropped (the rules raise again what still holds).
TEST_F(StoreTest, MigratesAVersionEightStoreKeepingAFiringAlertsStartsAt) {
  std::string sql = testing_support::ReadFile(std::string(PTMON_TEST_DATA) + "/store/v1.sql");
  for (int version = 1; version < 8; ++version) {
    sql += std::string(storage_internal::kMigrations[static_cast<size_t>(version)]);
  }
  ExecOnFile(sql +
             Version8Alert("{\"alertname\":\"PtmonIndicatorBehind\",\"budget_unit\":\"u\","
                           "\"indicator\":\"devices-maintained\",\"project\":\"devices\","
                           "\"severity\":\"critical\"}",
                           "firing") +
             Version8Alert("{\"alertname\":\"PtmonReportOverdue\",\"budget_unit\":\"u\","
                           "\"owner\":\"lijun\",\"project\":\"devices\",\"severity\":\"warning\"}",
                           "pending") +
             Version8Alert("{\"alertname\":\"Retired\",\"severity\":\"warning\"}", "firing") +
             "PRAGMA user_version = 8;");
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), kSchemaVersion);
  const auto alerts = store->alerts().LoadAlerts();
  ASSERT_TRUE(alerts.ok()) << alerts.status().message();
  ASSERT_EQ(alerts->size(), 2u);
  const AlertRecord& firing = alerts->at(0);
  EXPECT_EQ(firing.key.rule, 2);  // PtmonIndicatorBehind, critical
  EXPECT_EQ(firing.key.budget_unit, "u");
  EXPECT_EQ(firing.key.project, "devices");
  EXPECT_EQ(firing.key.indicator, "devices-maintained");
  EXPECT_EQ(firing.key.owner, "");
  EXPECT_EQ(firing.phase, 1);
  EXPECT_EQ(firing.active_since, 1'782'892'800);  // 2026-07-01T08:00:00Z
  EXPECT_EQ(firing.fired_at, 1'782'893'400);      // startsAt, 2026-07-01T08:10:00Z
  EXPECT_EQ(firing.resolved_at, std::nullopt);
  EXPECT_EQ(firing.generator_url, "http://ptmon/projects/devices");
  EXPECT_EQ(firing.annotations_json,
            "{\"description\":\"1–7月完成 3台\",\"summary\":\"「维修维护费」设备维护数量 "
            "进度落后（红灯）\"}");
  const AlertRecord& owned = alerts->at(1);
  EXPECT_EQ(owned.key.rule, 4);  // PtmonReportOverdue
  EXPECT_EQ(owned.key.owner, "lijun");
  EXPECT_EQ(owned.key.indicator, "");
  EXPECT_EQ(owned.phase, 0);
}

// What a row holds: numbers for the rule, phase and times, the subject's label values and the
// text; no fingerprint, no labels as JSON. Rewriting one alert leaves the others' rows alone.
TEST_F(StoreTest, AnAlertIsOneRowOfColumns) {
  auto store = OpenOrDie();
  ASSERT_NE(store, nullptr);
  AlertRecord record{{2, "u", "devices", "devices-maintained", ""},
                     1,
                     1'782'892'800,
                     1'782'893'400,
                     std::nullopt,
                     "http://ptmon/projects/devices",
                     "{\"summary\":\"s\"}"};
  const int changes_before = sqlite3_total_changes(store->handle());
  AlertRecord other = record;
  other.key.indicator = "repair-time";
  ASSERT_TRUE(store->alerts().SaveAlerts({record, other}, {}).ok());
  record.phase = 2;
  record.resolved_at = 1'782'900'000;
  ASSERT_TRUE(store->alerts().SaveAlerts({record}, {}).ok());
  EXPECT_EQ(sqlite3_total_changes(store->handle()) - changes_before, 3);
  sqlite3_stmt* columns = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(store->handle(),
                               "SELECT group_concat(name || ' ' || type, ', ') FROM "
                               "pragma_table_info('alert')",
                               -1, &columns, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(columns), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(columns, 0))),
            "rule INTEGER, budget_unit TEXT, project TEXT, indicator TEXT, owner TEXT, phase "
            "INTEGER, active_since INTEGER, fired_at INTEGER, resolved_at INTEGER, generator_url "
            "TEXT, annotations_json TEXT");
  sqlite3_finalize(columns);
  const auto alerts = store->alerts().LoadAlerts();
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2u);
  EXPECT_EQ(alerts->at(0).phase, 2);
  EXPECT_EQ(alerts->at(0).resolved_at, 1'782'900'000);
  EXPECT_EQ(alerts->at(1).phase, 1);
  ASSERT_TRUE(store->alerts().SaveAlerts({}, {record.key}).ok());
  EXPECT_EQ(store->alerts().LoadAlerts()->size(), 1u);
}

}  // namespace
}  // namespace ptmon
