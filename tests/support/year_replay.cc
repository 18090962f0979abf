#include "year_replay.h"

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <signal.h>

#include "daemon.h"
#include "process.h"
#include "replay_oracle.h"
#include "spreadsheet.h"

namespace ptmon::testing_support {

namespace {

namespace fs = std::filesystem;
using namespace replay;  // the oracle is this file's own, split out for its size

// --- comparing -----------------------------------------------------------------------------------

class Comparison {
 public:
  Comparison(ReplayResult& result, std::string where) : result_(result), where_(std::move(where)) {}

  void Equal(const std::string& what, const Json& got, std::string_view expected) {
    ++result_.checks;
    if (!got.is_string() || got.get<std::string>() != expected)
      Fail(what, got.dump(), std::string(expected));
  }
  void EqualFlag(const std::string& what, const Json& got, bool expected) {
    ++result_.checks;
    if (!got.is_boolean() || got.get<bool>() != expected)
      Fail(what, got.dump(), expected ? "true" : "false");
  }
  // Numbers agree within `tolerance` (absolute), or both are absent.
  void Near(const std::string& what, const Json& got, std::optional<double> expected,
            double tolerance) {
    ++result_.checks;
    if (!expected) {
      if (!got.is_null()) Fail(what, got.dump(), "null");
      return;
    }
    if (!got.is_number() || std::abs(got.get<double>() - *expected) > tolerance) {
      std::ostringstream text;
      text.precision(12);
      text << *expected;
      Fail(what, got.dump(), text.str());
    }
  }
  void Count(const std::string& what, long long got, long long expected) {
    ++result_.checks;
    if (got != expected) Fail(what, std::to_string(got), std::to_string(expected));
  }

