// `ptmon serve` as operators run it: drops, restarts, the status and write APIs, reload and
// signals, the real binary on a free loopback port.
#include <cmath>
#include <ctime>
#include <filesystem>
#include <future>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "serve_fixture.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;
using Json = nlohmann::json;

TEST_F(ServeTest, ADroppedFileShowsOnMetricsAndPromtoolAcceptsThem) {
  Start();
  EXPECT_EQ(HttpGet(Url("/healthz")).status, 200);
  const std::string before = Metrics();
  EXPECT_NE(before.find("ptmon_indicator_actual{project=\"building-maintenance\",indicator="
                        "\"devices-maintained\"} NaN\n"),
            std::string::npos);
  EXPECT_NE(before.find("ptmon_indicator_light{project=\"building-maintenance\",indicator="
                        "\"devices-maintained\"} 4\n"),
            std::string::npos);  // overdue on 2026-08-15: June's report was due on July 10th
  Drop("july.csv", ReadFile(kData + "/golden/actuals-2026-07.csv"));
  const std::string expected =
      "ptmon_indicator_actual{project=\"building-maintenance\",indicator=\"devices-maintained\"} "
      "12";
  ASSERT_TRUE(WaitFor([&] { return MetricsContain(expected); })) << ptmon_->Log();
  const std::string after = Metrics();
  EXPECT_NE(after.find("ptmon_ingest_files_total{result=\"applied\"} 1\n"), std::string::npos);
  // The version and the commit, as `ptmon --version` says them.
  const std::string version = RunPtmon({"--version"}).out;  // ptmon X.Y.Z (commit C)
  const std::string number = version.substr(6, version.find(' ', 6) - 6);
  const std::string commit =
      version.substr(version.find("commit ") + 7, version.find(')') - version.find("commit ") - 7);
  EXPECT_NE(
      after.find("ptmon_build_info{version=\"" + number + "\",revision=\"" + commit + "\"} 1\n"),
      std::string::npos)
      << version;
  // The standard process series, from /proc, with values a running daemon has.
  auto sample = [&](const std::string& name) {
    const size_t at = after.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(after.substr(at + name.size() + 2));
  };
  EXPECT_GT(sample("process_resident_memory_bytes"), 1e6);
  EXPECT_LT(sample("process_resident_memory_bytes"), sample("process_virtual_memory_bytes"));
  EXPECT_GE(sample("process_open_fds"), 4);  // stdio, the listening socket, the database
  EXPECT_GE(sample("process_max_fds"), sample("process_open_fds"));
  EXPECT_GE(sample("process_cpu_seconds_total"), 0);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(sample("process_start_time_seconds"), now - 3600);
  EXPECT_LE(sample("process_start_time_seconds"), now + 1);
  EXPECT_NE(after.find("ptmon_indicator_light{project=\"building-maintenance\",indicator=\"devices-"
                       "maintained\"} 3\n"),
            std::string::npos);
  EXPECT_NE(
      after.find(
          "ptmon_indicator_info{project=\"building-maintenance\",indicator=\"devices-maintained\","
          "project_name=\"维修维护费\",name=\"设备维护数量\",level1=\"产出指标\",level2="
          "\"数量指标\","
          "kind=\"positive\",unit=\"台\",target=\"≥30台\"} 1\n"),
      std::string::npos);
  const auto promtool = RunProcess({"promtool", "check", "metrics"}, after);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
  // The gzip form carries the same exposition.
  const auto gzipped = HttpGet(Url("/metrics"), {"Accept-Encoding: gzip"});
  EXPECT_EQ(gzipped.content_encoding, "gzip");
  const std::string unzipped = Gunzip(gzipped.body);
  EXPECT_EQ(unzipped.substr(0, unzipped.find("# HELP ptmon_build_info")),
            after.substr(0, after.find("# HELP ptmon_build_info")));
  // The status API, filtered by project.
  const auto status = HttpGet(Url("/api/v1/status?project=building-maintenance"));
  ASSERT_EQ(status.status, 200);
  const Json json = Json::parse(status.body);
  ASSERT_EQ(json["projects"].size(), 1u);
  EXPECT_EQ(json["projects"][0]["indicators"][0]["actual"], 12);
  EXPECT_EQ(HttpGet(Url("/api/v1/status?project=nope")).status, 404);
  EXPECT_EQ(HttpGet(Url("/api/v1/nope")).status, 404);
  // Other paths are the console's: without a login, every one leads to the login page.
  const auto console = HttpGet(Url("/nope"));
  EXPECT_EQ(console.status, 303);
  EXPECT_EQ(console.headers.at("location"), "/login?next=%2Fnope");
  EXPECT_EQ(HttpPost(Url("/metrics"), "").status, 405);
}

