// ptmon's alerts at a real Alertmanager from Debian: firing, resolving, surviving its absence,
// and what `ptmon alerts` lists.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "serve_fixture.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;
using Json = nlohmann::json;

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
  // Issue #30: the label name the metrics use, figures in the target's unit (a count is whole),
  // the link to the console's page, and red is critical alone: no warning saying 黄灯.
  EXPECT_EQ(alert["labels"]["budget_unit"], "shanxi-social-insurance");
  EXPECT_EQ(alert["annotations"]["summary"], "「维修维护费」设备维护数量 进度落后（红灯）");
  EXPECT_EQ(alert["annotations"]["reason"], "人员保障：技术人员不足");
  EXPECT_EQ(alert["annotations"]["action"], "增派人员");
  EXPECT_NE(alert["annotations"]["description"].get<std::string>().find(
                "1–7月完成 3台，按进度应完成 18台"),
            std::string::npos)
      << alert["annotations"]["description"];
  EXPECT_EQ(alert["generatorURL"], Url("/projects/building-maintenance"));
  EXPECT_TRUE(AmAlert("PtmonIndicatorBehind", "warning").is_null())
      << "red is critical alone; its warning would read 黄灯";
  // The corrective report: green resolves it.
  Drop("green.csv", kGreen);
  ASSERT_TRUE(WaitFor([&] { return AmAlert("PtmonIndicatorBehind", "critical").is_null(); }))
      << ptmon_->Log();
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
  // Kept as a row of numbers and label values (schema 9), not as JSON keyed by a fingerprint.
  const auto row = RunProcess(
      {"sqlite3", dir_ / "data/ptmon.db",
       "SELECT rule, phase, strftime('%Y-%m-%dT%H:%M:%S', fired_at, 'unixepoch') FROM alert "
       "WHERE project = 'building-maintenance' AND indicator = 'devices-maintained'"});
  EXPECT_EQ(row.out, "2|1|" + starts_at.substr(0, 19) + "\n") << row.err;
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
