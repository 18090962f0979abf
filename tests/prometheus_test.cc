// /metrics as Prometheus reads it: a real Prometheus scraping ptmon and running the shipped
// dashboard's and rules' queries, and ptmon's own histograms counting what the test does.
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "serve_fixture.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;
using Json = nlohmann::json;

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
               "csrf=" + InputValue(form.body, "csrf") +
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
