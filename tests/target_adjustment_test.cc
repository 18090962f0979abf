// 绩效目标调整: an approved mid-year change of a target. The months before its effective month
// stay judged against the original; from it on, lights, forecasts, the year-end score and both
// official tables use the adjusted target, and the tables print both.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/indicators/evaluation.h>
#include <ptmon/reports/reports.h>

#include "support/process.h"

namespace ptmon {
namespace {

using testing_support::RunPtmon;
using testing_support::TempDir;

// 1200 people a year, raised to 2400 from July by an approval; a rate left as it was.
constexpr const char* kCatalog = R"(unit: {id: u, name: 单位}
year: 2026
projects:
  - id: p
    name: 项目
    department: d
    funds:
      period: {total: 1200000, provincial: 1200000}
      annual: {total: 1200000, provincial: 1200000}
    indicators:
      - id: count
        level1: 产出指标
        level2: 数量指标
        name: 人数
        target: "≥1200人"
        adjusted: {target: "≥2400人", from_month: 7, approval: 晋财绩〔2026〕12号}
      - {id: rate, level1: 产出指标, level2: 质量指标, name: 合格率, target: "≥95%"}
)";

Catalog Load(const std::string& text, Diagnostics& diagnostics) {
  auto catalog = LoadCatalog({{"catalog.yaml", text}}, diagnostics);
  return catalog.ok() ? std::move(catalog).value() : Catalog{};
}

class TargetAdjustmentTest : public testing::Test {
 protected:
  void SetUp() override {
    Diagnostics diagnostics;
    catalog_ = Load(kCatalog, diagnostics);
    ASSERT_FALSE(diagnostics.has_errors()) << diagnostics.ToString();
    actuals_ = std::make_unique<ActualsIndex>(catalog_);
  }
  ProjectStatus Evaluate(int month, Date today = {2027, 1, 31}) const {
    return Evaluator(catalog_).EvaluateProject(0, *actuals_, {2026, month}, today);
  }

