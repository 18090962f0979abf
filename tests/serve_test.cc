// `ptmon serve` as operators run it: the real binary on a free loopback port, with the real
// promtool, Alertmanager and Prometheus from Debian beside it.
#include <cmath>
#include <filesystem>
#include <future>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;
using Json = nlohmann::json;

const std::string kData = PTMON_TEST_DATA;
const std::string kToken = "test-token-0123456789abcdef";

class ServeTest : public testing::Test {
 protected:
  void Start(std::vector<std::string> extra = {}) {
    port_ = FreePort();
    std::vector<std::string> argv = {
        PTMON_BINARY, "serve",       "--listen", "127.0.0.1:" + std::to_string(port_),
        "--data-dir", dir_ / "data", "--now",    now_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ptmon_ = std::make_unique<ChildProcess>(argv, dir_ / "ptmon.log");
    ASSERT_TRUE(WaitFor([&] { return HttpGet(Url("/readyz")).status == 200; })) << ptmon_->Log();
  }
  // A real Prometheus scraping this ptmon every second, with `extra` configuration (rules).
  std::unique_ptr<ChildProcess> StartPrometheus(int port, const std::string& extra = "") const {
    const std::string config = dir_.Write(
        "prometheus.yml", "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n" + extra +
                              "scrape_configs:\n  - job_name: ptmon\n    static_configs:\n"
                              "      - targets: ['127.0.0.1:" +
                              std::to_string(port_) + "']\n");
    fs::create_directories(dir_ / "tsdb");
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"prometheus", "--config.file=" + config,
                                 "--storage.tsdb.path=" + (dir_ / "tsdb"),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port)},
        dir_ / "prometheus.log");
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string Metrics() const { return HttpGet(Url("/metrics")).body; }
  // Drops a report the way writers should: a temporary name, then a rename into place.
  void Drop(const std::string& name, const std::string& content) const {
    const std::string temporary = dir_.Write("data/inbox/." + name + ".tmp", content);
    fs::rename(temporary, dir_ / ("data/inbox/" + name));
  }
  bool MetricsContain(const std::string& line) const {
    return Metrics().find(line + "\n") != std::string::npos;
  }
  // A console account whose password is "correct horse 2026" (form-encoded:
  // correct+horse+2026), with `options` such as --role.
  void AddConsoleUser(const std::string& name, const std::vector<std::string>& options) const {
    std::vector<std::string> argv = {"user",
                                     "add",
                                     name,
                                     "--password-file",
                                     dir_.Write("password", "correct horse 2026\n"),
                                     "--data-dir",
                                     dir_ / "data"};
    argv.insert(argv.end(), options.begin(), options.end());
    ASSERT_EQ(RunPtmon(argv).exit_code, 0);
  }
  // The header that carries a session of an account AddConsoleUser made ("" when refused).
  std::string SessionCookie(const std::string& name) const {
    return "Cookie: ptmon_session=" + ConsoleLogin(Url(""), name, "correct+horse+2026");
  }

  TempDir dir_;
  int port_ = 0;
  std::string now_ = "2026-08-15";
  std::unique_ptr<ChildProcess> ptmon_;
};

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

// A real Alertmanager receives ptmon's alerts; ptmon survives it going away.
class AlertmanagerTest : public ServeTest {
 protected:
  void StartAlertmanager() {
    if (am_port_ == 0) am_port_ = FreePort();
    alertmanager_ = testing_support::StartAlertmanager(dir_.path(), am_port_);
    ASSERT_NE(alertmanager_, nullptr) << ReadFile(dir_ / "alertmanager.log");
  }
  std::string AmUrl(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(am_port_) + path;
  }
  // The active alert in Alertmanager with these labels, or null.
  Json AmAlert(const std::string& alertname, const std::string& severity) const {
    const auto response =
        HttpGet(AmUrl("/api/v2/alerts?filter=alertname%3D%22" + alertname + "%22"));
    if (response.status != 200) return nullptr;
    for (const auto& alert : Json::parse(response.body)) {
      if (alert["labels"].value("severity", "") == severity &&
          alert["labels"].value("indicator", "") == "devices-maintained" &&
          alert["status"]["state"] == "active") {
        return alert;
      }
    }
    return nullptr;
  }
  void StartPtmon() {
    const std::string config = dir_.Write("ptmon.yaml", "alerting:\n  resend_interval: 1s\n");
    Start({"--config", config, "--alertmanager", AmUrl("")});
  }

  int am_port_ = 0;
  std::unique_ptr<ChildProcess> alertmanager_;
};

const std::string kRed =
    "project,indicator,period,value,偏差原因,偏差说明,改进措施\n"
    "building-maintenance,devices-maintained,2026-07,3,人员,技术人员不足,增派人员\n";
const std::string kGreen =
    "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07,18\n";

