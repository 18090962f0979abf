// The reminder rule and the owner labels, without a process: the date is passed in.
#include <gtest/gtest.h>

#include <ptmon/alerts/reminders.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/config/daemon_config.h>

#include "support/process.h"

namespace ptmon {
namespace {

// One project reported for by two managers, one with a quarterly indicator, one nobody's.
const std::string kCatalog = R"(unit: {id: u, name: 测试单位}
year: 2026
projects:
  - id: repairs
    name: 维修维护费
    department: d
    funds:
      period: {total: 1200000, provincial: 1200000}
      annual: {total: 1200000, provincial: 1200000}
    indicators:
      - {id: devices, level1: 产出指标, level2: 数量指标, name: 设备维护数量, target: "≥120台"}
      - {id: survey, level1: 满意度指标, level2: 服务对象满意度, name: 使用人员满意度, target: "≥90%", report: {frequency: quarterly}}
  - id: nobodys
    name: 无人负责项目
    department: d
    funds:
      period: {total: 100, provincial: 100}
      annual: {total: 100, provincial: 100}
    indicators:
      - {id: people, level1: 产出指标, level2: 数量指标, name: 服务人数, target: "≥12人"}
)";

class ReminderRulesTest : public testing::Test {
 protected:
  void SetUp() override {
    Diagnostics diagnostics;
    auto loaded = LoadCatalog({{"catalog.yaml", kCatalog}}, diagnostics);
    ASSERT_TRUE(loaded.ok()) << diagnostics.ToString();
    catalog_ = std::move(loaded).value();
    actuals_ = std::make_unique<ActualsIndex>(catalog_);
    settings_.external_url = "https://ptmon.example.gov.cn";
  }
  std::vector<AlertCondition> On(Date today, int lead_days = 3) const {
    return ReminderRules(catalog_, *actuals_, owners_, today, lead_days, 10, settings_);
  }
  // "project/owner" of each reminder.
  static std::vector<std::string> Who(const std::vector<AlertCondition>& conditions) {
    std::vector<std::string> who;
    for (const auto& condition : conditions) {
      const auto& labels = condition.Labels();
      who.push_back(labels.at("project") + "/" +
                    (labels.count("owner") ? labels.at("owner") : std::string("")));
    }
    return who;
  }
  const AlertCondition& Of(const std::vector<AlertCondition>& conditions,
                           const std::string& project) const {
    for (const auto& condition : conditions)
      if (condition.Labels().at("project") == project) return condition;
    throw std::logic_error("no reminder for " + project);
  }