// 企业退休人员取暖费 pays out in the heating season: 24.5% of its budget spent by July is on its
// spending plan, not red as against time, and the manager's reason is shown wherever the budget
// is: the status API, the project page.
TEST_F(ServeTest, TheHeatingBudgetFollowsItsPlanAndShowsTheManagersReason) {
  AddConsoleUser("lisi", {"--role", "viewer"});
  Start();
  const double budget = 490000000;
  const double spent = budget * 0.245;
  Drop("heating.csv",
       "项目,指标,期间,完成值,偏差原因,偏差说明,改进措施,完成可能性,填报人\n"
       "retiree-heating,预算执行数,2026-07," +
           std::to_string(static_cast<long long>(spent)) + ",经费,资金按采暖季拨付,,,李四\n");
  Json heating;
  ASSERT_TRUE(WaitFor([&] {
    heating = Json::parse(HttpGet(Url("/api/v1/status?project=retiree-heating")).body);
    return heating["projects"][0]["budget"]["spent_yuan"] == spent;
  })) << ptmon_->Log();
  const Json& json = heating["projects"][0]["budget"];
  EXPECT_EQ(json["light"], "green") << json;
  EXPECT_EQ(json["reason"], "资金按采暖季拨付") << json;
  EXPECT_EQ(json["plan_share"], 0) << json;  // the plan expects nothing before October
  EXPECT_NEAR(json["execution"].get<double>(), spent / budget, 0.00005) << json;
  EXPECT_EQ(json["forecast_yuan"], budget) << json;
  const std::string cookie =
      "Cookie: ptmon_session=" + ConsoleLogin(Url(""), "lisi", "correct+horse+2026");
  const HttpResult page = HttpGet(Url("/projects/retiree-heating"), {cookie});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("资金按采暖季拨付"), std::string::npos);
}

// Spending reported by fund-source row is stored by row, served as the project's spending, and
// read back by row after a restart.
TEST_F(ServeTest, SpendingBySourceIsServedAndKeptAcrossARestart) {
  Start();
  Drop("by-source.csv",
       "项目,指标,期间,完成值\n"
       "retiree-heating,财政资金执行数,2026-07,1200000\n");
  auto by_source = [&] {
    const Json status = Json::parse(HttpGet(Url("/api/v1/status?project=retiree-heating")).body);
    return status["projects"][0]["budget"];
  };
  ASSERT_TRUE(WaitFor([&] { return by_source()["spent_yuan"] == 1200000; })) << ptmon_->Log();
  EXPECT_EQ(by_source()["by_source"][0]["row"], "财政资金");
  EXPECT_EQ(by_source()["by_source"][0]["spent_yuan"], 1200000);
  ptmon_->Signal(SIGTERM);
  ASSERT_EQ(ptmon_->Wait(), 0);
  Start();
  const Json after = by_source();
  EXPECT_EQ(after["spent_yuan"], 1200000) << after;
  EXPECT_EQ(after["by_source"][0]["spent_yuan"], 1200000) << after;
}