TEST_F(AlertmanagerTest, ARedIndicatorFiresAndResolvesAtTheRealAlertmanager) {
  StartAlertmanager();
  StartPtmon();
  Drop("red.csv", kRed);
  Json alert;
  ASSERT_TRUE(WaitFor([&] {
    return !(alert = AmAlert("PtmonIndicatorBehind", "critical")).is_null();
  })) << ptmon_->Log()
      << alertmanager_->Log();
  EXPECT_EQ(alert["labels"]["project"], "building-maintenance");
  EXPECT_EQ(alert["labels"]["unit"], "shanxi-social-insurance");
  EXPECT_EQ(alert["annotations"]["summary"], "「维修维护费」设备维护数量 进度落后（红灯）");
  EXPECT_EQ(alert["annotations"]["reason"], "人员保障：技术人员不足");
  EXPECT_EQ(alert["annotations"]["action"], "增派人员");
  EXPECT_NE(alert["annotations"]["description"].get<std::string>().find(
                "1–7月完成 3台，按进度应完成 17.5台"),
            std::string::npos);
  EXPECT_EQ(alert["generatorURL"], Url("/api/v1/status?project=building-maintenance"));
  EXPECT_FALSE(AmAlert("PtmonIndicatorBehind", "warning").is_null())
      << "red is also behind the warning line";
  // The corrective report: green resolves both.
  Drop("green.csv", kGreen);
  ASSERT_TRUE(WaitFor([&] {
    return AmAlert("PtmonIndicatorBehind", "critical").is_null() &&
           AmAlert("PtmonIndicatorBehind", "warning").is_null();
  })) << ptmon_->Log();
  EXPECT_TRUE(
      MetricsContain("ptmon_alert_delivery_failures_total{alertmanager=\"" + AmUrl("") + "\"} 0"));
}

TEST_F(AlertmanagerTest, IngestAndScrapesGoOnWhileAlertmanagerIsDownAndDeliveryResumes) {
  StartAlertmanager();
  StartPtmon();
  alertmanager_->Signal(SIGTERM);
  alertmanager_->Wait();
  Drop("red.csv", kRed);
  ASSERT_TRUE(WaitFor([&] {
    return MetricsContain(
        "ptmon_indicator_light{project=\"building-maintenance\",indicator=\"devices-maintained\"} "
        "5");
  })) << ptmon_->Log();
  ASSERT_TRUE(WaitFor([&] {
    return Metrics().find("ptmon_alert_delivery_failures_total{alertmanager=\"" + AmUrl("") +
                          "\"} 0\n") == std::string::npos;
  })) << "deliveries fail while it is down";
  StartAlertmanager();  // same port
  ASSERT_TRUE(WaitFor([&] { return !AmAlert("PtmonIndicatorBehind", "critical").is_null(); },
                      std::chrono::seconds(20)))
      << ptmon_->Log();
}

TEST_F(AlertmanagerTest, ARestartKeepsStartsAt) {
  StartAlertmanager();
  StartPtmon();
  Drop("red.csv", kRed);
  Json alert;
  ASSERT_TRUE(
      WaitFor([&] { return !(alert = AmAlert("PtmonIndicatorBehind", "critical")).is_null(); }));
  const std::string starts_at = alert["startsAt"];
  ptmon_->Signal(SIGTERM);
  ASSERT_EQ(ptmon_->Wait(), 0);
  StartPtmon();
  const Json alerts = Json::parse(HttpGet(Url("/api/v1/alerts")).body)["alerts"];
  bool found = false;
  for (const auto& local : alerts) {
    if (local["labels"]["alertname"] == "PtmonIndicatorBehind" &&
        local["labels"]["severity"] == "critical" &&
        local["labels"].value("indicator", "") == "devices-maintained") {
      found = true;
      EXPECT_EQ(local["state"], "firing");
      EXPECT_EQ(std::string(local["startsAt"]).substr(0, 19), starts_at.substr(0, 19));
    }
  }
  EXPECT_TRUE(found) << alerts.dump(2);
  // A second delivery after the restart: Alertmanager still has the original startsAt.
  ASSERT_TRUE(WaitFor([&] {
    return Metrics().find("ptmon_alert_deliveries_total{alertmanager=\"" + AmUrl("") + "\"} 0\n") ==
           std::string::npos;
  }));
  alert = AmAlert("PtmonIndicatorBehind", "critical");
  ASSERT_FALSE(alert.is_null());
  EXPECT_EQ(alert["startsAt"], starts_at);
}

TEST_F(ServeTest, ARealPrometheusScrapesAndQueries) {
  Start();
  Drop("july.csv", ReadFile(kData + "/golden/actuals-2026-07.csv"));
  const int prometheus_port = FreePort();
  auto prometheus = StartPrometheus(prometheus_port);
  const std::string query =
      "http://127.0.0.1:" + std::to_string(prometheus_port) +
      "/api/v1/query?query=ptmon_indicator_progress_ratio%7Bproject%3D%22building-maintenance%22%2C"
      "indicator%3D%22devices-maintained%22%7D";
  Json result;
  ASSERT_TRUE(WaitFor(
      [&] {
        const auto response = HttpGet(query);
        if (response.status != 200) return false;
        result = Json::parse(response.body)["data"]["result"];
        return !result.empty();
      },
      std::chrono::seconds(30)))
      << prometheus->Log();
  EXPECT_NEAR(std::stod(result[0]["value"][1].get<std::string>()), 12.0 / 17.5, 1e-9);
}

}  // namespace
}  // namespace ptmon

