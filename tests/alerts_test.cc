// The alert state machine and the exposition renderer, without a process: time is passed in.
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <ptmon/alerts/alerts.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/exposition/metrics.h>

#include "support/process.h"

namespace ptmon {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using Json = nlohmann::json;

class AlertBookTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = Store::Open(dir_ / "ptmon.db").value();
    settings_.for_duration = minutes(10);
    settings_.resend_interval = seconds(60);
    settings_.resolved_retention = minutes(15);
  }
  static AlertCondition Behind(bool raise, bool clear, const std::string& summary = "behind") {
    AlertCondition condition;
    condition.alert.labels = {{"alertname", "PtmonIndicatorBehind"},
                              {"severity", "warning"},
                              {"project", "p"},
                              {"indicator", "i"},
                              {"unit", "u"}};
    condition.alert.annotations = {{"summary", summary}};
    condition.alert.generator_url = "http://ptmon/api/v1/status?project=p";
    condition.raise = raise;
    condition.clear = clear;
    return condition;
  }
  AlertPhase Phase(const AlertBook& book) const { return book.alerts().begin()->second.phase; }

  testing_support::TempDir dir_;
  std::unique_ptr<Store> store_;
  AlertSettings settings_;
  const TimePoint t0_ = std::chrono::system_clock::from_time_t(1'790'000'000);
};

TEST_F(AlertBookTest, PendingFiresAfterTheForDurationAndHysteresisHoldsUntilClear) {
  AlertBook book(settings_);
  ASSERT_TRUE(book.Update({Behind(true, false)}, t0_, *store_).ok());
  EXPECT_EQ(Phase(book), AlertPhase::kPending);
  EXPECT_EQ(book.Payload(t0_), "[]");  // pending alerts are not sent
  ASSERT_TRUE(book.Update({Behind(true, false)}, t0_ + minutes(9), *store_).ok());
  EXPECT_EQ(Phase(book), AlertPhase::kPending);
  ASSERT_TRUE(book.Update({Behind(true, false)}, t0_ + minutes(10), *store_).ok());
  EXPECT_EQ(Phase(book), AlertPhase::kFiring);
  // Neither raised nor cleared (no data, overdue): it stays firing.
  ASSERT_TRUE(book.Update({Behind(false, false, "still")}, t0_ + minutes(20), *store_).ok());
  EXPECT_EQ(Phase(book), AlertPhase::kFiring);
  EXPECT_EQ(book.alerts().begin()->second.annotations.at("summary"), "still");
  const Json firing = Json::parse(book.Payload(t0_ + minutes(20)));
  ASSERT_EQ(firing.size(), 1u);
  EXPECT_EQ(firing[0]["startsAt"], FormatRfc3339(t0_ + minutes(10)));
  EXPECT_EQ(firing[0]["endsAt"], FormatRfc3339(t0_ + minutes(24)));  // now + 4 × resend interval
  EXPECT_EQ(firing[0]["labels"]["alertname"], "PtmonIndicatorBehind");
  EXPECT_EQ(firing[0]["generatorURL"], "http://ptmon/api/v1/status?project=p");
  ASSERT_TRUE(
      book.Update({Behind(false, true, "进度落后（绿灯）")}, t0_ + minutes(30), *store_).ok());
  EXPECT_EQ(Phase(book), AlertPhase::kResolved);
  // A resolved alert keeps the words it fired with, not the recovery's ("behind (green)").
  EXPECT_EQ(book.alerts().begin()->second.annotations.at("summary"), "still");
  const Json resolved = Json::parse(book.Payload(t0_ + minutes(31)));
  EXPECT_EQ(resolved[0]["annotations"]["summary"], "still");
  EXPECT_EQ(resolved[0]["endsAt"], FormatRfc3339(t0_ + minutes(30)));
  EXPECT_EQ(resolved[0]["startsAt"], FormatRfc3339(t0_ + minutes(10)));
  // Resolved alerts are sent for the retention period, then forgotten.
  ASSERT_TRUE(book.Update({Behind(false, true)}, t0_ + minutes(45), *store_).ok());
  EXPECT_EQ(book.alerts().size(), 1u);
  ASSERT_TRUE(book.Update({Behind(false, true)}, t0_ + minutes(46), *store_).ok());
  EXPECT_TRUE(book.alerts().empty());
  EXPECT_TRUE(store_->alerts().LoadAlerts()->empty());
}