 private:
  void Fail(const std::string& what, const std::string& got, const std::string& expected) {
    if (result_.mismatches.size() < 40)
      result_.mismatches.push_back(where_ + ": " + what + " is " + got + ", the rules say " +
                                   expected);
  }
  ReplayResult& result_;
  std::string where_;
};

double Relative(std::optional<double> value) { return value ? std::abs(*value) * 1e-9 + 1e-9 : 0; }

void CompareStatus(const Json& status, const Oracle& oracle,
                   const std::vector<OracleProjectStatus>& expected, Comparison& check) {
  const auto& projects = oracle.catalog().projects;
  check.Count("number of projects", static_cast<long long>(status["projects"].size()),
              static_cast<long long>(projects.size()));
  if (status["projects"].size() != projects.size()) return;
  for (size_t p = 0; p < projects.size(); ++p) {
    const Json& got = status["projects"][p];
    const OracleProjectStatus& want = expected[p];
    const std::string at = projects[p].id;
    check.Equal(at + " light", got["light"], LightName(want.light));
    const Json& score =
        got["score"].contains("actual") ? got["score"]["actual"] : got["score"]["forecast"];
    check.Near(at + " score", score, want.score, 0.005);
    check.Equal(at + " grade", got["score"]["grade"], want.grade);
    const Json& budget = got["budget"];
    check.Equal(at + " budget light", budget["light"], LightName(want.budget.light));
    check.EqualFlag(at + " budget overdue", budget["overdue"], want.budget.overdue);
    check.Near(at + " spent", budget["spent_yuan"], want.budget.spent, Relative(want.budget.spent));
    check.Near(at + " execution", budget["execution"], want.budget.execution, 0.00005001);
    check.Near(at + " ratio to time", budget["ratio_to_time"], want.budget.ratio, 0.00005001);
    check.Near(at + " budget score", budget["score"], want.budget.score, 0.005);
    for (size_t i = 0; i < projects[p].indicators.size(); ++i) {
      const Json& g = got["indicators"][i];
      const OracleStatus& w = want.indicators[i];
      const std::string in = at + "/" + projects[p].indicators[i].id;
      check.Equal(in + " light", g["light"], LightName(w.light));
      check.EqualFlag(in + " overdue", g["overdue"], w.overdue);
      check.Near(in + " actual", g["actual"], w.actual, Relative(w.actual));
      check.Near(in + " expected", g["expected"], w.expected, Relative(w.expected));
      check.Near(in + " progress %", g["progress_pct"],
                 w.progress ? std::optional<double>(Cents(*w.progress * 100)) : std::nullopt,
                 0.0100001);
      if (projects[p].indicators[i].kind == "qualitative") {
        if (w.grade.empty())
          check.Near(in + " grade", g["grade"], std::nullopt, 0);
        else
          check.Equal(in + " grade", g["grade"], w.grade);
      } else {
        check.Near(in + " forecast", g["forecast"], w.forecast, Relative(w.forecast));
      }
      check.Near(in + " weight", g["weight"], w.weight, 0.0001);
      check.Near(in + " score", g["score"], w.score, 0.0100001);
      if (w.reason.empty()) {
        check.Near(in + " reason", g["reason"], std::nullopt, 0);
      } else {
        check.Equal(in + " reason", g["reason"]["text"], w.reason);
        check.Equal(in + " action", g["reason"]["action"], w.action);
      }
    }
  }
}

// The value of a sample in the text exposition, or NaN when absent.
std::map<std::string, double> Samples(const std::string& exposition, const std::string& family) {
  std::map<std::string, double> samples;
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with(family + "{") && !line.starts_with(family + " ")) continue;
    const size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return samples;
}

void CompareMetrics(const std::string& exposition, const Oracle& oracle,
                    const std::vector<OracleProjectStatus>& expected, Comparison& check) {
  const auto lights = Samples(exposition, "ptmon_indicator_light");
  const auto project_lights = Samples(exposition, "ptmon_project_light");
  const auto scores = Samples(exposition, "ptmon_project_score");
  const auto& projects = oracle.catalog().projects;
  for (size_t p = 0; p < projects.size(); ++p) {
    const std::string project = "project=\"" + projects[p].id + "\"";
    auto light = project_lights.find("ptmon_project_light{" + project + "}");
    check.Count(projects[p].id + " ptmon_project_light",
                light == project_lights.end() ? -1 : std::llround(light->second),
                expected[p].light);
    auto score = scores.find("ptmon_project_score{" + project + "}");
    check.Count(projects[p].id + " ptmon_project_score (cents)",
                score == scores.end() ? -1 : std::llround(score->second * 100),
                std::llround(expected[p].score * 100));
    for (size_t i = 0; i < projects[p].indicators.size(); ++i) {
      const std::string key = "ptmon_indicator_light{" + project + ",indicator=\"" +
                              projects[p].indicators[i].id + "\"}";
      auto found = lights.find(key);
      check.Count(key, found == lights.end() ? -1 : std::llround(found->second),
                  expected[p].indicators[i].light);
    }
  }
}

std::set<Oracle::AlertKey> FiringIn(const Json& alerts, bool alertmanager) {
  std::set<Oracle::AlertKey> firing;
  for (const auto& alert : alertmanager ? alerts : alerts["alerts"]) {
    if (alertmanager ? alert["status"]["state"] != "active" : alert["state"] != "firing") continue;
    const Json& labels = alert["labels"];
    if (labels.value("alertname", "") == "PtmonIngestStale") continue;
    firing.insert({labels.value("alertname", ""), labels.value("severity", ""),
                   labels.value("project", ""), labels.value("indicator", "")});
  }
  return firing;
}

std::string Describe(const std::set<Oracle::AlertKey>& alerts) {
  std::string text;
  for (const auto& key : alerts) text += " " + key[0] + "/" + key[1] + "/" + key[2] + "/" + key[3];
  return text.empty() ? " (none)" : text;
}

// --- the scenario --------------------------------------------------------------------------------

struct Row {
  std::string project, indicator;
  int month;
  std::string text;  // as written in the file
  Reported value;    // as the oracle records it
};

const std::vector<std::string> kReportHeader = {"project", "indicator",       "period",
                                                "value",   "reason_category", "reason",
                                                "action",  "likelihood",      "reporter"};

// The cells of a report row, as a manager writes them.
std::vector<std::string> Cells(const Row& row, const std::string& reporter) {
  char period[32];
  std::snprintf(period, sizeof period, "2026-%02d", row.month);
  const bool reason = !row.value.reason.empty();
  return {row.project,      row.indicator,          period,
          row.text,         reason ? "人员" : "",   row.value.reason,
          row.value.action, reason ? "有可能" : "", reporter};
}

// Every file names its reporter; a file number in the name keeps every file's bytes unique, so
// only a deliberate re-send is a duplicate.
std::string Csv(const std::vector<Row>& rows, const std::string& reporter) {
  std::string csv;
  for (const auto& field : kReportHeader) csv += (csv.empty() ? "" : ",") + field;
  csv += "\n";
  for (const auto& row : rows) {
    std::string line;
    for (const auto& cell : Cells(row, reporter)) line += (line.empty() ? "" : ",") + cell;
    csv += line + "\n";
  }
  return csv;
}

// The same report as an Excel workbook: numbers in number cells, rates in percentage cells, the
// period a date cell.
std::string Xlsx(const std::vector<Row>& rows, const std::string& reporter) {
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : rows) cells.push_back(Cells(row, reporter));
  return XlsxReport(kReportHeader, cells);
}