namespace ptmon {
namespace {

TEST_F(AlertmanagerTest, PtmonAlertsListsWhatTheDaemonHolds) {
  StartAlertmanager();
  StartPtmon();
  Drop("red.csv", kRed);
  ASSERT_TRUE(WaitFor([&] { return !AmAlert("PtmonIndicatorBehind", "critical").is_null(); }));
  const auto listed = RunPtmon({"alerts", "--data-dir", dir_ / "data"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(
                "firing  PtmonIndicatorBehind  critical  building-maintenance/devices-maintained"),
            std::string::npos)
      << listed.out;
  EXPECT_NE(listed.out.find("「维修维护费」设备维护数量 进度落后（红灯）"), std::string::npos);
}

}  // namespace
}  // namespace ptmon

#include <yaml-cpp/yaml.h>

namespace ptmon {
namespace {

// Every PromQL expression of the shipped Grafana dashboard and recording rules, run through a
// real Prometheus that scrapes ptmon (with sample data) and evaluates the shipped rules: each
// must parse and return at least one series.
TEST_F(ServeTest, EveryDashboardAndRecordingRuleQueryReturnsSeries) {
  const std::string deploy = std::string(PTMON_SOURCE_DIR) + "/deploy";
  // A dead Alertmanager address gives the delivery counters series to show.
  Start({"--alertmanager", "http://127.0.0.1:" + std::to_string(FreePort())});
  Drop("july.csv", ReadFile(kData + "/golden/actuals-2026-07.csv"));
  ASSERT_TRUE(
      WaitFor([&] { return MetricsContain("ptmon_ingest_files_total{result=\"applied\"} 1"); }));
  dir_.Write("ptmon-rules.yml", ReadFile(deploy + "/prometheus/ptmon-rules.yml"));
  const int prometheus_port = FreePort();
  auto prometheus = StartPrometheus(prometheus_port, "rule_files:\n  - ptmon-rules.yml\n");
  const std::string api =
      "http://127.0.0.1:" + std::to_string(prometheus_port) + "/api/v1/query?query=";
  auto query = [&](const std::string& expr) { return HttpGet(api + UrlEncode(expr)); };
  // Rates need two samples in their window; recording rules need an evaluation.
  auto has_series = [&](const std::string& expr) {
    const auto response = query(expr);
    return response.status == 200 && !Json::parse(response.body)["data"]["result"].empty();
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        return has_series("increase(ptmon_ingest_files_total[1h])") &&
               has_series("ptmon:project_light:max") &&
               has_series("ptmon:http_request_duration_seconds_bucket:rate5m");
      },
      std::chrono::seconds(60)))
      << prometheus->Log();

  std::vector<std::string> expressions;
  const Json dashboard = Json::parse(ReadFile(deploy + "/grafana/dashboards/ptmon.json"));
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel.value("targets", Json::array()))
      expressions.push_back(target["expr"]);
  }
  for (const auto& variable : dashboard["templating"]["list"]) {
    // label_values(METRIC, LABEL) is Grafana's: Prometheus is asked for METRIC.
    const std::string definition = variable["definition"];
    expressions.push_back(definition.substr(13, definition.rfind(',') - 13));
  }
  const YAML::Node rules = YAML::LoadFile(deploy + "/prometheus/ptmon-rules.yml");
  for (const auto& group : rules["groups"]) {
    for (const auto& rule : group["rules"]) {
      if (rule["record"]) expressions.push_back(rule["expr"].as<std::string>());
    }
  }
  ASSERT_GE(expressions.size(), 25u);
  for (std::string expr : expressions) {
    for (const std::string variable : {"$unit", "$project"}) {
      for (size_t at = expr.find(variable); at != std::string::npos; at = expr.find(variable)) {
        expr.replace(at, variable.size(), ".*");
      }
    }
    const auto response = query(expr);
    ASSERT_EQ(response.status, 200) << expr << "\n" << response.body;
    const Json result = Json::parse(response.body);
    EXPECT_EQ(result["status"], "success") << expr;
    EXPECT_FALSE(result["data"]["result"].empty()) << "no series for: " << expr;
  }
}

}  // namespace
}  // namespace ptmon

#include <atomic>
#include <thread>