TEST_F(AlertBookTest, APendingAlertThatClearsIsNeverSent) {
  AlertBook book(settings_);
  ASSERT_TRUE(book.Update({Behind(true, false)}, t0_, *store_).ok());
  ASSERT_TRUE(book.Update({Behind(false, true)}, t0_ + minutes(5), *store_).ok());
  EXPECT_TRUE(book.alerts().empty());
  EXPECT_FALSE(book.HasAlertsToSend());
}

TEST_F(AlertBookTest, ARestartKeepsStartsAtAndState) {
  settings_.for_duration = seconds(0);
  {
    AlertBook book(settings_);
    ASSERT_TRUE(book.Update({Behind(true, false)}, t0_, *store_).ok());
  }
  AlertBook restarted(settings_);
  ASSERT_TRUE(restarted.Load(*store_).ok());
  ASSERT_EQ(restarted.alerts().size(), 1u);
  EXPECT_EQ(Phase(restarted), AlertPhase::kFiring);
  ASSERT_TRUE(restarted.Update({Behind(true, false)}, t0_ + minutes(30), *store_).ok());
  const Json payload = Json::parse(restarted.Payload(t0_ + minutes(30)));
  EXPECT_EQ(payload[0]["startsAt"], FormatRfc3339(t0_));
  EXPECT_EQ(payload[0]["generatorURL"], "http://ptmon/api/v1/status?project=p");
}

TEST_F(AlertBookTest, AnAlertNoRuleSpeaksOfAnyMoreIsResolved) {
  settings_.for_duration = seconds(0);
  AlertBook book(settings_);
  ASSERT_TRUE(book.Update({Behind(true, false)}, t0_, *store_).ok());
  ASSERT_TRUE(book.Update({}, t0_ + minutes(1), *store_).ok());  // the project left the catalogue
  EXPECT_EQ(Phase(book), AlertPhase::kResolved);
}

TEST(AlertRulesTest, RedRaisesCriticalYellowRaisesWarningAndEachHandsOverToTheOther) {
  Diagnostics diagnostics;
  const Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  ActualsIndex actuals(catalog);
  actuals.Apply("building-maintenance", "devices-maintained", {2026, 7}, 3, Grade::kNone, {});
  const Evaluation red = Evaluator(catalog).EvaluateAll(actuals, {2026, 7}, {2026, 8, 5});
  AlertSettings settings;
  AlertBook empty(settings);
  const TimePoint now = std::chrono::system_clock::now();
  auto find = [](const std::vector<AlertCondition>& conditions, const std::string& alertname,
                 const std::string& severity,
                 const std::string& indicator) -> const AlertCondition* {
    for (const auto& condition : conditions) {
      const auto& labels = condition.alert.labels;
      if (labels.at("alertname") == alertname && labels.at("severity") == severity &&
          (indicator.empty() ||
           (labels.count("indicator") && labels.at("indicator") == indicator))) {
        return &condition;
      }
    }
    return nullptr;
  };
  const auto conditions = EvaluateAlertRules(catalog, red, now, now, settings, empty);
  const AlertCondition* red_critical =
      find(conditions, "PtmonIndicatorBehind", "critical", "devices-maintained");
  ASSERT_NE(red_critical, nullptr);
  EXPECT_TRUE(red_critical->raise);
  // Issue #30: the severity and the text agree (warning is 黄灯, critical 红灯), the budget
  // unit has the label name the metrics give it, and the link opens the console's page.
  EXPECT_NE(red_critical->alert.annotations.at("summary").find("（红灯）"), std::string::npos);
  EXPECT_EQ(red_critical->alert.labels.at("budget_unit"), "shanxi-social-insurance");
  EXPECT_EQ(red_critical->alert.labels.count("unit"), 0u);
  EXPECT_EQ(red_critical->alert.generator_url,
            "http://127.0.0.1:10150/projects/building-maintenance");
  EXPECT_NE(red_critical->alert.annotations.at("description").find("完成 3台"), std::string::npos);
  // No warning for red: it would say 红灯 under the severity of 黄灯.
  for (const auto& condition : conditions) {
    if (condition.alert.labels.at("severity") == "warning") {
      EXPECT_FALSE(condition.raise &&
                   condition.alert.annotations.at("summary").find("红灯") != std::string::npos)
          << condition.alert.annotations.at("summary");
    }
  }
  // June's reports were due on July 10th: the other indicators of every project are overdue,
  // in one alert per project.
  const AlertCondition* overdue = find(conditions, "PtmonReportOverdue", "warning", "");
  ASSERT_NE(overdue, nullptr);
  EXPECT_EQ(overdue->alert.labels.count("indicator"), 0u);
  EXPECT_EQ(overdue->alert.annotations.at("summary"), "「维修维护费」6 项数据逾期未报");
  EXPECT_EQ(find(conditions, "PtmonIngestStale", "warning", "")->raise, false);
  // Yellow hands the critical one (held by the book) over to the warning: a critical alert
  // reading "（黄灯）" would disagree with itself.
  AlertBook book(settings);
  ASSERT_TRUE(book.Update(conditions, now, *Store::Open(":memory:").value()).ok());
  actuals.Apply("building-maintenance", "devices-maintained", {2026, 7}, 12, Grade::kNone, {});
  const Evaluation yellow = Evaluator(catalog).EvaluateAll(actuals, {2026, 7}, {2026, 8, 5});
  const auto later = EvaluateAlertRules(catalog, yellow, now, now, settings, book);
  const AlertCondition* critical =
      find(later, "PtmonIndicatorBehind", "critical", "devices-maintained");
  ASSERT_NE(critical, nullptr);
  EXPECT_FALSE(critical->raise);
  EXPECT_TRUE(critical->clear);
  EXPECT_TRUE(find(later, "PtmonIndicatorBehind", "warning", "devices-maintained")->raise);
  // A stale inbox raises its own alert.
  const auto stale =
      EvaluateAlertRules(catalog, yellow, now - std::chrono::hours(24 * 36), now, settings, book);
  EXPECT_TRUE(find(stale, "PtmonIngestStale", "warning", "")->raise);
}