// The daemon folds what it applied into the newest values, so a start reads one row per value;
// a restart then serves exactly what was served before it, revisions and reasons included.
TEST_F(ServeTest, ARestartAfterTheFoldServesTheSameValues) {
  Start();
  Drop("july.csv", ReadFile(kData + "/golden/actuals-2026-07.csv"));
  const std::string july =
      "ptmon_indicator_actual{project=\"building-maintenance\",indicator=\"devices-maintained\"} "
      "12";
  ASSERT_TRUE(WaitFor([&] { return MetricsContain(july); })) << ptmon_->Log();
  Drop("july-revised.csv",
       "project,indicator,period,value,reason_category,reason\n"
       "building-maintenance,devices-maintained,2026-07,13,人员保障,七月补报一台\n");
  const std::string revised =
      "ptmon_indicator_actual{project=\"building-maintenance\",indicator=\"devices-maintained\"} "
      "13";
  ASSERT_TRUE(WaitFor([&] { return MetricsContain(revised); })) << ptmon_->Log();
  auto folded = [&] {
    sqlite3* db = nullptr;
    sqlite3_open_v2((dir_ / "data/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "SELECT folded_through = (SELECT max(id) FROM batch) FROM latest_fold",
                       -1, &statement, nullptr);
    const bool done = sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_int(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return done;
  };
  ASSERT_TRUE(WaitFor(folded)) << ptmon_->Log();
  auto served = [&] {
    std::string values;
    std::istringstream metrics(Metrics());
    for (std::string line; std::getline(metrics, line);) {
      if (line.starts_with("ptmon_indicator_") || line.starts_with("ptmon_project_")) {
        values += line + "\n";
      }
    }
    return values;
  };
  const std::string before = served();
  const std::string status = HttpGet(Url("/api/v1/status?project=building-maintenance")).body;
  ptmon_->Signal(SIGTERM);
  ASSERT_EQ(ptmon_->Wait(), 0);
  Start();
  EXPECT_EQ(served(), before);
  EXPECT_EQ(HttpGet(Url("/api/v1/status?project=building-maintenance")).body, status);
  EXPECT_NE(status.find("七月补报一台"), std::string::npos);
}

// A province's status is too large for one response: pages of projects, each naming the next
// in a Link header, add up to the whole document.
TEST_F(ServeTest, TheStatusApiPagesThroughEveryProject) {
  Start();
  const Json whole = Json::parse(HttpGet(Url("/api/v1/status")).body);
  std::vector<Json> paged;
  std::string next = "/api/v1/status?limit=4";
  int pages = 0;
  while (!next.empty()) {
    const auto page = HttpGet(Url(next));
    ASSERT_EQ(page.status, 200) << page.body;
    const Json json = Json::parse(page.body);
    EXPECT_EQ(json["page"]["total"], whole["projects"].size());
    for (const auto& project : json["projects"]) paged.push_back(project);
    ++pages;
    next.clear();
    if (auto link = page.headers.find("link"); link != page.headers.end()) {
      ASSERT_TRUE(link->second.ends_with(">; rel=\"next\"")) << link->second;
      next = link->second.substr(1, link->second.find('>') - 1);
    }
  }
  EXPECT_EQ(pages, 3);  // 10 projects, 4 a page
  EXPECT_EQ(Json(paged), whole["projects"]);
  EXPECT_TRUE(Json::parse(HttpGet(Url("/api/v1/status?offset=50")).body)["projects"].empty());
  for (const char* bad : {"limit=0", "limit=x", "limit=10001", "offset=-1", "limit=5&project=x"}) {
    EXPECT_EQ(HttpGet(Url(std::string("/api/v1/status?") + bad)).status,
              std::string(bad).ends_with("project=x") ? 404 : 400)
        << bad;
  }
  EXPECT_EQ(HttpGet(Url("/api/v1/status?limit=5&project=building-maintenance")).status, 400);
}

// The whole status document is written with each snapshot, before it is published, so the first
// request after a change is sent what is already written, as every later one is: the daemon says
// when it writes one, and no request makes it write another.
TEST_F(ServeTest, TheStatusDocumentIsWrittenWithTheSnapshotNotOnRequest) {
  Start();
  auto written = [&] {
    const std::string log = ptmon_->Log();
    int count = 0;
    for (size_t at = log.find("status document as of"); at != std::string::npos;
         at = log.find("status document as of", at + 1))
      ++count;
    return count;
  };
  EXPECT_EQ(written(), 1) << ptmon_->Log();  // with the first snapshot, before ready
  for (int request = 0; request < 2; ++request)
    ASSERT_EQ(HttpGet(Url("/api/v1/status")).status, 200);
  EXPECT_EQ(written(), 1) << ptmon_->Log();
  Drop("july.csv", ReadFile(kData + "/golden/actuals-2026-07.csv"));
  ASSERT_TRUE(WaitFor([&] {
    return MetricsContain(
        "ptmon_indicator_actual{project=\"building-maintenance\",indicator="
        "\"devices-maintained\"} 12");
  })) << ptmon_->Log();
  EXPECT_EQ(written(), 2) << ptmon_->Log();  // with the batch's snapshot, before any request
  const Json status = Json::parse(HttpGet(Url("/api/v1/status")).body);
  EXPECT_EQ(status["projects"][0]["indicators"][0]["actual"], 12);
  EXPECT_EQ(written(), 2) << ptmon_->Log();
}

// A province's tens of thousands of alerts are kept compressed: the list goes out as written to
// a client that takes gzip, and inflated for one that does not.
TEST_F(ServeTest, TheAlertListIsKeptCompressedAndSentPlainToWhoeverAsks) {
  Start();
  const auto plain = HttpGet(Url("/api/v1/alerts"));
  ASSERT_EQ(plain.status, 200);
  EXPECT_TRUE(plain.content_encoding.empty());
  const Json alerts = Json::parse(plain.body)["alerts"];
  ASSERT_FALSE(alerts.empty());  // reports overdue on 2026-08-15
  EXPECT_EQ(alerts[0]["labels"]["alertname"].get<std::string>().substr(0, 5), "Ptmon");
  const auto gzipped = HttpGet(Url("/api/v1/alerts"), {"Accept-Encoding: gzip"});
  EXPECT_EQ(gzipped.content_encoding, "gzip");
  EXPECT_EQ(Gunzip(gzipped.body), plain.body);
}

// A new year: the daemon serves 2027's catalogue and keeps 2026's evaluation, as the store last
// loaded that catalogue; December's late report lands in 2026 and only there.
TEST_F(ServeTest, TheNewYearIsServedAndLastYearStaysAvailable) {
  const std::string report_2026 = dir_.Write(
      "november.csv",
      "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-11,28\n");
  ASSERT_EQ(RunPtmon({"ingest", report_2026, "--data-dir", dir_ / "data", "--now", "2026-12-20"})
                .exit_code,
            0);
  std::string catalog = ReadFile(std::string(PTMON_SOURCE_DIR) + "/config/default-catalog.yaml");
  catalog.replace(catalog.find("\nyear: 2026\n"), 12, "\nyear: 2027\n");
  const std::string catalog_2027 = dir_.Write("catalog-2027.yaml", catalog);
  now_ = "2027-02-15";
  Start({"--catalog", catalog_2027});
  EXPECT_NE(Metrics().find("ptmon_catalog_info{sha256="), std::string::npos);
  EXPECT_NE(Metrics().find(",year=\"2027\"} 1\n"), std::string::npos);
  auto devices = [&](const std::string& query) {
    const auto body =
        Json::parse(HttpGet(Url("/api/v1/status?project=building-maintenance" + query)).body);
    return body["projects"][0]["indicators"][0];
  };
  EXPECT_TRUE(devices("")["actual"].is_null());
  EXPECT_EQ(devices("&year=2026")["actual"], 28);
  const auto cli = RunPtmon({"status", "--year", "2026", "--format", "json", "--data-dir",
                             dir_ / "data", "--now", now_, "--catalog", catalog_2027});
  EXPECT_EQ(Json::parse(HttpGet(Url("/api/v1/status?year=2026")).body)["projects"],
            Json::parse(cli.out)["projects"]);
  const auto other = HttpGet(Url("/api/v1/status?year=2025"));
  EXPECT_EQ(other.status, 404);
  EXPECT_NE(other.body.find("this ptmon serves 2027 and keeps 2026"), std::string::npos)
      << other.body;

  Drop("december.csv",
       "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-12,31\n");
  ASSERT_TRUE(WaitFor([&] { return devices("&year=2026")["actual"] == 31; })) << ptmon_->Log();
  EXPECT_EQ(devices("&year=2026")["period"], "2026-12");
  EXPECT_TRUE(devices("")["actual"].is_null());  // not 2027's progress
}

TEST_F(ServeTest, TheWriteApiNeedsItsTokenAndAppliesLikeADrop) {
  const std::string config =
      dir_.Write("ptmon.yaml", "api:\n  token: " + kToken + "\n  max_body_bytes: 4096\n");
  Start({"--config", config});
  const std::string good =
      "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07,14\n";
  EXPECT_EQ(HttpPost(Url("/api/v1/actuals"), good).status, 401);
  EXPECT_EQ(HttpPost(Url("/api/v1/actuals"), good, {"Authorization: Bearer wrong-token-000000000"})
                .status,
            401);
  const std::string auth = "Authorization: Bearer " + kToken;
  const auto bad = HttpPost(
      Url("/api/v1/actuals?name=bad.csv"),
      "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-13,x\n",
      {auth, "Content-Type: text/csv"});
  EXPECT_EQ(bad.status, 400);
  const Json errors = Json::parse(bad.body);
  EXPECT_EQ(errors["result"], "rejected");
  EXPECT_NE(errors["errors"][0].get<std::string>().find("bad.csv:2:3: 'period'"), std::string::npos)
      << bad.body;
  const auto applied = HttpPost(Url("/api/v1/actuals"), good, {auth, "Content-Type: text/csv"});
  EXPECT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(Json::parse(applied.body)["result"], "applied");
  EXPECT_TRUE(
      MetricsContain("ptmon_indicator_actual{project=\"building-maintenance\",indicator=\"devices-"
                     "maintained\"} 14"));
  EXPECT_EQ(Json::parse(HttpPost(Url("/api/v1/actuals"), good, {auth}).body)["result"],
            "duplicate");
  const auto yaml = HttpPost(Url("/api/v1/actuals"),
                             "period: 2026-07\nprojects:\n  building-maintenance:\n    "
                             "indicators:\n      repair-time: 20小时\n",
                             {auth, "Content-Type: application/yaml"});
  EXPECT_EQ(yaml.status, 200) << yaml.body;
  EXPECT_EQ(HttpPost(Url("/api/v1/actuals"), std::string(5000, 'x'), {auth}).status, 413);
  EXPECT_TRUE(MetricsContain("ptmon_ingest_last_file_errors{source=\"api\"} 0"));
  // A bare figure a thousand times July's is refused here as in a file, naming both readings.
  const auto slipped = HttpPost(Url("/api/v1/actuals?name=august.yaml"),
                                "period: 2026-08\nprojects:\n  building-maintenance:\n    "
                                "indicators:\n      devices-maintained: 14000\n",
                                {auth, "Content-Type: application/yaml"});
  EXPECT_EQ(slipped.status, 400);
  EXPECT_NE(Json::parse(slipped.body)["errors"][0].get<std::string>().find(
                "14000 按 台 读是 14000台，是此前填报的 14台 的 1000 倍"),
            std::string::npos)
      << slipped.body;
  EXPECT_EQ(ptmon_->Log().find(kToken), std::string::npos) << "the token must never be logged";
}

// A workbook is a report like any other: posted (by its content type or ?format=xlsx) or
// dropped in the inbox, applied whole, and refused with the sheet and cell of each problem.
TEST_F(ServeTest, XlsxWorkbooksArePostedAndDroppedLikeCsv) {
  const std::string config =
      dir_.Write("ptmon.yaml", "api:\n  token: " + kToken + "\n  max_body_bytes: 65536\n");
  Start({"--config", config});
  const std::string auth = "Authorization: Bearer " + kToken;
  const std::string workbook = ReadFile(kData + "/reports/good/building-maintenance-july.xlsx");
  const auto applied = HttpPost(
      Url("/api/v1/actuals?name=july.xlsx"), workbook,
      {auth, "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"});
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(Json::parse(applied.body)["values"], 2);
  EXPECT_TRUE(
      MetricsContain("ptmon_indicator_actual{project=\"building-maintenance\",indicator=\"user-"
                     "satisfaction\"} 0.97"));
  // Without a type that names a format (curl's default), the name's extension decides.
  EXPECT_EQ(Json::parse(
                HttpPost(Url("/api/v1/actuals?name=again.xlsx"), workbook, {auth}).body)["result"],
            "duplicate");
  const auto refused = HttpPost(Url("/api/v1/actuals?format=xlsx&name=bad.xlsx"),
                                ReadFile(kData + "/reports/bad/text-in-number-cells.xlsx"),
                                {auth, "Content-Type: application/octet-stream"});
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("bad.xlsx:设备项目!A2: '项目': 找不到项目 '设备项目'"),
            std::string::npos)
      << refused.body;
  // The same workbook dropped in the inbox is taken, and known as the one already applied.
  Drop("七月.xlsx", workbook);
  ASSERT_TRUE(WaitFor([&] { return FilesWaitingIn(dir_ / "data/inbox") == 0; })) << ptmon_->Log();
  ASSERT_TRUE(WaitFor([&] { return ptmon_->Log().find("七月.xlsx") != std::string::npos; }));
  const std::string log = ptmon_->Log();
  EXPECT_NE(log.find("duplicate", log.find("七月.xlsx")), std::string::npos) << log;
}

TEST_F(ServeTest, TheWriteApiIsOffWithoutAToken) {
  Start();
  EXPECT_EQ(HttpPost(Url("/api/v1/actuals"), "x", {"Authorization: Bearer " + kToken}).status, 403);
}

TEST_F(ServeTest, ReloadWithABrokenCatalogueKeepsServingTheOldOne) {
  const std::string catalog = dir_.Write("catalog.yaml", ReadFile(kData + "/reports/catalog.yaml"));
  Start({"--catalog", catalog});
  EXPECT_TRUE(MetricsContain("ptmon_config_reload_success 1"));
  std::string text = ReadFile(catalog);
  dir_.Write("catalog.yaml", text +
                                 "      - {id: broken, level1: 产出指标, level2: 数量指标, name: "
                                 "坏, target: \"≥5 boxes\"}\n");
  ptmon_->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return MetricsContain("ptmon_config_reload_success 0"); }))
      << ptmon_->Log();
  EXPECT_NE(ptmon_->Log().find("unknown unit 'boxes'"), std::string::npos) << ptmon_->Log();
  EXPECT_TRUE(MetricsContain(
      "ptmon_indicator_weight{project=\"devices\",indicator=\"devices-maintained\"} 20"))
      << "the old catalogue is still served";
  dir_.Write("catalog.yaml", text +
                                 "      - {id: added, level1: 产出指标, level2: 数量指标, name: "
                                 "新增, target: \"≥5次\"}\n");
  ptmon_->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return MetricsContain("ptmon_config_reload_success 1"); }))
      << ptmon_->Log();
  EXPECT_NE(Metrics().find("ptmon_indicator_target{project=\"twin-b\",indicator=\"added\"} 5\n"),
            std::string::npos);
}