std::string Decimal(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

class Scenario {
 public:
  explicit Scenario(uint64_t seed) : random_(seed) {}

  double Pick(std::initializer_list<double> choices) {
    std::uniform_int_distribution<size_t> index(0, choices.size() - 1);
    return *(choices.begin() + index(random_));
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(random_); }
  std::mt19937_64& random() { return random_; }

  // A value for `indicator` in `month` as a manager would report it, and how the oracle reads it.
  Row Value(const OracleProject& project, const OracleIndicator& indicator, int month) {
    Row row{project.id, indicator.id, month, "", {}};
    if (indicator.kind == "qualitative") {
      row.value.grade = Chance(0.7) ? "达成" : Chance(0.6) ? "部分达成" : "未达成";
      row.text = row.value.grade;
    } else {
      const double target = *indicator.target;
      double value = 0;
      if (indicator.kind == "reverse") {
        value = target * Pick({0.5, 0.85, 1.3, 2.4});
      } else if (indicator.year_to_date) {
        const double share = indicator.pace.empty() ? month / 12.0 : indicator.pace[month - 1];
        value = target * std::max(share, 0.05) * Pick({0.45, 0.7, 0.95, 1.1, 1.35});
      } else if (indicator.unit == "%") {
        value = std::min(target * Pick({0.5, 0.7, 0.9, 1.02}), 1.0);
      } else {
        value = target * Pick({0.55, 0.95, 1.0, 1.1});
      }
      if (indicator.unit == "%") {
        row.text = Decimal(value * 100) + "%";
        row.value.value = std::strtod(Decimal(value * 100).c_str(), nullptr) / 100;
      } else {
        row.text = Decimal(value);
        row.value.value = std::strtod(row.text.c_str(), nullptr);
      }
    }
    if (Chance(0.25)) {
      row.value.reason = "原因" + std::to_string(random_() % 1000);
      row.value.action = "措施" + std::to_string(random_() % 1000);
    }
    return row;
  }

  Row Spending(const OracleProject& project, int month) {
    const double spent = project.annual_yuan * month / 12.0 * Pick({0.4, 0.7, 0.9, 1.1});
    Row row{project.id, "spent", month, Decimal(spent), {}};
    row.value.value = std::strtod(row.text.c_str(), nullptr);
    return row;
  }

 private:
  std::mt19937_64 random_;
};

// --- the driver ----------------------------------------------------------------------------------

constexpr char kToken[] = "replay-token-0123456789abcdef";

class Replay {
 public:
  Replay(const ReplayOptions& options, ReplayResult& result)
      : options_(options), result_(result), scenario_(options.seed) {}

  void Run() {
    if (options_.with_alertmanager && !StartAlertmanager()) return;
    catalog_path_ = dir_.Write("catalog.yaml", ReadFile(options_.default_catalog_yaml));
    WriteConfig({AlertmanagerUrl(), "http://127.0.0.1:9"});
    if (!LoadCatalog()) return;
    StartReaders();
    for (int month = 1; month <= options_.months && result_.mismatches.empty(); ++month) {
      PlayMonth(month);
    }
    StopReaders();
    if (ptmon_) {
      ptmon_->Signal(SIGTERM);
      if (ptmon_->Wait(std::chrono::seconds(60)) != 0) Mismatch("ptmon did not stop cleanly");
      result_.log_tail = Tail(ptmon_->Log());
    }
    if (unexpected_answers_ > 0)
      Mismatch(std::to_string(unexpected_answers_.load()) +
               " reads got an answer other than 200, or 503 while starting (the last: " +
               std::to_string(last_unexpected_.load()) + ")");
  }

 private:
  void Mismatch(const std::string& text) { result_.mismatches.push_back(text); }

  static std::string Tail(const std::string& log) {
    return log.size() > 4000 ? log.substr(log.size() - 4000) : log;
  }

  std::string AlertmanagerUrl() const {
    return alertmanager_ ? "http://127.0.0.1:" + std::to_string(am_port_) : "http://127.0.0.1:9";
  }

  bool StartAlertmanager() {
    am_port_ = FreePort();
    alertmanager_ = testing_support::StartAlertmanager(dir_.path(), am_port_);
    if (!alertmanager_)
      Mismatch("Alertmanager did not start: " + ReadFile(dir_ / "alertmanager.log"));
    return alertmanager_ != nullptr;
  }

  void WriteConfig(const std::vector<std::string>& alertmanagers) {
    std::string text = "api:\n  token: " + std::string(kToken) +
                       "\nalerting:\n  resend_interval: 1s\n  alertmanagers:\n";
    for (const auto& url : alertmanagers) text += "    - " + url + "\n";
    text += "catalogs: [" + catalog_path_ + "]\n";
    config_path_ = dir_.Write("ptmon.yaml", text);
  }

  bool LoadCatalog() {
    const auto listing = RunProcess(
        {options_.ptmon_binary, "catalog", "--catalog", catalog_path_, "--format", "json"});
    if (listing.exit_code != 0) {
      Mismatch("ptmon catalog failed: " + listing.err);
      return false;
    }
    oracle_.SetCatalog(ParseCatalog(Json::parse(listing.out)));
    return true;
  }

  // --- the daemon ---

  static Day TodayFor(int month) {
    return month == 12 ? Day{2027, 1, 15} : Day{2026, month + 1, 15};
  }

  void Restart(int month) {
    if (ptmon_) {
      ptmon_->Signal(SIGTERM);
      if (ptmon_->Wait(std::chrono::seconds(60)) != 0) Mismatch("ptmon did not stop cleanly");
    }
    today_ = TodayFor(month);
    const std::string now = today_.ToString();
    if (port_ == 0) port_ = FreePort();
    ++starts_;
    starting_ = true;
    ptmon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{options_.ptmon_binary, "serve", "--config", config_path_,
                                 "--listen", "127.0.0.1:" + std::to_string(port_), "--data-dir",
                                 dir_ / "data", "--now", now},
        dir_ / ("ptmon-" + std::to_string(month) + ".log"));
    ++result_.steps;
    if (!WaitFor([&] { return HttpGet(Url("/readyz")).status == 200; }, std::chrono::seconds(60))) {
      Mismatch("ptmon did not become ready in month " + std::to_string(month) + ": " +
               Tail(ptmon_->Log()));
      return;
    }
    starting_ = false;
    counted_ = {};
    as_of_ = month;
    oracle_.UpdateAlerts(oracle_.Evaluate(as_of_, today_));
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  void StartReaders() {
    for (const char* path : {"/metrics", "/api/v1/status", "/api/v1/alerts"}) {
      readers_.emplace_back([this, path] {
        while (!stop_readers_) {
          if (port_ == 0) {
            std::this_thread::yield();
            continue;
          }
          // Between a stop and the next start nothing listens (0); while starting, 503. A
          // request may begin before a start and be answered by the starting daemon, so a 503
          // is fine when a start was under way before, after, or began meanwhile; once /readyz
          // said 200, no request sent later may see one.
          const bool starting_before = starting_;
          const int starts_before = starts_;
          const long status = HttpGet(Url(path)).status;
          const bool during_start = starting_before || starting_ || starts_ != starts_before;
          if (status != 200 && status != 0 && !(status == 503 && during_start)) {
            ++unexpected_answers_;
            last_unexpected_ = static_cast<int>(status);
          }
        }
      });
    }
  }

  void StopReaders() {
    stop_readers_ = true;
    for (auto& reader : readers_) reader.join();
    readers_.clear();
  }

  // --- delivering files ---

  struct Counts {
    long long applied = 0, duplicate = 0, rejected = 0;
  };

  // Delivers a file by the inbox or the write API and waits until ptmon has dealt with it.
  void Deliver(const std::string& name, const std::string& content, const std::string& expect,
               const std::vector<Row>& rows) {
    ++result_.steps;
    if (expect == "applied") ++counted_.applied;
    if (expect == "duplicate") ++counted_.duplicate;
    if (expect == "rejected") ++counted_.rejected;
    if (scenario_.Chance(0.5)) {
      const auto answer = HttpPost(Url("/api/v1/actuals?name=" + name), content,
                                   {"Authorization: Bearer " + std::string(kToken)});
      const Json json = Json::parse(answer.body, nullptr, false);
      if (json.is_discarded() || json.value("result", "") != expect) {
        Mismatch("POST " + name + " answered " + std::to_string(answer.status) + " " + answer.body +
                 ", expected " + expect);
        return;
      }
    } else {
      const std::string temporary = dir_.Write("data/inbox/." + name + ".tmp", content);
      fs::rename(temporary, dir_ / ("data/inbox/" + name));
    }
    const bool done = WaitFor(
        [&] {
          const std::string metrics = HttpGet(Url("/metrics")).body;
          auto files = Samples(metrics, "ptmon_ingest_files_total");
          return files["ptmon_ingest_files_total{result=\"applied\"}"] == counted_.applied &&
                 files["ptmon_ingest_files_total{result=\"duplicate\"}"] == counted_.duplicate &&
                 files["ptmon_ingest_files_total{result=\"rejected\"}"] == counted_.rejected;
        },
        std::chrono::seconds(60));
    if (!done) {
      Mismatch(name + " was not counted as " + expect + ": " + Tail(ptmon_->Log()));
      return;
    }
    if (expect != "applied") return;
    for (const auto& row : rows) oracle_.Record(row.project, row.indicator, row.month, row.value);
    oracle_.UpdateAlerts(oracle_.Evaluate(as_of_, today_));
    CheckApi("after " + name);
  }

  // --- checking ---

  void CheckApi(const std::string& where) {
    const auto expected = oracle_.Evaluate(as_of_, today_);
    Comparison check(result_, where);
    const auto status = HttpGet(Url("/api/v1/status"));
    const Json json = Json::parse(status.body, nullptr, false);
    if (status.status != 200 || json.is_discarded()) {
      Mismatch(where + ": /api/v1/status answered " + std::to_string(status.status));
      return;
    }
    CompareStatus(json, oracle_, expected, check);
    CompareMetrics(HttpGet(Url("/metrics")).body, oracle_, expected, check);
    const auto alerts = Json::parse(HttpGet(Url("/api/v1/alerts")).body, nullptr, false);
    const auto firing =
        alerts.is_discarded() ? std::set<Oracle::AlertKey>{} : FiringIn(alerts, false);
    ++result_.checks;
    if (firing != oracle_.firing())
      Mismatch(where + ": ptmon's firing alerts are" + Describe(firing) + "; the rules say" +
               Describe(oracle_.firing()));
  }

  // The command line and Alertmanager too: slower, so at the end of each month and after reloads.
  void CheckEverything(const std::string& where) {
    CheckApi(where);
    const auto expected = oracle_.Evaluate(as_of_, today_);
    const std::string now = today_.ToString();
    const auto cli = RunProcess({options_.ptmon_binary, "status", "--format", "json", "--data-dir",
                                 dir_ / "data", "--catalog", catalog_path_, "--now", now});
    const Json json = Json::parse(cli.out, nullptr, false);
    if (cli.exit_code != 0 || json.is_discarded()) {
      Mismatch(where + ": ptmon status failed: " + cli.err);
    } else {
      Comparison check(result_, where + " (ptmon status)");
      CompareStatus(json, oracle_, expected, check);
    }
    if (!alertmanager_ || !delivering_to_alertmanager_) return;
    std::set<Oracle::AlertKey> held;
    const bool agreed = WaitFor(
        [&] {
          const auto answer = HttpGet(AlertmanagerUrl() + "/api/v2/alerts");
          const Json alerts = Json::parse(answer.body, nullptr, false);
          if (alerts.is_discarded()) return false;
          held = FiringIn(alerts, true);
          return held == oracle_.firing();
        },
        std::chrono::seconds(30));
    ++result_.checks;
    if (!agreed)
      Mismatch(where + ": Alertmanager holds" + Describe(held) + "; the rules say" +
               Describe(oracle_.firing()));
  }

  // --- a month ---

  void PlayMonth(int month) {
    Restart(month);
    if (!result_.mismatches.empty()) return;
    CheckEverything("start of month " + std::to_string(month));
    const auto& projects = oracle_.catalog().projects;
    for (const auto& project : projects) {
      // Late: last month's report, which this manager did not send then.
      if (late_.count(project.id)) {
        late_.erase(project.id);
        SendReport(project, month - 1, false);
      }
      const double roll = std::uniform_real_distribution<double>(0, 1)(scenario_.random());
      if (roll < 0.65) {
        SendReport(project, month, false);
      } else if (roll < 0.75) {
        SendReport(project, month, true);  // part of the indicators only
      } else if (roll < 0.88 && month < 12) {
        late_.insert(project.id);  // sent next month
      }                            // otherwise missing: overdue
      if (!result_.mismatches.empty()) return;
      if (scenario_.Chance(0.2)) SendCorrection(project, month);
      if (scenario_.Chance(0.15)) SendBadFile(project, month);
      if (scenario_.Chance(0.15) && !last_content_.empty()) {
        Deliver(NextName("again"), last_content_, "duplicate", {});
      }
      if (!result_.mismatches.empty()) return;
    }
    if (month == 2) ChangeAlertmanagers();
    if (month == 6) EditCatalogue();
    if (month == 8) BrokenReload();
    if (result_.mismatches.empty()) CheckEverything("end of month " + std::to_string(month));
  }

  std::string NextName(const std::string& stem, const std::string& extension = ".csv") {
    return stem + "-" + std::to_string(++file_number_) + extension;
  }

  void SendReport(const OracleProject& project, int month, bool partly) {
    std::vector<Row> rows;
    for (const auto& indicator : project.indicators) {
      if (partly && scenario_.Chance(0.5)) continue;
      rows.push_back(scenario_.Value(project, indicator, month));
    }
    rows.push_back(scenario_.Spending(project, month));
    // Some managers send the workbook itself.
    const bool workbook = scenario_.Chance(0.3);
    const std::string name =
        NextName(project.id + "-" + std::to_string(month), workbook ? ".xlsx" : ".csv");
    const std::string content = workbook ? Xlsx(rows, name) : Csv(rows, name);
    last_content_ = content;
    Deliver(name, content, "applied", rows);
  }

  void SendCorrection(const OracleProject& project, int month) {
    const auto& indicator = project.indicators[scenario_.random()() % project.indicators.size()];
    // A new value for a month already reported (or not yet): the later batch wins.
    const Row row = scenario_.Value(project, indicator, month);
    const std::string name = NextName("correction");
    Deliver(name, Csv({row}, name), "applied", {row});
  }

  void SendBadFile(const OracleProject& project, int month) {
    std::vector<Row> rows = {scenario_.Value(project, project.indicators[0], month)};
    rows.push_back({project.id, "no-such-indicator", month, "5", {}});
    const std::string name = NextName("bad");
    Deliver(name, Csv(rows, name), "rejected", {});
  }

  // 绩效目标 edited in place mid-year (the first positive indicator gets a higher target).
  void EditCatalogue() {
    std::string text = ReadFile(catalog_path_);
    const size_t at = text.find("target: \"≥30台\"");
    if (at == std::string::npos) return;
    text.replace(at, std::string("target: \"≥30台\"").size(), "target: \"≥36台\"");
    dir_.Write("catalog.yaml", text);
    if (!LoadCatalog()) return;
    Reload("the edited catalogue", "1");
    oracle_.UpdateAlerts(oracle_.Evaluate(as_of_, today_));
    CheckEverything("after the catalogue edit");
  }

  void BrokenReload() {
    const std::string good = ReadFile(catalog_path_);
    dir_.Write("catalog.yaml", good + "  - id: [broken\n");
    Reload("a broken catalogue", "0");
    CheckApi("after the broken reload");  // `ptmon status` would read the broken file itself
    dir_.Write("catalog.yaml", good);
    Reload("the catalogue restored", "1");
  }

  void ChangeAlertmanagers() {
    WriteConfig({AlertmanagerUrl()});
    Reload("one Alertmanager fewer", "1");
    delivering_to_alertmanager_ = true;
    CheckEverything("after the Alertmanager change");
  }

  // SIGHUP, then wait until /metrics reports a reload with `success` after the one before.
  void Reload(const std::string& what, const std::string& success) {
    ++result_.steps;
    const auto before =
        Samples(HttpGet(Url("/metrics")).body,
                "ptmon_config_reload_timestamp_seconds")["ptmon_config_reload_timestamp_seconds"];
    ptmon_->Signal(SIGHUP);
    const bool done = WaitFor(
        [&] {
          const std::string metrics = HttpGet(Url("/metrics")).body;
          if (metrics.find("ptmon_config_reload_success " + success + "\n") == std::string::npos)
            return false;
          if (success == "0") return true;
          return Samples(metrics, "ptmon_config_reload_timestamp_seconds")
                     ["ptmon_config_reload_timestamp_seconds"] > before;
        },
        std::chrono::seconds(60));
    if (!done) Mismatch("reload with " + what + " was not reported: " + Tail(ptmon_->Log()));
  }

  const ReplayOptions& options_;
  ReplayResult& result_;
  Scenario scenario_;
  Oracle oracle_;
  TempDir dir_;
  std::string catalog_path_, config_path_;
  std::unique_ptr<ChildProcess> alertmanager_, ptmon_;
  int am_port_ = 0;
  std::atomic<int> port_{0};
  Day today_{2026, 2, 15};
  int as_of_ = 1;
  Counts counted_;
  std::set<std::string> late_;
  std::string last_content_;
  int file_number_ = 0;
  // Until the dead Alertmanager leaves the list, deliveries to the live one still happen, but
  // the check waits for the list change so that month 1 needs no peer at all.
  bool delivering_to_alertmanager_ = false;
  std::atomic<bool> starting_{true}, stop_readers_{false};
  std::atomic<int> starts_{0};
  std::atomic<int> unexpected_answers_{0}, last_unexpected_{0};
  std::vector<std::thread> readers_;
};

}  // namespace

ReplayResult ReplayYear(const ReplayOptions& options) {
  ReplayResult result;
  Replay(options, result).Run();
  return result;
}

}  // namespace ptmon::testing_support