  Catalog catalog_;
  std::unique_ptr<ActualsIndex> actuals_;
};

TEST_F(TargetAdjustmentTest, MonthsBeforeTheChangeKeepTheOriginalTarget) {
  // 600 people by June is on pace for 1200 (100 %); 700 by July is 700 of 2400 × 7/12 = 1400.
  ASSERT_TRUE(actuals_->Apply("p", "count", {2026, 6}, 600, Grade::kNone, {}));
  ASSERT_TRUE(actuals_->Apply("p", "count", {2026, 7}, 700, Grade::kNone, {}));
  const IndicatorStatus june = Evaluate(6).indicators[0];
  EXPECT_EQ(june.target->text, "≥1200人");
  EXPECT_DOUBLE_EQ(*june.expected, 600);
  EXPECT_EQ(june.light, Light::kGreen);
  const IndicatorStatus july = Evaluate(7).indicators[0];
  EXPECT_EQ(july.target->text, "≥2400人");
  EXPECT_DOUBLE_EQ(*july.expected, 1400);
  EXPECT_DOUBLE_EQ(*july.progress, 0.5);
  EXPECT_EQ(july.light, Light::kRed);
  EXPECT_DOUBLE_EQ(*july.gap, 1200 - 2400);
  // The unadjusted indicator is judged as before.
  EXPECT_EQ(Evaluate(7).indicators[1].target->text, "≥95%");
}

TEST_F(TargetAdjustmentTest, TheSelfEvaluationScoresAgainstTheAdjustedTarget) {
  ASSERT_TRUE(actuals_->Apply("p", "count", {2026, 12}, 1800, Grade::kNone, {}));
  ASSERT_TRUE(actuals_->Apply("p", "rate", {2026, 12}, 0.96, Grade::kNone, {}));
  const ProjectStatus year_end = Evaluate(12);
  // Only 产出 indicators: its 50 points and the 40 of the missing groups split in two. 1800 of
  // 2400 scores 45 × 0.75; against the original 1200 it would score the whole 45.
  EXPECT_DOUBLE_EQ(year_end.indicators[0].weight, 45);
  EXPECT_DOUBLE_EQ(year_end.indicators[0].score, 33.75);
  EXPECT_DOUBLE_EQ(year_end.indicators[1].score, 45);
}

TEST_F(TargetAdjustmentTest, BothTablesShowTheOriginalBesideTheAdjustedTarget) {
  ASSERT_TRUE(actuals_->Apply("p", "count", {2026, 7}, 700, Grade::kNone, {}));
  Evaluation evaluation = Evaluator(catalog_).EvaluateAll(*actuals_, {2026, 7}, {2026, 8, 20});
  const std::string monitor =
      RenderReport(evaluation, ReportKind::kMonitor, OutputFormat::kCsv, "单位");
  EXPECT_NE(monitor.find("一级指标,二级指标,三级指标,年度指标值（原目标）,调整后指标值,"),
            std::string::npos)
      << monitor;
  EXPECT_NE(monitor.find("人数,≥1200人,≥2400人（7月起，晋财绩〔2026〕12号）,"), std::string::npos)
      << monitor;
  EXPECT_NE(monitor.find("合格率,≥95%,,"), std::string::npos) << monitor;
  // The 自评表 prints the target in force, the original beside it.
  const std::string self =
      RenderReport(evaluation, ReportKind::kSelfEvaluation, OutputFormat::kCsv, "单位");
  EXPECT_NE(self.find("三级指标,指标性质,指标值,度量单位,指标调整,"), std::string::npos) << self;
  EXPECT_NE(self.find("人数,≥,\"2,400\",人,原≥1200人，7月起，晋财绩〔2026〕12号,"),
            std::string::npos)
      << self;
  EXPECT_NE(self.find("合格率,≥,95.00%,%,,"), std::string::npos) << self;
  const auto json = StatusJson(evaluation);
  const auto& count = json["projects"][0]["indicators"][0];
  EXPECT_EQ(count["target"]["text"], "≥2400人");
  EXPECT_EQ(count["target_adjustment"]["original"], "≥1200人");
  EXPECT_EQ(count["target_adjustment"]["from_month"], 7);
  EXPECT_EQ(count["target_adjustment"]["in_force"], true);
  EXPECT_FALSE(json["projects"][0]["indicators"][1].contains("target_adjustment"));
}

TEST(TargetAdjustmentLoadTest, AnAdjustmentThatChangesTheMeasureIsRefusedWhereItIsWritten) {
  struct Case {
    std::string adjusted;
    std::string message;
  };
  const Case cases[] = {
      {R"({target: "≥95%", from_month: 7, approval: 文号})",
       "catalog.yaml:16:28: indicator 'count': the adjusted target '≥95%' must be measured as "
       "the original '≥1200人' is"},
      {R"({target: 提升, from_month: 7, approval: 文号})", "must be measured as the original"},
      {R"({target: "≥2400人", from_month: 1, approval: 文号})",
       "catalog.yaml:16:50: 'from_month' must be a whole number from 2 to 12"},
      {R"({target: "≥2400人", from_month: 7})", "catalog.yaml:16:19: missing 'approval'"},
      {R"({target: "≥2400人", from: 7, approval: 文号})", "from"},
  };
  for (const auto& [adjusted, message] : cases) {
    std::string text = kCatalog;
    const std::string original =
        "{target: \"≥2400人\", from_month: 7, approval: 晋财绩〔2026〕12号}";
    text.replace(text.find(original), original.size(), adjusted);
    Diagnostics diagnostics;
    Load(text, diagnostics);
    EXPECT_TRUE(diagnostics.has_errors()) << adjusted;
    EXPECT_NE(diagnostics.ToString().find(message), std::string::npos) << adjusted << "\n"
                                                                       << diagnostics.ToString();
  }
}

TEST(TargetAdjustmentCliTest, HistoryShowsWhichTargetEachMonthWasJudgedAgainst) {
  TempDir dir;
  const std::string catalog = dir.Write("catalog.yaml", kCatalog);
  const std::string report =
      dir.Write("june-july.csv",
                "project,indicator,period,value\np,count,2026-06,600\np,count,2026-07,700\n");
  const std::vector<std::string> common = {"--catalog",  catalog, "--data-dir",
                                           dir / "data", "--now", "2026-08-15"};
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), common.begin(), common.end());
    return RunPtmon(args);
  };
  ASSERT_EQ(run({"ingest", report}).exit_code, 0);
  const auto table = run({"history", "--project", "p", "--indicator", "count"});
  EXPECT_NE(table.out.find("target ≥1200人, adjusted to ≥2400人 from 2026-07 (晋财绩〔2026〕12号)"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("judged against ≥1200人"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("judged against ≥2400人"), std::string::npos) << table.out;
  const auto json = nlohmann::json::parse(
      run({"history", "--project", "p", "--indicator", "count", "--format", "json"}).out);
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["target"], "≥1200人");
  EXPECT_EQ(json[1]["target"], "≥2400人");
  // The month's template shows the target that month is judged against.
  for (const auto& [period, target] :
       {std::pair{"2026-06", ",≥1200人,"}, {"2026-07", ",≥2400人,"}}) {
    const auto templ = RunPtmon({"template", "--catalog", catalog, "--period", period});
    EXPECT_NE(templ.out.find(target), std::string::npos) << templ.out;
  }
  const auto shown =
      nlohmann::json::parse(RunPtmon({"catalog", "--catalog", catalog, "--format", "json"}).out);
  EXPECT_EQ(shown["projects"][0]["indicators"][0]["adjusted"]["approval"], "晋财绩〔2026〕12号");
}

}  // namespace
}  // namespace ptmon