TEST_F(ServeTest, SigtermDuringALargeDropLosesNothingAndAppliesNothingTwice) {
  const std::string catalog = dir_.Write("catalog.yaml", SyntheticCatalog(500, 10));
  Start({"--catalog", catalog});
  constexpr int kFiles = 8;
  for (int f = 0; f < kFiles; ++f) {
    std::string content = "project,indicator,period,value\n";
    for (int p = 0; p < 500; ++p) {
      for (int i = 0; i < 10; ++i) {
        content += "p" + std::to_string(p) + ",i" + std::to_string(i) + ",2026-0" +
                   std::to_string(f % 7 + 1) + "," + std::to_string(f * 10000 + p + i) + "人\n";
      }
    }
    Drop("f" + std::to_string(f) + ".csv", content);
  }
  // Stop as soon as the first file has been applied, while the others wait.
  ASSERT_TRUE(WaitFor([&] {
    return Metrics().find("ptmon_ingest_files_total{result=\"applied\"} 0\n") == std::string::npos;
  })) << ptmon_->Log();
  ptmon_->Signal(SIGTERM);
  EXPECT_EQ(ptmon_->Wait(), 0) << ptmon_->Log();
  auto count = [&](const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / "data/ptmon.db").c_str(), &db);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
    sqlite3_step(statement);
    const long long value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
  };
  const long long applied = count("SELECT COUNT(*) FROM batch WHERE status = 'applied'");
  EXPECT_GE(applied, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM actual"), applied * 5000) << "no batch is half-applied";
  EXPECT_EQ(FilesWaitingIn(dir_ / "data/inbox"), kFiles - applied)
      << "every file is applied or still waiting";
  // The next start takes the rest, once each.
  Start({"--catalog", catalog});
  ASSERT_TRUE(WaitFor([&] { return FilesWaitingIn(dir_ / "data/inbox") == 0; })) << ptmon_->Log();
  EXPECT_EQ(count("SELECT COUNT(*) FROM batch WHERE status = 'applied'"), kFiles);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT sha256) FROM batch WHERE status = 'applied'"), kFiles);
  EXPECT_EQ(count("SELECT COUNT(*) FROM actual"), kFiles * 5000);
}

