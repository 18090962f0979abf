// More than one machine, as a province runs ptmon: three budget units, each its own `ptmon serve`
// with its own catalogue and data; a Prometheus scraping the three with the shipped rules
// (deploy/prometheus/ptmon-rules.yml); and a second Prometheus federating from the first with
// the shipped federation job (deploy/prometheus/federation.yml). The province's figures read
// from the second — budget execution and red projects per unit — equal what each instance's
// own /api/v1/status says, computed here from its JSON.
#include <cmath>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;
using Json = nlohmann::json;

const std::string kDeploy = std::string(PTMON_SOURCE_DIR) + "/deploy";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// A budget unit: its catalogue (the embedded one under another unit id, so that every unit has
// the same project ids, as units with the same kinds of projects do), its data and its daemon.
struct Unit {
  std::string id;
  int port = 0;
  std::unique_ptr<ChildProcess> ptmon;
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
};

TEST(FederationTest, AProvincePrometheusFederatingThreeUnitsAddsUpToWhatEachReports) {
  TempDir dir;
  const std::string catalog =
      ReadFile(std::string(PTMON_SOURCE_DIR) + "/config/default-catalog.yaml");
  // Each unit reports a different July: spending and one count, so that lights and execution
  // differ between units.
  const std::vector<std::pair<std::string, std::string>> units = {
      {"shanxi-social-insurance",
       "building-maintenance,spent,2026-07,300000\n"
       "building-maintenance,devices-maintained,2026-07,20\n"},
      {"unit-b",
       "building-maintenance,spent,2026-07,50000\n"
       "meetings-training,spent,2026-07,81000\n"
       "building-maintenance,devices-maintained,2026-07,3\n"},
      {"unit-c", "retiree-heating,spent,2026-07,400000000\n"}};
  std::vector<Unit> instances;
  for (const auto& [id, rows] : units) {
    Unit unit;
    unit.id = id;
    const std::string home = dir / id;
    const std::string catalog_path = dir.Write(
        id + "/catalog.yaml", Replace(Replace(catalog, "id: shanxi-social-insurance", "id: " + id),
                                      "name: 山西省社会保险局", "name: 单位 " + id));
    dir.Write(id + "/data/inbox/july.csv", "project,indicator,period,value\n" + rows);
    unit.port = FreePort();
    unit.ptmon = std::make_unique<ChildProcess>(
        std::vector<std::string>{PTMON_BINARY, "serve", "--listen",
                                 "127.0.0.1:" + std::to_string(unit.port), "--data-dir",
                                 home + "/data", "--catalog", catalog_path, "--now", "2026-08-15"},
        home + "/ptmon.log");
    instances.push_back(std::move(unit));
  }
  for (const auto& unit : instances) {
    ASSERT_TRUE(WaitFor([&] {
      return HttpGet(unit.Url("/metrics"))
                 .body.find("ptmon_ingest_files_total{result=\"applied\"} 1\n") !=
             std::string::npos;
    })) << unit.ptmon->Log();
  }

  // The unit-level Prometheus: the shipped rules, the three units as targets.
  fs::create_directories(dir / "unit-prometheus/tsdb");
  dir.Write("unit-prometheus/ptmon-rules.yml", ReadFile(kDeploy + "/prometheus/ptmon-rules.yml"));
  std::string targets;
  for (const auto& unit : instances)
    targets += (targets.empty() ? "'" : ", '") + std::string("127.0.0.1:") +
               std::to_string(unit.port) + "'";
  const std::string unit_config =
      dir.Write("unit-prometheus/prometheus.yml",
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n"
                "  - ptmon-rules.yml\nscrape_configs:\n  - job_name: ptmon\n    static_configs:\n"
                "      - targets: [" +
                    targets + "]\n");
  const int unit_port = FreePort();
  ChildProcess unit_prometheus({"prometheus", "--config.file=" + unit_config,
                                "--storage.tsdb.path=" + (dir / "unit-prometheus/tsdb"),
                                "--web.listen-address=127.0.0.1:" + std::to_string(unit_port)},
                               dir / "unit-prometheus/prometheus.log");

  // The province's Prometheus: the shipped federation job, pointed at the unit Prometheus.
  YAML::Node federation = YAML::LoadFile(kDeploy + "/prometheus/federation.yml");
  YAML::Node job = federation["scrape_configs"][0];
  job["scrape_interval"] = "1s";
  job["scrape_timeout"] = "1s";
  job["static_configs"][0]["targets"][0] = "127.0.0.1:" + std::to_string(unit_port);
  federation["global"]["scrape_interval"] = "1s";
  federation["global"]["evaluation_interval"] = "1s";
  fs::create_directories(dir / "province-prometheus/tsdb");
  YAML::Emitter emitter;
  emitter << federation;
  const std::string province_config =
      dir.Write("province-prometheus/prometheus.yml", emitter.c_str());
  const int province_port = FreePort();
  ChildProcess province_prometheus(
      {"prometheus", "--config.file=" + province_config,
       "--storage.tsdb.path=" + (dir / "province-prometheus/tsdb"),
       "--web.listen-address=127.0.0.1:" + std::to_string(province_port)},
      dir / "province-prometheus/prometheus.log");

  auto query = [&](const std::string& expr) {
    const auto response = HttpGet("http://127.0.0.1:" + std::to_string(province_port) +
                                  "/api/v1/query?query=" + UrlEncode(expr));
    const Json json = Json::parse(response.body, nullptr, false);
    std::map<std::string, double> by_unit;
    if (json.is_discarded() || json.value("status", "") != "success") return by_unit;
    for (const auto& series : json["data"]["result"]) {
      by_unit[series["metric"].value("budget_unit", "")] =
          std::stod(series["value"][1].get<std::string>());
    }
    return by_unit;
  };
  // What each unit says of itself, computed from its status API.
  std::map<std::string, double> execution, red_projects;
  for (const auto& unit : instances) {
    const Json status = Json::parse(HttpGet(unit.Url("/api/v1/status")).body);
    double spent = 0, budget = 0;
    int red = 0;
    for (const auto& project : status["projects"]) {
      if (!project["budget"]["spent_yuan"].is_null())
        spent += project["budget"]["spent_yuan"].get<double>();
      budget += project["budget"]["annual_yuan"].get<double>();
      red += project["light"] == "red";
    }
    execution[unit.id] = spent / budget;
    red_projects[unit.id] = red;
  }
  // The units differ, or the comparison below could not tell them apart.
  ASSERT_NE(red_projects["shanxi-social-insurance"], red_projects["unit-b"]);
  ASSERT_NE(execution["shanxi-social-insurance"], execution["unit-c"]);

  ASSERT_TRUE(WaitFor(
      [&] {
        return query("ptmon:budget_unit_budget_execution:ratio").size() == 3 &&
               query("ptmon:budget_unit_red_projects:sum").size() == 3;
      },
      std::chrono::seconds(90)))
      << province_prometheus.Log() << unit_prometheus.Log();
  const auto federated_execution = query("ptmon:budget_unit_budget_execution:ratio");
  const auto federated_red = query("ptmon:budget_unit_red_projects:sum");
  for (const auto& unit : instances) {
    SCOPED_TRACE(unit.id);
    EXPECT_NEAR(federated_execution.at(unit.id), execution[unit.id], 1e-12);
    EXPECT_EQ(federated_red.at(unit.id), red_projects[unit.id]);
  }
  // The units' raw series arrive too, one per unit and indicator: the same project id in three
  // units stays three series.
  const auto devices =
      query("count by (budget_unit) (ptmon_project_info{project=\"building-maintenance\"})");
  EXPECT_EQ(devices.size(), 3u);
  const auto indicators = query(
      "count(ptmon_indicator_light{project=\"building-maintenance\",indicator=\"devices-"
      "maintained\"})");
  EXPECT_EQ(indicators.begin()->second, 3);
}

}  // namespace
}  // namespace ptmon