// A lagging budget's alert says what the budget was judged against and why the manager says it
// lags.
TEST(AlertRulesTest, ABudgetAlertGivesThePlanAndTheManagersReason) {
  Diagnostics diagnostics;
  const Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  ActualsIndex actuals(catalog);
  actuals.Apply("building-maintenance", "spent", {2026, 7}, 100000, Grade::kNone,
                {"经费保障", "维修招标推迟到九月", "", ""});
  const Evaluation evaluation = Evaluator(catalog).EvaluateAll(actuals, {2026, 7}, {2026, 8, 5});
  AlertSettings settings;
  AlertBook empty(settings);
  const TimePoint now = std::chrono::system_clock::now();
  const AlertCondition* lagging = nullptr;
  const auto conditions = EvaluateAlertRules(catalog, evaluation, now, now, settings, empty);
  for (const auto& condition : conditions) {
    if (condition.alert.labels.at("alertname") == "PtmonBudgetExecutionLagging") {
      lagging = &condition;
    }
  }
  ASSERT_NE(lagging, nullptr);
  const std::string& description = lagging->alert.annotations.at("description");
  EXPECT_NE(description.find("用款计划进度 58.3%"), std::string::npos) << description;
  EXPECT_NE(description.find("原因：维修招标推迟到九月。"), std::string::npos) << description;
}

TEST(MetricsTest, EscapesLabelValuesAndFormatsSpecialValues) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatSampleValue(INFINITY), "+Inf");
  EXPECT_EQ(FormatSampleValue(-INFINITY), "-Inf");
  EXPECT_EQ(FormatSampleValue(0.1), "0.1");
  EXPECT_EQ(FormatSampleValue(60000), "60000");
}

TEST(MetricsTest, EveryIndicatorHasEverySeriesFromTheStart) {
  Diagnostics diagnostics;
  const Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  ActualsIndex actuals(catalog);
  const Evaluation evaluation = Evaluator(catalog).EvaluateAll(actuals, {2026, 1}, {2026, 1, 5});
  const std::string text = RenderEvaluationMetrics(catalog, evaluation, 0.01, 1.0);
  for (const char* family :
       {"ptmon_indicator_info", "ptmon_indicator_target", "ptmon_indicator_actual",
        "ptmon_indicator_expected", "ptmon_indicator_forecast", "ptmon_indicator_progress_ratio",
        "ptmon_indicator_light", "ptmon_indicator_overdue", "ptmon_indicator_score",
        "ptmon_indicator_weight", "ptmon_indicator_grade"}) {
    size_t samples = 0;
    for (size_t at = text.find(std::string("\n") + family + "{"); at != std::string::npos;
         at = text.find(std::string("\n") + family + "{", at + 1)) {
      ++samples;
    }
    EXPECT_EQ(samples, 66u) << family;
  }
  EXPECT_NE(
      text.find(
          "ptmon_indicator_actual{project=\"retiree-heating\",indicator=\"retirees-paid\"} NaN\n"),
      std::string::npos);
  const auto promtool = testing_support::RunProcess({"promtool", "check", "metrics"}, text);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
}

}  // namespace
}  // namespace ptmon