// HTTP threads read snapshots while the loop ingests and publishes new ones, and the write API
// hands bodies to the loop: run all of it at once (under ThreadSanitizer in CI).
TEST_F(ServeTest, ScrapesAndWritesRunConcurrentlyWithIngest) {
  const std::string config =
      dir_.Write("ptmon.yaml", "api:\n  token: " + kToken + "\nhttp:\n  threads: 6\n");
  Start({"--config", config});
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      const std::string path = t == 0 ? "/metrics" : t == 1 ? "/api/v1/status" : "/api/v1/alerts";
      while (!done) {
        if (HttpGet(Url(path), {"Accept-Encoding: gzip"}).status != 200) ++failures;
      }
    });
  }
  std::thread writer([&] {
    for (int i = 0; i < 5; ++i) {
      const auto response =
          HttpPost(Url("/api/v1/actuals"),
                   "project,indicator,period,value\nbuilding-maintenance,repair-time,2026-07," +
                       std::to_string(10 + i) + "\n",
                   {"Authorization: Bearer " + kToken});
      if (response.status != 200) ++failures;
    }
  });
  for (int i = 0; i < 10; ++i) {
    Drop("drop-" + std::to_string(i) + ".csv",
         "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07," +
             std::to_string(i + 1) + "\n");
  }
  writer.join();
  EXPECT_TRUE(WaitFor([&] {
    return MetricsContain(
        "ptmon_indicator_actual{project=\"building-maintenance\",indicator=\"devices-maintained\"} "
        "10");
  })) << ptmon_->Log();
  done = true;
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_TRUE(MetricsContain("ptmon_ingest_files_total{result=\"applied\"} 15"));
  ptmon_->Signal(SIGTERM);
  EXPECT_EQ(ptmon_->Wait(), 0) << ptmon_->Log();
}