  Catalog catalog_;
  std::unique_ptr<ActualsIndex> actuals_;
  ProjectOwners owners_ = {{"repairs", {"lijun", "wangfang"}}};
  AlertSettings settings_;
};

TEST_F(ReminderRulesTest, RemindsEachManagerFromTheLeadToTheDueDayNamingWhatIsMissing) {
  EXPECT_TRUE(On({2026, 8, 6}).empty()) << "four days before the 10th";
  const auto conditions = On({2026, 8, 7});
  EXPECT_EQ(Who(conditions),
            (std::vector<std::string>{"repairs/lijun", "repairs/wangfang", "nobodys/"}));
  const AlertCondition& alert = conditions.front();
  EXPECT_TRUE(conditions.front().raise);
  EXPECT_EQ(alert.Labels().at("alertname"), "PtmonReportDueSoon");
  EXPECT_EQ(alert.Labels().at("severity"), "info");
  EXPECT_EQ(alert.Labels().at("budget_unit"), "u");
  // July is not a quarter's month: the survey is not due.
  EXPECT_EQ(alert.text.Annotation("missing"), "设备维护数量、预算执行数");
  EXPECT_EQ(alert.text.Annotation("summary"),
            "「维修维护费」2026年7月的数据请于 8月10日前报送，还有 2 项未报");
  EXPECT_EQ(alert.text.Annotation("due_date"), "2026-08-10");
  EXPECT_EQ(alert.text.Annotation("month"), "2026-07");
  EXPECT_EQ(alert.text.generator_url(),
            "https://ptmon.example.gov.cn/report?project=repairs&period=2026-07");
  EXPECT_EQ(Who(On({2026, 8, 10})).size(), 3u) << "the due day itself";
  EXPECT_TRUE(On({2026, 8, 11}).empty()) << "past due: PtmonReportOverdue's";
  EXPECT_EQ(Who(On({2026, 8, 1}, 9)).size(), 3u) << "a longer lead";
}

TEST_F(ReminderRulesTest, AReportEndsTheReminderAndAPartOneNamesWhatIsLeft) {
  actuals_->Apply("repairs", "devices", {2026, 7}, 60, Grade::kNone, {});
  EXPECT_EQ(Of(On({2026, 8, 8}), "repairs").text.Annotation("missing"), "预算执行数");
  actuals_->Apply("repairs", "spent_fiscal", {2026, 7}, 500000, Grade::kNone, {});
  EXPECT_EQ(Who(On({2026, 8, 8})), std::vector<std::string>{"nobodys/"});
  // September's report includes the quarter's survey.
  EXPECT_EQ(Of(On({2026, 10, 9}), "repairs").text.Annotation("missing"),
            "设备维护数量、使用人员满意度、预算执行数");
}

// A value for this month does not answer last month's report: once last month is past due the
// overdue light, evaluated as of last month, does not see it, so the reminder must not go quiet.
TEST_F(ReminderRulesTest, ThisMonthsValueDoesNotAnswerLastMonthsReport) {
  actuals_->Apply("repairs", "devices", {2026, 8}, 70, Grade::kNone, {});
  actuals_->Apply("repairs", "spent_fiscal", {2026, 7}, 500000, Grade::kNone, {});
  EXPECT_EQ(Of(On({2026, 8, 8}), "repairs").text.Annotation("missing"), "设备维护数量");
  const Date after_due{2026, 8, 11};
  const Evaluation evaluation =
      Evaluator(catalog_).EvaluateAll(*actuals_, DefaultAsOf(after_due, 2026), after_due);
  EXPECT_TRUE(evaluation.projects.front().indicators.front().overdue)
      << "the light the reminder announces";
}

TEST_F(ReminderRulesTest, OnlyTheNamedAlertsOfAProjectWithManagersGetAnOwner) {
  std::vector<AlertCondition> conditions(3);
  conditions[0].rule = AlertRule::kReportOverdue;
  conditions[0].subject.project = "repairs";
  conditions[1].rule = AlertRule::kReportOverdue;
  conditions[1].subject.project = "nobodys";
  conditions[2].rule = AlertRule::kIndicatorBehindWarning;
  conditions[2].subject.project = "repairs";
  LabelOwners(conditions, owners_, {"PtmonReportOverdue"});
  std::vector<std::string> labelled;
  for (const auto& condition : conditions) {
    const auto& labels = condition.Labels();
    labelled.push_back(labels.at("alertname") + " " + labels.at("project") + " " +
                       (labels.count("owner") ? labels.at("owner") : "-"));
  }
  EXPECT_EQ(labelled, (std::vector<std::string>{
                          "PtmonReportOverdue repairs lijun", "PtmonReportOverdue repairs wangfang",
                          "PtmonReportOverdue nobodys -", "PtmonIndicatorBehind repairs -"}));
}

TEST(ReminderSettingsTest, TheLeadIsConfiguredAndAWrongOneRefusedAtItsPlace) {
  testing_support::TempDir dir;
  Diagnostics diagnostics;
  EXPECT_EQ(LoadDaemonConfig(dir.Write("default.yaml", "listen: 127.0.0.1:0\n"), diagnostics)
                ->remind_days_before,
            3);
  EXPECT_EQ(
      LoadDaemonConfig(dir.Write("five.yaml", "alerting:\n  remind_days_before: 5\n"), diagnostics)
          ->remind_days_before,
      5);
  Diagnostics refused;
  const std::string path = dir.Write("bad.yaml", "alerting:\n  remind_days_before: 40\n");
  EXPECT_FALSE(LoadDaemonConfig(path, refused).ok());
  EXPECT_NE(refused.ToString().find(path + ":2:23: 'remind_days_before' must be a whole number"),
            std::string::npos)
      << refused.ToString();
}

}  // namespace
}  // namespace ptmon
