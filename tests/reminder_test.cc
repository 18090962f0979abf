// Issue #34's sequence: nobody forgets to report. Two managers of three projects, the real daemon
// on an injected date (restarted day by day, as the date moves), a real Alertmanager routing by
// the configuration `ptmon user export-alertmanager` generates from the accounts, and a webhook
// receiver (a WeCom or DingTalk bridge) started here: it must receive the reminders of the
// manager who has not reported, and nothing for the one who has.
#include <filesystem>
#include <mutex>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <ptmon/http/http_server.h>

#include "serve_fixture.h"

namespace ptmon {
namespace {

using namespace testing_support;
using Json = nlohmann::json;

// lijun reports for 供暖补贴; wangfang for 维修维护费 and 业务培训费.
const std::string kCatalog = R"(unit: {id: test-unit, name: 测试单位}
year: 2026
projects:
  - id: heating
    name: 供暖补贴
    department: 209-测试
    funds:
      period: {total: 1200000, provincial: 1200000}
      annual: {total: 1200000, provincial: 1200000}
    indicators:
      - {id: households, level1: 产出指标, level2: 数量指标, name: 补贴户数, target: "≥1200户"}
  - id: repairs
    name: 维修维护费
    department: 209-测试
    funds:
      period: {total: 1200000, provincial: 1200000}
      annual: {total: 1200000, provincial: 1200000}
    indicators:
      - {id: devices, level1: 产出指标, level2: 数量指标, name: 设备维护数量, target: "≥120台"}
  - id: training
    name: 业务培训费
    department: 209-测试
    funds:
      period: {total: 1200000, provincial: 1200000}
      annual: {total: 1200000, provincial: 1200000}
    indicators:
      - {id: trainees, level1: 产出指标, level2: 数量指标, name: 培训人次, target: "≥1200人次"}
)";

// What a project's manager reports for a month: its indicator and its spending, on plan.
std::string Report(const std::string& project, const std::string& indicator, int month) {
  return project + "," + indicator + ",2026-" + (month < 10 ? "0" : "") + std::to_string(month) +
         "," + std::to_string(month * 100) + "\n" + project + ",预算执行数,2026-" +
         (month < 10 ? "0" : "") + std::to_string(month) + "," + std::to_string(month * 10) +
         "万元\n";
}
const std::string kHeader = "project,indicator,period,value\n";

// The webhook a unit points at its WeCom or DingTalk bridge: every notification Alertmanager
// posts, with the query the generated configuration gave its URL.
class Webhook final : public HttpServer::Routes {
 public:
  struct Notification {
    std::string query;
    Json body;
  };
  std::optional<HttpResponse> Admit(HttpRequest&) override { return std::nullopt; }
  void Handle(HttpRequest request, HttpServer::Respond respond) override {
    {
      std::lock_guard lock(mutex_);
      received_.push_back(
          {request.query, Json::parse(request.body.view(), nullptr, /*allow_exceptions=*/false)});
    }
    respond(HttpResponse::Text(200, ""));
  }
  std::vector<Notification> Received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // Whether a notification said that the alert `alertname` of `project` is `status`.
  bool Saw(const std::string& alertname, const std::string& project, const std::string& status) {
    for (const Notification& notification : Received()) {
      if (!notification.body.is_object()) continue;
      for (const Json& alert : notification.body["alerts"]) {
        if (alert["labels"].value("alertname", "") == alertname &&
            alert["labels"].value("project", "") == project && alert["status"] == status)
          return true;
      }
    }
    return false;
  }

