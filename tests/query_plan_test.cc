// Every statement the store runs, planned by SQLite against a store with data: none may read a
// growing table whole, or a page of the console (an indicator's history per indicator), a file
// applied or a start would cost more with every batch ever stored.
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/storage/accounts.h>
#include <ptmon/storage/store.h>

#include "../storage/src/schema.h"
#include "query_plans.h"
#include "store_values.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using store_values::NewBatch;
using store_values::Value;

// The tables that grow with every file, value, alert or login.
const std::set<std::string> kGrowingTables = {"actual",    "batch",         "series",
                                              "note",      "folded_year",   "alert_state",
                                              "audit_log", "batch_project", "console_user_project"};

// Statements that read a growing table whole, and why that is linear, not worse: each runs once
// per start, per request of a listing that shows every row, or at most once per change made by
// another process.
const std::map<std::string, std::string> kWholeReads = {
    {"SELECT id, project_id, indicator_id FROM series",
     "the series dictionary, read once at start (and by a writer after another process wrote)"},
    {"SELECT fingerprint, labels_json, annotations_json, state, active_since, coalesce(fired_at, "
     "''), coalesce(resolved_at, ''), coalesce(last_sent_at, '') FROM alert_state ORDER BY "
     "fingerprint",
     "the alert book, read once at start"},
    {"SELECT at, user_name, peer, action, detail FROM audit_log ORDER BY id DESC LIMIT ?",
     "the newest entries, read backwards by id: the LIMIT ends the scan"},
    {"SELECT id, file_name, sha256, size_bytes, reporter, received_at, applied_at, status, "
     "row_count, error_text, submitted_by FROM batch ORDER BY id",
     "the list of every batch, which is what `ptmon batches` shows"},
    {"SELECT m.project_id, m.user_name FROM console_user_project m JOIN console_user u ON u.name = "
     "m.user_name WHERE u.role = 'manager' AND u.disabled = 0 ORDER BY m.project_id, m.user_name",
     "every project's managers, once per evaluation of the alert rules: one row per assignment"},
};

std::string Normalized(std::string sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (c == '\n' || c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

class QueryPlanTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ptmon-plan-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "ptmon.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string path_;
};

TEST_F(QueryPlanTest, NoStatementReadsAGrowingTableWhole) {
  auto opened = Store::Open(path_);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Store& store = **opened;
  Diagnostics diagnostics;
  Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  // Every public path of the store and the accounts, with data in every table.
  const std::vector<std::string> statements = query_plans::StatementsRun(store, [&] {
    ASSERT_TRUE(store.catalogs().SaveCatalog(catalog, "2026-07-01T00:00:00Z", "encoded").ok());
    long long first = 0;
    for (int month = 1; month <= 6; ++month) {
      ActualValue noted = Value("repair-time", month, month);
      noted.reason = "设备老化";  // a note for each batch
      auto applied = store.values().ApplyBatch(
          NewBatch(std::to_string(month)), {Value("devices-maintained", month, 20 + month), noted});
      ASSERT_TRUE(applied.ok()) << applied.status().message();
      if (month == 1) first = *applied;
      if (month == 3) {
        ASSERT_TRUE(store.values().Fold().ok());
      }
    }
    Batch rejected = NewBatch("bad");
    rejected.status = BatchStatus::kRejected;
    ASSERT_TRUE(store.values().RecordBatch(rejected).ok());
    ASSERT_TRUE(store.values().RevertToBatch(first, NewBatch("revert")).ok());
    ASSERT_TRUE(store.values().FindAppliedBatch("2").ok());
    ASSERT_TRUE(store.values().Batches().ok());
    ASSERT_TRUE(store.values().History("building-maintenance", "repair-time").ok());
    ASSERT_TRUE(store.values().UnfoldedRows().ok());
    ActualsIndex index(catalog);
    ASSERT_TRUE(store.values().LoadLatestValues(index).ok());
    ASSERT_TRUE(store.values().LoadBatchValues(first, index).ok());
    ASSERT_TRUE(store.values().Fold().ok());
    ASSERT_TRUE(store.values().LastAppliedAt().ok());
    ASSERT_TRUE(store.alerts()
                    .SaveAlerts({{"f", "{}", "{}", "firing", "2026-07-01T00:00:00Z",
                                  "2026-07-01T00:00:00Z", "", ""}},
                                {"gone"})
                    .ok());
    ASSERT_TRUE(store.alerts().LoadAlerts().ok());
    ASSERT_TRUE(store.catalogs().CatalogHash().ok());
    ASSERT_TRUE(store.catalogs().EncodedCatalog(catalog.sha256).ok());
    ASSERT_TRUE(store.catalogs().EncodedCatalogOfYear(2026).ok());
    ASSERT_TRUE(store.catalogs().CatalogYears().ok());
    catalog.projects[0].indicators[0].annual_target.unit = "%";
    catalog.sha256 = "changed";
    ASSERT_FALSE(store.catalogs().SaveCatalog(catalog, "2026-07-02T00:00:00Z").ok());
    const AuditEntry audit{"2026-07-01T00:00:00Z", "admin", "cli", "user_add", ""};
    ConsoleUser user{"mgr", Role::kManager, {"building-maintenance"}, "hash", false, "", "", {}};
    ASSERT_TRUE(store.accounts().AddUser(user, audit).ok());
    ASSERT_TRUE(store.accounts().SetUserPassword("mgr", "hash2", audit).ok());
    ASSERT_TRUE(store.accounts().SetUserDisabled("mgr", true, audit).ok());
    ASSERT_TRUE(store.accounts().SetUserContacts("mgr", {"mgr@example.cn", "", ""}, audit).ok());
    ASSERT_TRUE(store.accounts().ManagersOfProject("building-maintenance").ok());
    ASSERT_TRUE(store.accounts().ManagersByProject().ok());
    ASSERT_TRUE(store.accounts().FindUser("mgr").ok());
    ASSERT_TRUE(store.accounts().ListUsers().ok());
    ASSERT_TRUE(store.accounts().RecordAudit(audit).ok());
    ASSERT_TRUE(store.accounts().RecentAudit(10).ok());
  });

  std::set<std::string> seen;
  for (const std::string& traced : statements) {
    const std::string sql = Normalized(traced);
    if (!seen.insert(sql).second) continue;
    for (const std::string& detail : query_plans::PlanOf(store, sql)) {
      if (!detail.starts_with("SCAN ")) continue;
      std::string table = detail.substr(5, detail.find(' ', 5) - 5);
      // An alias names its table in the statement; resolve the ones the store uses.
      static const std::map<std::string, std::string> kAliases = {
          {"a", "actual"}, {"b", "batch"},         {"s", "series"},
          {"n", "note"},   {"p", "batch_project"}, {"m", "console_user_project"}};
      if (auto alias = kAliases.find(table); alias != kAliases.end()) table = alias->second;
      if (!kGrowingTables.contains(table) || kWholeReads.contains(sql)) continue;
      ADD_FAILURE() << detail << "\n  in: " << sql;
    }
  }
  // The paths above reached the statements that matter.
  EXPECT_GT(seen.size(), 40u);
  for (const auto& [sql, why] : kWholeReads) EXPECT_TRUE(seen.contains(sql)) << "unused: " << sql;
}

}  // namespace
}  // namespace ptmon