// Issue #30: times in the unit's local time (time_zone, default Asia/Shanghai), not
// 2026-12-07T02:18:50Z; a zone the machine does not know is refused at its place.
TEST_F(ServeTest, TimesAreInTheUnitsTimeZone) {
  const std::string bad = dir_.Write("bad.yaml", "time_zone: Asia/Shangai\n");
  const auto refused = RunPtmon({"check-config", "--config", bad});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("bad.yaml:1:"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("'time_zone': 'Asia/Shangai' is not a time zone"), std::string::npos)
      << refused.err;

  // The machine's zone (this test's) is UTC or anything else: the configured one wins.
  Start({"--config", dir_.Write("ptmon.yaml", "console:\n  open_board: true\n")});
  Drop("july.csv",
       "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07,3\n");
  double applied = 0;
  ASSERT_TRUE(WaitFor([&] {
    std::smatch match;
    const std::string metrics = Metrics();
    static const std::regex line("\nptmon_ingest_last_success_timestamp_seconds ([0-9.e+]+)\n");
    if (!std::regex_search(metrics, match, line)) return false;
    applied = std::stod(match[1]);
    return applied > 0;
  })) << ptmon_->Log();
  // The board's time is its snapshot's, published with or just after the file's metric: the
  // same second or the next ones, in Shanghai's time (UTC+8, no daylight saving).
  auto shanghai_text = [](double seconds) {
    const std::time_t shanghai = static_cast<std::time_t>(seconds) + 8 * 3600;
    std::tm fields{};
    gmtime_r(&shanghai, &fields);
    char text[48];
    std::strftime(text, sizeof text, "数据更新于 %Y-%m-%d %H:%M:%S", &fields);
    return std::string(text);
  };
  std::string board;
  EXPECT_TRUE(WaitFor([&] {
    board = HttpGet(Url("/")).body;
    for (int later = 0; later <= 3; ++later) {
      if (board.find(shanghai_text(applied + later)) != std::string::npos) return true;
    }
    return false;
  })) << shanghai_text(applied)
      << "\n"
      << board;
}