 private:
  std::mutex mutex_;
  std::vector<Notification> received_;
};

class ReminderTest : public ServeTest {
 protected:
  void SetUp() override {
    catalog_ = dir_.Write("catalog.yaml", kCatalog);
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    auto server = HttpServer::Start(options, webhook_);
    ASSERT_TRUE(server.ok()) << server.status().message();
    webhook_server_ = std::move(server).value();
    AddConsoleUser("lijun", {"--role", "manager", "--project", "heating", "--catalog", catalog_,
                             "--email", "lijun@example.gov.cn", "--wecom", "LiJun"});
    AddConsoleUser("wangfang", {"--role", "manager", "--project", "维修维护费", "--project",
                                "training", "--catalog", catalog_, "--wecom", "WangFang"});
    // June, reported by everyone in July: nothing is overdue before the sequence starts.
    const std::string june = dir_.Write("june.csv", kHeader + Report("heating", "households", 6) +
                                                        Report("repairs", "devices", 6) +
                                                        Report("training", "trainees", 6));
    const ProcessResult ingested = RunPtmon({"ingest", "--catalog", catalog_, "--data-dir",
                                             dir_ / "data", "--now", "2026-07-08", june});
    ASSERT_EQ(ingested.exit_code, 0) << ingested.err;
  }

  // The shipped Alertmanager configuration with the routes and receivers generated from the
  // accounts, each manager's webhook naming their WeCom id. Only what makes a test wait is
  // changed: the groups' waits (minutes in production) and the mail server (none here).
  std::string GeneratedAlertmanagerConfig() {
    const std::string webhook =
        "http://127.0.0.1:" + std::to_string(webhook_server_->port()) + "/wecom?user={wecom}";
    const ProcessResult exported = RunPtmon(
        {"user", "export-alertmanager", "--data-dir", dir_ / "data", "--webhook-url", webhook,
         "--template", std::string(PTMON_SOURCE_DIR) + "/deploy/alertmanager/alertmanager.yml"});
    EXPECT_EQ(exported.exit_code, 0) << exported.err;
    std::string config =
        std::regex_replace(exported.out, std::regex("(group_wait|group_interval): \\S+"), "$1: 1s");
    config = std::regex_replace(config, std::regex("smtp_smarthost: \\S+"),
                                "smtp_smarthost: 127.0.0.1:" + std::to_string(FreePort()));
    return config;
  }

  // ptmon serving `today`, after the previous day's daemon stopped (its alerts kept in the store).
  void ServeOn(const std::string& today) {
    if (ptmon_) {
      ptmon_->Signal(SIGTERM);
      ASSERT_EQ(ptmon_->Wait(), 0) << ptmon_->Log();
    }
    now_ = today;
    // Alertmanager keeps a firing alert 4 resend intervals: longer than a restart takes.
    const std::string config = dir_.Write(
        "ptmon.yaml", "alerting:\n  resend_interval: 10s\n  alertmanagers: ['" + AmUrl("") + "']\n");
    Start({"--config", config, "--catalog", catalog_});
  }

  std::string AmUrl(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(am_port_) + path;
  }
  // Alertmanager's active alerts named `alertname`, as "project/owner".
  std::set<std::string> Active(const std::string& alertname) const {
    std::set<std::string> active;
    const auto response =
        HttpGet(AmUrl("/api/v2/alerts?filter=alertname%3D%22" + alertname + "%22"));
    if (response.status != 200)
      return {"(Alertmanager answered " + std::to_string(response.status) + ")"};
    for (const Json& alert : Json::parse(response.body)) {
      if (alert["status"]["state"] != "active") continue;
      active.insert(alert["labels"].value("project", "") + "/" +
                    alert["labels"].value("owner", ""));
    }
    return active;
  }

