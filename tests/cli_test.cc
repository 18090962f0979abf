// The real ptmon binary, as a user runs it.
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

using testing_support::ProcessResult;
using testing_support::RunPtmon;
using testing_support::TempDir;

TEST(CliTest, VersionAndHelp) {
  auto version = RunPtmon({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  // The version and the commit it was built from: "ptmon 0.2.0 (commit 0123456789ab)".
  EXPECT_TRUE(std::regex_search(
      version.out, std::regex(R"(^ptmon \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(-modified)?\))")))
      << version.out;
  auto help = RunPtmon({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("check-config"), std::string::npos);
  auto wrong = RunPtmon({"no-such-command"});
  EXPECT_EQ(wrong.exit_code, 2);
}

TEST(CliTest, CheckConfigAcceptsTheEmbeddedCatalogue) {
  auto result = RunPtmon({"check-config"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("10 projects, 66 indicators"), std::string::npos) << result.out;
}

TEST(CliTest, CheckConfigLocatesErrorsInABrokenCatalogue) {
  TempDir dir;
  const std::string path = dir.Write("catalog.yaml", R"(unit: {id: u, name: 单位}
year: 2026
projects:
  - id: p
    name: 项目
    department: d
    funds:
      period: {total: 1, provincial: 1}
      annual: {total: 1, provincial: 1}
    indicators:
      - id: repair-time
        level1: 产出指标
        level2: 质量指标
        name: 修复时间
        target: "≤24 hours"
)");
  auto result = RunPtmon({"check-config", "--catalog", path});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(path + ":15:17: indicator 'repair-time': cannot read target "
                                   "'≤24 hours': unknown unit 'hours'"),
            std::string::npos)
      << result.err;
  auto missing = RunPtmon({"check-config", "--catalog", dir / "missing.yaml"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot open catalogue file"), std::string::npos) << missing.err;
}

TEST(CliTest, CatalogJsonHasEveryProjectAndIndicator) {
  auto result = RunPtmon({"catalog", "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["year"], 2026);
  EXPECT_EQ(json["unit"]["name"], "山西省社会保险局");
  ASSERT_EQ(json["projects"].size(), 10u);
  const auto& first = json["projects"][0];
  EXPECT_EQ(first["id"], "building-maintenance");
  EXPECT_EQ(first["annual_funds_yuan"], 538600);
  EXPECT_EQ(first["period_funds_yuan"], 598500);
  const auto& indicator = first["indicators"][0];
  EXPECT_EQ(indicator["level1"], "产出指标");
  EXPECT_EQ(indicator["level2"], "数量指标");
  EXPECT_EQ(indicator["target"],
            nlohmann::json::parse(
                R"({"text":"≥30台","op":">=","value":30,"unit":"台","kind":"positive"})"));
  size_t indicators = 0;
  for (const auto& project : json["projects"]) indicators += project["indicators"].size();
  EXPECT_EQ(indicators, 66u);
  const auto& qualitative = json["projects"][0]["indicators"][2]["target"];
  EXPECT_TRUE(qualitative["op"].is_null());
  EXPECT_TRUE(qualitative["value"].is_null());
}

TEST(CliTest, CatalogTableListsTheProjects) {
  auto result = RunPtmon({"catalog"});
  ASSERT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("retiree-heating  企业退休人员取暖费"), std::string::npos);
  EXPECT_NE(result.out.find("total annual 509,132,800 yuan, period 2,618,940,924.73 yuan"),
            std::string::npos)
      << result.out;
}

// `ptmon user disable` beside a long write (a catalogue check, a large file): it waits for the
// write lock instead of failing, then the account is disabled together with its audit row.
TEST(CliTest, AnAccountChangeWaitsForAnotherWriter) {
  TempDir dir;
  const std::string data = dir / "data";
  const std::string password = dir.Write("password", "correct horse 2026\n");
  auto user = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "user");
    args.insert(args.end(), {"--data-dir", data});
    return RunPtmon(args);
  };
  ASSERT_EQ(user({"add", "zhangsan", "--role", "viewer", "--password-file", password}).exit_code,
            0);
  {
    testing_support::DatabaseWriteLock lock(data + "/ptmon.db");
    testing_support::ChildProcess disable(
        {PTMON_BINARY, "user", "disable", "zhangsan", "--data-dir", data}, dir / "disable.log");
    // Still waiting, not failed, past the 5 s a command once waited for the lock.
    EXPECT_EQ(disable.Wait(std::chrono::seconds(6)), -1) << disable.Log();
    lock.Release();
    EXPECT_EQ(disable.Wait(), 0) << disable.Log();
  }
  EXPECT_EQ(user({"list"}).out, "zhangsan\tviewer\tdisabled\t\n");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((data + "/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT group_concat(action, ' ') FROM audit_log", -1, &statement,
                     nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)),
               "user_add user_disable");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

// A manager's projects by their published names, as everywhere a project is named; the account
// keeps their ids. A name two projects share is refused naming both.
TEST(CliTest, UserAddTakesAProjectsPublishedName) {
  TempDir dir;
  const std::string password = dir.Write("password", "correct horse 2026\n");
  auto user = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "user");
    args.insert(args.end(), {"--data-dir", dir / "data"});
    return RunPtmon(args);
  };
  const ProcessResult added =
      user({"add", "zhangsan", "--role", "manager", "--project", "维修维护费", "--project",
            "retiree-heating", "--password-file", password});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(user({"list"}).out,
            "zhangsan\tmanager\tactive\tbuilding-maintenance,retiree-heating\n");
  std::string catalog =
      testing_support::ReadFile(std::string(PTMON_SOURCE_DIR) + "/config/default-catalog.yaml");
  const std::string heating = "name: 企业退休人员取暖费";
  catalog.replace(catalog.find(heating), heating.size(), "name: 维修维护费");
  const std::string twins = dir.Write("twins.yaml", catalog);
  const ProcessResult ambiguous =
      user({"add", "lisi", "--role", "manager", "--project", "维修维护费", "--catalog", twins,
            "--password-file", password});
  EXPECT_EQ(ambiguous.exit_code, 1);
  EXPECT_NE(ambiguous.err.find("several projects are called '维修维护费' (building-maintenance, "
                               "retiree-heating); give the id"),
            std::string::npos)
      << ambiguous.err;
  EXPECT_EQ(user({"list"}).out.find("lisi"), std::string::npos);
}

// `ptmon user`: every refusal says what to fix and changes nothing.
TEST(CliTest, UserAccountsAreCheckedAndRefusalsChangeNothing) {
  TempDir dir;
  const std::string data = dir / "data";
  const std::string password = dir.Write("password", "correct horse 2026\n");
  const std::string short_password = dir.Write("short", "2short\n");
  auto user = [&](std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), "user");
    args.insert(args.end(), {"--data-dir", data});
    return RunPtmon(args, input);
  };
  ASSERT_EQ(user({"add", "zhangsan", "--role", "manager", "--project", "building-maintenance",
                  "--password-file", password})
                .exit_code,
            0);
  const ProcessResult unknown_project = user({"add", "lisi", "--role", "manager", "--project",
                                              "no-such-project", "--password-file", password});
  EXPECT_EQ(unknown_project.exit_code, 1);
  EXPECT_NE(unknown_project.err.find("no project is called 'no-such-project'"), std::string::npos)
      << unknown_project.err;
  EXPECT_NE(unknown_project.err.find("building-maintenance, retiree-heating"), std::string::npos)
      << "lists the ids to choose from";
  const ProcessResult viewer_with_project =
      user({"add", "lisi", "--role", "viewer", "--project", "building-maintenance",
            "--password-file", password});
  EXPECT_NE(viewer_with_project.err.find("reads every project already"), std::string::npos);
  EXPECT_NE(user({"add", "lisi", "--role", "viewer", "--password-file", short_password})
                .err.find("at least 8 characters"),
            std::string::npos);
  EXPECT_NE(user({"add", "zhangsan", "--role", "viewer", "--password-file", password})
                .err.find("exists already"),
            std::string::npos);
  EXPECT_NE(user({"add", "two words", "--role", "viewer", "--password-file", password})
                .err.find("cannot be a user name"),
            std::string::npos);
  const ProcessResult mismatch = user({"passwd", "zhangsan"}, "first password\nsecond password\n");
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_NE(mismatch.err.find("the two passwords differ"), std::string::npos);
  EXPECT_NE(user({"disable", "nobody"}).err.find("no user named 'nobody'"), std::string::npos);
  EXPECT_EQ(user({"list"}).out, "zhangsan\tmanager\tactive\tbuilding-maintenance\n")
      << "nothing refused was added";
  ASSERT_EQ(user({"passwd", "zhangsan"}, "a new password\na new password\n").exit_code, 0);
  ASSERT_EQ(user({"disable", "zhangsan"}).exit_code, 0);
  EXPECT_EQ(user({"list"}).out, "zhangsan\tmanager\tdisabled\tbuilding-maintenance\n");
  // Checking projects reads a catalogue but records none: an account must not change which
  // catalogue the daemon serves.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((data + "/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM catalog_load", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

}  // namespace
}  // namespace ptmon