namespace ptmon {
namespace {

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

namespace console {

// The value attribute of the first input named `name` in a page.
std::string InputValue(const std::string& page, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const size_t at = page.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  return page.substr(start, page.find('"', start) - start);
}

}  // namespace console

// Managers and viewers in the console at once, while a file arrives and Prometheus-like scrapes
// go on: every page answers, every form is applied as its own batch with its reporter, and the
// audit log has every login. Under ThreadSanitizer this is the console's concurrency test.
TEST_F(ServeTest, TheConsoleServesManyUsersWhileReportsArrive) {
  AddConsoleUser("zhangsan", {"--role", "manager", "--project", "building-maintenance"});
  AddConsoleUser("lisi", {"--role", "viewer"});
  Start();
  constexpr int kUsers = 4;
  std::vector<std::string> failures(kUsers);
  std::vector<std::thread> users;
  for (int u = 0; u < kUsers; ++u) {
    users.emplace_back([&, u] {
      const bool manager = u % 2 == 0;
      const std::string session =
          ConsoleLogin(Url(""), manager ? "zhangsan" : "lisi", "correct+horse+2026");
      if (session.empty()) failures[u] += "login failed";
      const std::string cookie = "Cookie: ptmon_session=" + session;
      for (const char* path :
           {"/", "/?sort=score&dir=desc", "/projects/building-maintenance", "/alerts",
            "/projects/building-maintenance/history/devices-maintained", "/reports"}) {
        const HttpResult page = HttpGet(Url(path), {cookie});
        if (page.status != 200)
          failures[u] += std::string(path) + " " + std::to_string(page.status);
      }
      const HttpResult form =
          HttpGet(Url("/report?project=building-maintenance&period=2026-07"), {cookie});
      if (!manager) {
        if (form.status != 403) failures[u] += "a viewer got the form";
        return;
      }
      const std::string csrf = console::InputValue(form.body, "csrf");
      const HttpResult posted =
          HttpPost(Url("/report"),
                   "csrf=" + csrf + "&project=building-maintenance&period=2026-07&c0_0=" +
                       std::to_string(10 + u) + "&c1_0=20&c5_0=96%25",
                   {cookie, "Content-Type: application/x-www-form-urlencoded"});
      if (posted.status != 200 || posted.body.find("已保存") == std::string::npos)
        failures[u] += "report: " + std::to_string(posted.status) + " " + posted.body;
    });
  }
  Drop("july.csv", ReadFile(kData + "/golden/actuals-2026-07.csv"));
  for (int scrape = 0; scrape < 5; ++scrape) EXPECT_EQ(HttpGet(Url("/metrics")).status, 200);
  for (auto& user : users) user.join();
  for (int u = 0; u < kUsers; ++u) EXPECT_EQ(failures[u], "") << "user " << u;

  const ProcessResult history =
      RunPtmon({"history", "--data-dir", dir_ / "data", "--project", "building-maintenance",
                "--indicator", "devices-maintained", "--now", now_, "--format", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(Json::parse(history.out).dump().find("console-building-maintenance-2026-07.csv") !=
                std::string::npos,
            true);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir_ / "data/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  auto count = [&](const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
    const int rows = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int(statement, 0) : -1;
    sqlite3_finalize(statement);
    return rows;
  };
  const HttpResult post_to_page = HttpPost(Url("/"), "");
  EXPECT_EQ(post_to_page.status, 405);
  EXPECT_EQ(post_to_page.headers.at("allow"), "GET, HEAD");
  const HttpResult get_logout = HttpGet(Url("/logout"));
  EXPECT_EQ(get_logout.status, 405);
  EXPECT_EQ(get_logout.headers.at("allow"), "POST");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'login'"), kUsers);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'report'"), kUsers / 2);
  EXPECT_EQ(count("SELECT count(*) FROM batch WHERE file_name LIKE 'console-%' AND status = "
                  "'applied' AND reporter = 'zhangsan'"),
            kUsers / 2);
  sqlite3_close(db);
}

// The 填报 form shows the unit a bare number is read in beside each box; 10.5 typed for
// 设备维修维护成本 (≤20万元) is refused beside its field naming both readings, and nothing is
// saved; 10.5万元 is.
TEST_F(ServeTest, TheFormShowsEachUnitAndRefusesABareFigureAThousandTimesOff) {
  AddConsoleUser("zhangsan", {"--role", "manager", "--project", "building-maintenance"});
  Start();
  const std::string cookie = SessionCookie("zhangsan");
  const HttpResult form =
      HttpGet(Url("/report?project=building-maintenance&period=2026-07"), {cookie});
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("name=\"c3_0\" value=\"\""), std::string::npos);
  EXPECT_NE(form.body.find("<span class=\"unit\">元（可写 万元）</span>"), std::string::npos);
  EXPECT_NE(form.body.find("<span class=\"unit\">台</span>"), std::string::npos);
  const std::string csrf = console::InputValue(form.body, "csrf");
  auto post = [&](const std::string& cost) {
    return HttpPost(
        Url("/report"),
        "csrf=" + csrf + "&project=building-maintenance&period=2026-07&c0_0=12&c3_0=" + cost,
        {cookie, "Content-Type: application/x-www-form-urlencoded"});
  };
  const HttpResult refused = post("10.5");
  EXPECT_EQ(refused.status, 422);
  const size_t error = refused.body.find("id=\"c3_0-error\">");
  ASSERT_NE(error, std::string::npos) << refused.body;
  // In the field's own error box, after its label.
  const size_t message = refused.body.find(
      "10.5 按 元 读是 10.5元，只有目标 ≤20万元 的 0.0053%；如果是 10.5万元，请写成 "
      "10.5万元；如果确实是 10.5元，请写上单位「元」。",
      error);
  ASSERT_NE(message, std::string::npos) << refused.body.substr(error, 600);
  EXPECT_LT(message - error, 80u) << refused.body.substr(error, 600);
  const ProcessResult none =
      RunPtmon({"history", "--data-dir", dir_ / "data", "--project", "building-maintenance",
                "--indicator", "devices-maintained", "--now", now_, "--format", "json"});
  EXPECT_EQ(none.out.find("console-"), std::string::npos) << none.out;
  const HttpResult saved = post("10.5%E4%B8%87%E5%85%83");  // 10.5万元
  EXPECT_EQ(saved.status, 200) << saved.body;
  EXPECT_NE(saved.body.find("已保存"), std::string::npos);
}