  std::string catalog_;
  Webhook webhook_;
  std::unique_ptr<HttpServer> webhook_server_;
  int am_port_ = 0;
  std::unique_ptr<ChildProcess> alertmanager_;
};

TEST_F(ReminderTest, OnlyTheManagerWhoHasNotReportedIsRemindedAndThenNamedOverdue) {
  am_port_ = FreePort();
  alertmanager_ = StartAlertmanager(dir_.path(), am_port_, GeneratedAlertmanagerConfig());
  ASSERT_NE(alertmanager_, nullptr) << ReadFile(dir_ / "alertmanager.log");

  // The 6th: four days before July's reports are due, no reminder yet. lijun reports.
  ServeOn("2026-08-06");
  Drop("lijun.csv", kHeader + Report("heating", "households", 7));
  ASSERT_TRUE(WaitFor([&] {
    return MetricsContain("ptmon_ingest_files_total{result=\"applied\"} 1");
  })) << ptmon_->Log();
  EXPECT_EQ(Active("PtmonReportDueSoon"), std::set<std::string>{});

  // The 7th: wangfang is reminded, by name, once per project; lijun is not.
  ServeOn("2026-08-07");
  const std::set<std::string> wangfang_due = {"repairs/wangfang", "training/wangfang"};
  ASSERT_TRUE(WaitFor([&] { return Active("PtmonReportDueSoon") == wangfang_due; }))
      << ptmon_->Log() << alertmanager_->Log();
  ASSERT_TRUE(WaitFor([&] {
    return webhook_.Saw("PtmonReportDueSoon", "repairs", "firing") &&
           webhook_.Saw("PtmonReportDueSoon", "training", "firing");
  })) << alertmanager_->Log();
  for (const auto& notification : webhook_.Received()) {
    if (!notification.body.is_object()) continue;
    const Json& alert = notification.body["alerts"][0];
    if (alert["labels"]["project"] != "repairs") continue;
    EXPECT_EQ(alert["annotations"]["summary"],
              "「维修维护费」2026年7月的数据请于 8月10日前报送，还有 2 项未报");
    EXPECT_EQ(alert["annotations"]["missing"], "设备维护数量、预算执行数");
    EXPECT_EQ(alert["annotations"]["due_date"], "2026-08-10");
    EXPECT_EQ(alert["annotations"]["report_url"], Url("/report?project=repairs&period=2026-07"));
    EXPECT_EQ(alert["generatorURL"], Url("/report?project=repairs&period=2026-07"));
  }

  // The 9th: wangfang reports 维修维护费; its reminder resolves, 业务培训费's stays.
  ServeOn("2026-08-09");
  Drop("wangfang.csv", kHeader + Report("repairs", "devices", 7));
  ASSERT_TRUE(WaitFor([&] {
    return Active("PtmonReportDueSoon") == std::set<std::string>{"training/wangfang"};
  })) << ptmon_->Log();
  ASSERT_TRUE(WaitFor([&] { return webhook_.Saw("PtmonReportDueSoon", "repairs", "resolved"); }))
      << alertmanager_->Log();

  // The 11th: July is overdue where it is missing, and the alert names who must report it.
  ServeOn("2026-08-11");
  ASSERT_TRUE(WaitFor([&] {
    return Active("PtmonReportOverdue") == std::set<std::string>{"training/wangfang"} &&
           Active("PtmonReportDueSoon").empty();
  })) << ptmon_->Log();
  ASSERT_TRUE(WaitFor([&] { return webhook_.Saw("PtmonReportOverdue", "training", "firing"); }))
      << alertmanager_->Log();

  // Everything the webhook received was wangfang's, sent to her WeCom id; lijun's (who has a
  // route of her own) nothing.
  std::set<std::string> reminded;
  for (const auto& notification : webhook_.Received()) {
    ASSERT_TRUE(notification.body.is_object());
    EXPECT_EQ(notification.query, "user=WangFang");
    for (const Json& alert : notification.body["alerts"]) {
      EXPECT_EQ(alert["labels"]["owner"], "wangfang") << alert.dump();
      if (alert["labels"]["alertname"] == "PtmonReportDueSoon")
        reminded.insert(alert["labels"]["project"].get<std::string>());
    }
  }
  EXPECT_EQ(reminded, (std::set<std::string>{"repairs", "training"}));
}

}  // namespace
}  // namespace ptmon