// The data directory a start creates is 0750 and the database in it 0600, whatever the umask; a
// database opened wider since is named at the next start with the chmod that fixes it.
TEST_F(ServeTest, TheStoreIsPrivateAndALooseOneIsNamedAtStart) {
  const mode_t umask_before = ::umask(022);
  Start();
  ::umask(umask_before);
  auto mode = [](const std::string& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
  };
  const std::string db = dir_ / "data/ptmon.db";
  EXPECT_EQ(mode(dir_ / "data"), 0750u);
  for (const std::string& file : {db, db + "-wal", db + "-shm"}) EXPECT_EQ(mode(file), 0600u);
  EXPECT_EQ(ptmon_->Log().find("chmod"), std::string::npos) << ptmon_->Log();
  ptmon_->Signal(SIGTERM);
  ASSERT_EQ(ptmon_->Wait(), 0) << ptmon_->Log();
  ASSERT_EQ(::chmod(db.c_str(), 0644), 0);
  Start();
  EXPECT_NE(ptmon_->Log().find("'" + db + "' (mode 0644) is open to other accounts"),
            std::string::npos)
      << ptmon_->Log();
  EXPECT_NE(ptmon_->Log().find("chmod 600 '" + db + "'"), std::string::npos);
}

// The open board shows 责任人 to no one who has not logged in: the column is there, empty, while
// a manager is assigned (docs/security.md).
TEST_F(ServeTest, TheOpenBoardNamesNoAccounts) {
  ASSERT_EQ(RunPtmon({"user", "add", "lijun", "--role", "manager", "--project",
                      "building-maintenance", "--password-file",
                      dir_.Write("password", "correct horse 2026\n"), "--data-dir", dir_ / "data"})
                .exit_code,
            0);
  Start({"--config", dir_.Write("ptmon.yaml", "console:\n  open_board: true\n")});
  const std::string board = HttpGet(Url("/")).body;
  const size_t row = board.find("<tr data-project=\"building-maintenance\">");
  ASSERT_NE(row, std::string::npos) << board;
  EXPECT_NE(board.find("<td class=\"owners\"></td>", row), std::string::npos) << board;
  EXPECT_EQ(board.find("lijun"), std::string::npos);
  EXPECT_EQ(HttpGet(Url("/board.xlsx")).status, 200);
}

}  // namespace
}  // namespace ptmon