// The 填报 page closes the loop: the month's workbook, with last values, to download behind the
// manager's login and projects; only months that are due; a month not yet due posted anyway is
// said once, not once per row; an upload answers in Chinese, naming the sheet and the cell, with
// advice a manager can follow (no commands), and says who submitted it and who the file names.
TEST_F(ServeTest, TheReportPageOffersTheMonthsWorkbookAndAnswersUploadsInChinese) {
  // By the published name, as a manager's office writes it.
  AddConsoleUser("zhangsan", {"--role", "manager", "--project", "维修维护费"});
  AddConsoleUser("lisi", {"--role", "viewer"});
  Start();
  Drop("july.csv",
       "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07,12\n");
  ASSERT_TRUE(WaitFor([&] {
    return MetricsContain(
        "ptmon_indicator_actual{project=\"building-maintenance\",indicator=\"devices-maintained\"} "
        "12");
  })) << ptmon_->Log();
  const std::string cookie = SessionCookie("zhangsan");
  const HttpResult page =
      HttpGet(Url("/report?project=building-maintenance&period=2026-08"), {cookie});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("href=\"/report/template.xlsx?project=building-maintenance&amp;"
                           "period=2026-08\">下载本月 Excel 模板</a>"),
            std::string::npos)
      << page.body;
  // Today is 2026-08-15: August is the last month offered.
  EXPECT_NE(page.body.find("<option value=\"2026-08\""), std::string::npos);
  EXPECT_EQ(page.body.find("<option value=\"2026-09\""), std::string::npos);

  const std::string path = "/report/template.xlsx?project=building-maintenance&period=2026-08";
  const HttpResult workbook = HttpGet(Url(path), {cookie});
  ASSERT_EQ(workbook.status, 200) << workbook.body;
  EXPECT_EQ(workbook.headers.at("content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_NE(workbook.headers.at("content-disposition").find("report-building-maintenance-2026-08"),
            std::string::npos);
  const std::string template_path = dir_.Write("template.xlsx", workbook.body);
  const ProcessResult cells =
      RunProcess({"/usr/bin/python3", "-c",
                  "import sys, openpyxl\n"
                  "sheet = openpyxl.load_workbook(sys.argv[1]).worksheets[0]\n"
                  "for row in sheet.iter_rows(values_only=True):\n"
                  "    print('|'.join('' if v is None else str(v) for v in row))\n",
                  template_path});
  ASSERT_EQ(cells.exit_code, 0) << cells.err;
  EXPECT_NE(cells.out.find("|12台（7月）|台|"), std::string::npos) << cells.out;
  EXPECT_EQ(
      HttpGet(Url("/report/template.xlsx?project=retiree-heating&period=2026-08"), {cookie}).status,
      403);
  const std::string viewer = SessionCookie("lisi");
  EXPECT_EQ(HttpGet(Url(path), {viewer}).status, 403);
  EXPECT_EQ(HttpGet(Url(path)).status, 303);  // to the login

  const std::string csrf = console::InputValue(page.body, "csrf");
  const HttpResult future = HttpPost(
      Url("/report"),
      "csrf=" + csrf + "&project=building-maintenance&period=2026-09&c0_0=14&c1_0=20&c3_0=50000",
      {cookie, "Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(future.status, 422);
  const std::string once =
      "2026年9月还没到（今天是 2026-08-15），不能填报；请选择 2026年8月 或更早的月份。";
  const size_t said = future.body.find(once);
  ASSERT_NE(said, std::string::npos) << future.body;
  EXPECT_EQ(future.body.find(once, said + 1), std::string::npos) << "said once";
  EXPECT_EQ(future.body.find("还没到", said + once.size()), std::string::npos) << "not per row";

  auto upload = [&](const std::string& name, const std::string& content) {
    const std::string boundary = "ptmon-test-boundary";
    const std::string body = "--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                             name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
                             content + "\r\n--" + boundary + "--\r\n";
    return HttpPost(Url("/upload?csrf=" + csrf), body,
                    {cookie, "Content-Type: multipart/form-data; boundary=" + boundary});
  };
  // The downloaded workbook with a word where a number belongs.
  const ProcessResult filled =
      RunProcess({"/usr/bin/python3", "-c",
                  "import sys, openpyxl\n"
                  "book = openpyxl.load_workbook(sys.argv[1])\n"
                  "sheet = book.worksheets[0]\n"
                  "header = [c.value for c in sheet[1]]\n"
                  "sheet.cell(row=2, column=header.index('完成值') + 1).value = '很多'\n"
                  "book.save(sys.argv[2])\n",
                  template_path, dir_ / "filled.xlsx"});
  ASSERT_EQ(filled.exit_code, 0) << filled.out << filled.err;
  const HttpResult refused = upload("august.xlsx", ReadFile(dir_ / "filled.xlsx"));
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("「august.xlsx」有 1 处需要修改，整个文件都没有保存。"),
            std::string::npos)
      << refused.body;
  EXPECT_NE(refused.body.find("工作表「维修维护费」"), std::string::npos) << refused.body;
  EXPECT_NE(
      refused.body.find("2 单元格：&#39;完成值&#39;: &#39;很多&#39; 不是可用的数值，请核对后按 "
                        "12、6.2万 这样的写法填写"),
      std::string::npos)
      << refused.body;
  const HttpResult unreadable = upload("august.txt", "12\n");
  EXPECT_EQ(unreadable.status, 400);
  EXPECT_NE(unreadable.body.find("请在填报页下载本月 Excel 模板"), std::string::npos);
  const HttpResult applied = upload(
      "august.csv",
      "项目,指标,期间,完成值,填报人\nbuilding-maintenance,devices-maintained,2026-08,14,王五\n");
  EXPECT_EQ(applied.status, 200) << applied.body;
  EXPECT_NE(applied.body.find("「august.csv」已保存：1 个数据（第 "), std::string::npos)
      << applied.body;
  EXPECT_NE(applied.body.find("提交人（登录账号）：zhangsan；文件中的填报人：王五。"),
            std::string::npos)
      << applied.body;
  // The indicator's record says both: the account that submitted, the 填报人 the file named.
  const HttpResult history =
      HttpGet(Url("/projects/building-maintenance/history/devices-maintained"), {cookie});
  EXPECT_NE(history.body.find("upload-august.csv</td><td>zhangsan</td><td>王五</td>"),
            std::string::npos)
      << history.body;
  for (const HttpResult* answer : {&refused, &unreadable, &applied}) {
    for (const char* english : {"ptmon template", "ptmon revert", "applied", "rejected", " / '"})
      EXPECT_EQ(answer->body.find(english), std::string::npos) << english << " in " << answer->body;
  }
}

// HTTPS with a self-signed certificate: the console, /metrics and /healthz over TLS, cookies
// marked Secure, and plain HTTP to the port answered with nothing.
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

// A login is in the audit log or does not happen. Behind another writer (a long catalogue check,
// a large `ptmon ingest`) it waits for the write lock; held past the store's busy timeout, the
// login is refused and no session granted. Accounts are read beside the writer: a disabled one
// is refused at once.
TEST_F(ServeTest, ALoginBehindAnotherWriterWaitsAndIsNeverUnaudited) {
  const std::string password = dir_.Write("password", "correct horse 2026\n");
  for (const char* name : {"zhangsan", "lisi"}) {
    ASSERT_EQ(RunPtmon({"user", "add", name, "--role", "viewer", "--password-file", password,
                        "--data-dir", dir_ / "data"})
                  .exit_code,
              0);
  }
  Start();
  const std::string lisi = ConsoleLogin(Url(""), "lisi", "correct+horse+2026");
  ASSERT_NE(lisi, "");
  ASSERT_EQ(RunPtmon({"user", "disable", "lisi", "--data-dir", dir_ / "data"}).exit_code, 0);
  auto logins = [&](const std::string& name) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((dir_ / "data/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT count(*) FROM audit_log WHERE action = 'login' AND user_name = ?",
                       -1, &statement, nullptr);
    sqlite3_bind_text(statement, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    const int count = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int(statement, 0) : -1;
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return count;
  };
  DatabaseWriteLock lock(dir_ / "data/ptmon.db");
  const HttpResult disabled = HttpGet(Url("/"), {"Cookie: ptmon_session=" + lisi});
  EXPECT_EQ(disabled.status, 303);
  EXPECT_EQ(disabled.headers.at("location"), "/login?next=%2F");
  // The lock outlives the busy timeout: refused, nothing granted.
  EXPECT_EQ(ConsoleLogin(Url(""), "zhangsan", "correct+horse+2026"), "");
  EXPECT_EQ(logins("zhangsan"), 0);
  // Released after the 5 s a login once waited before going on unaudited: it waits, then succeeds.
  auto login = std::async(std::launch::async,
                          [&] { return ConsoleLogin(Url(""), "zhangsan", "correct+horse+2026"); });
  EXPECT_EQ(login.wait_for(std::chrono::seconds(6)), std::future_status::timeout);
  lock.Release();
  const std::string session = login.get();
  ASSERT_NE(session, "");
  EXPECT_EQ(logins("zhangsan"), 1);
  EXPECT_EQ(HttpGet(Url("/"), {"Cookie: ptmon_session=" + session}).status, 200);
}

// A console report is recorded as submitted before it is applied, its outcome after; behind a
// writer that outlives the busy timeout it is refused with nothing applied.
TEST_F(ServeTest, AReportIsAuditedBeforeItIsAppliedOrRefused) {
  const std::string password = dir_.Write("password", "correct horse 2026\n");
  ASSERT_EQ(
      RunPtmon({"user", "add", "zhangsan", "--role", "manager", "--project", "building-maintenance",
                "--password-file", password, "--data-dir", dir_ / "data"})
          .exit_code,
      0);
  Start();
  const std::string cookie = SessionCookie("zhangsan");
  const HttpResult form =
      HttpGet(Url("/report?project=building-maintenance&period=2026-07"), {cookie});
  ASSERT_EQ(form.status, 200);
  auto post = [&] {
    return HttpPost(Url("/report"),
                    "csrf=" + console::InputValue(form.body, "csrf") +
                        "&project=building-maintenance&period=2026-07&c0_0=12&c1_0=20&c5_0=96%25",
                    {cookie, "Content-Type: application/x-www-form-urlencoded"});
  };
  auto audited = [&] {
    const ProcessResult rows =
        RunProcess({"sqlite3", dir_ / "data/ptmon.db",
                    "SELECT group_concat(action, ' ') FROM audit_log WHERE action LIKE 'report%'"});
    return rows.out;
  };
  {
    DatabaseWriteLock lock(dir_ / "data/ptmon.db");
    const HttpResult refused = post();
    EXPECT_EQ(refused.status, 503);
    EXPECT_NE(refused.body.find("本次操作没有执行"), std::string::npos) << refused.body;
  }
  EXPECT_EQ(audited(), "\n");
  EXPECT_EQ(RunProcess({"sqlite3", dir_ / "data/ptmon.db", "SELECT count(*) FROM batch"}).out,
            "0\n");
  const HttpResult saved = post();
  EXPECT_EQ(saved.status, 200);
  EXPECT_NE(saved.body.find("已保存"), std::string::npos) << saved.body;
  EXPECT_EQ(audited(), "report_submitted report\n");
}

TEST_F(ServeTest, HttpsServesTheConsoleAndMetricsWithSecureCookies) {
  const std::string key = dir_ / "key.pem", cert = dir_ / "cert.pem";
  const ProcessResult made = RunProcess(
      {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
       "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string config =
      dir_.Write("ptmon.yaml", "tls:\n  cert_file: " + cert + "\n  key_file: " + key + "\n");
  port_ = FreePort();
  ptmon_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{PTMON_BINARY, "serve", "--config", config, "--listen",
                               "127.0.0.1:" + std::to_string(port_), "--data-dir", dir_ / "data",
                               "--now", now_},
      dir_ / "ptmon.log");
  const std::string https = "https://127.0.0.1:" + std::to_string(port_);
  auto curl = [&](const std::string& path, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {"curl", "-s", "-m", "30", "--cacert", cert};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(https + path);
    return RunProcess(argv);
  };
  ASSERT_TRUE(WaitFor([&] { return curl("/readyz").out == "ready\n"; })) << ptmon_->Log();
  EXPECT_NE(curl("/metrics").out.find("ptmon_indicator_info{project=\"building-maintenance\""),
            std::string::npos);
  const ProcessResult login = curl("/login", {"-i"});
  EXPECT_NE(login.out.find("HttpOnly; SameSite=Strict; Secure"), std::string::npos) << login.out;
  EXPECT_NE(login.out.find("lang=\"zh-CN\""), std::string::npos);
  EXPECT_EQ(HttpGet("http://127.0.0.1:" + std::to_string(port_) + "/healthz").status, 0)
      << "plain HTTP gets no answer from the TLS port";
  EXPECT_EQ(curl("/healthz").out, "ok\n") << "and the server goes on";
}

// Every sample of an exposition by its series (name and labels as written).
std::map<std::string, double> Samples(const std::string& exposition) {
  std::map<std::string, double> samples;
  std::istringstream lines(exposition);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

// ptmon's own request, ingest and evaluation histograms (prometheus-cpp's registry), appended to
// the cached exposition: each request and file the test makes is counted once under its route
// and code, source and result, with buckets that add up.
TEST_F(ServeTest, HistogramsCountEveryRequestAndFileOnMetrics) {
  const std::string config = dir_.Write("ptmon.yaml", "api:\n  token: " + kToken + "\n");
  AddConsoleUser("zhangsan", {"--role", "manager", "--project", "building-maintenance"});
  Start({"--config", config});
  const std::string cookie = SessionCookie("zhangsan");
  int scrapes = 0;  // after `before`: each shows the ones before it
  auto scrape = [&] {
    ++scrapes;
    return Metrics();
  };
  const auto before = Samples(Metrics());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(HttpGet(Url("/metrics")).status, 200);
  scrapes += 3;
  EXPECT_EQ(HttpGet(Url("/healthz")).status, 200);
  EXPECT_EQ(HttpGet(Url("/api/v1/nowhere")).status, 404);  // counted as route "other"
  EXPECT_EQ(HttpGet(Url("/login")).status, 200);
  const auto posted = HttpPost(
      Url("/api/v1/actuals"),
      "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07,14\n",
      {"Authorization: Bearer " + kToken, "Content-Type: text/csv"});
  EXPECT_EQ(posted.status, 200) << posted.body;
  const HttpResult form =
      HttpGet(Url("/report?project=building-maintenance&period=2026-07"), {cookie});
  EXPECT_EQ(form.status, 200);
  const HttpResult reported =
      HttpPost(Url("/report"),
               "csrf=" + console::InputValue(form.body, "csrf") +
                   "&project=building-maintenance&period=2026-07&c0_0=15&c1_0=20&c5_0=96%25",
               {cookie, "Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(reported.status, 200) << reported.body;
  Drop("july.csv", ReadFile(kData + "/golden/actuals-2026-07.csv"));
  ASSERT_TRUE(WaitFor([&] {
    return scrape().find("ptmon_ingest_files_total{result=\"applied\"} 3\n") != std::string::npos;
  })) << ptmon_->Log();
  const std::string text = scrape();
  const auto after = Samples(text);
  auto increase = [&](const std::string& series) {
    const auto at = after.find(series);
    if (at == after.end()) return -1.0;
    const auto was = before.find(series);
    return at->second - (was == before.end() ? 0 : was->second);
  };
  const std::string request = "ptmon_http_request_duration_seconds_count";
  EXPECT_EQ(increase(request + "{code=\"200\",route=\"/metrics\"}"), scrapes);
  EXPECT_EQ(increase(request + "{code=\"200\",route=\"/healthz\"}"), 1);
  EXPECT_EQ(increase(request + "{code=\"404\",route=\"other\"}"), 1);
  EXPECT_EQ(increase(request + "{code=\"200\",route=\"console_login\"}"), 1);
  EXPECT_EQ(increase(request + "{code=\"200\",route=\"/api/v1/actuals\"}"), 1);
  EXPECT_EQ(increase(request + "{code=\"200\",route=\"console_page\"}"), 1);
  EXPECT_EQ(increase(request + "{code=\"200\",route=\"console_form\"}"), 1);
  const std::string ingest = "ptmon_ingest_duration_seconds_count";
  EXPECT_EQ(increase(ingest + "{result=\"applied\",source=\"api\"}"), 1);
  EXPECT_EQ(increase(ingest + "{result=\"applied\",source=\"inbox\"}"), 1);
  EXPECT_EQ(increase(ingest + "{result=\"applied\",source=\"console\"}"), 1);
  EXPECT_EQ(increase("ptmon_evaluation_run_duration_seconds_count{kind=\"batch\"}"), 3);
  EXPECT_GE(after.at("ptmon_evaluation_run_duration_seconds_count{kind=\"full\"}"), 1);
  EXPECT_GT(increase("ptmon_ingest_values_total"), 1);
  // Each histogram's buckets are cumulative, the +Inf one its count; its sum is a duration.
  int histograms = 0;
  for (const auto& [series, count] : after) {
    const size_t suffix = series.find("_count{");
    if (suffix == std::string::npos) continue;
    const std::string name = series.substr(0, suffix);
    const std::string labels = series.substr(suffix + 7, series.size() - suffix - 8);
    const std::string prefix = name + "_bucket{" + labels + ",le=\"";
    std::vector<std::pair<double, double>> buckets;  // upper bound, cumulative count
    for (const auto& [other, value] : after) {
      if (!other.starts_with(prefix)) continue;
      const std::string le = other.substr(prefix.size(), other.size() - prefix.size() - 2);
      buckets.emplace_back(le == "+Inf" ? INFINITY : std::stod(le), value);
    }
    std::sort(buckets.begin(), buckets.end());
    ASSERT_GE(buckets.size(), 10u) << series;
    for (size_t i = 1; i < buckets.size(); ++i)
      EXPECT_LE(buckets[i - 1].second, buckets[i].second) << series;
    EXPECT_EQ(buckets.back().first, INFINITY) << series;
    EXPECT_EQ(buckets.back().second, count) << series;
    EXPECT_GE(after.at(name + "_sum{" + labels + "}"), 0) << series;
    ++histograms;
  }
  EXPECT_GE(histograms, 8);
  EXPECT_EQ(text.find("nowhere"), std::string::npos) << "a path asked for became a label";
  // One TYPE line per family across the cached part and the scrape's own.
  std::set<std::string> families;
  for (size_t at = text.find("# TYPE "); at != std::string::npos;
       at = text.find("# TYPE ", at + 1)) {
    const std::string name = text.substr(at + 7, text.find(' ', at + 7) - at - 7);
    EXPECT_TRUE(families.insert(name).second) << "two TYPE lines for " << name;
  }
  EXPECT_NE(Gunzip(HttpGet(Url("/metrics"), {"Accept-Encoding: gzip"}).body)
                .find("# TYPE ptmon_http_request_duration_seconds histogram\n"),
            std::string::npos);
  const auto promtool = RunProcess({"promtool", "check", "metrics"}, text);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
}

}  // namespace
}  // namespace ptmon
