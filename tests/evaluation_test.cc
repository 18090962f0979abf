// One table-driven test per rule of monitoring-rules.md: lights, pace, overdue, forecast,
// budget execution, scores and grades.
#include <cmath>

#include <gtest/gtest.h>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/indicators/evaluation.h>
#include <ptmon/indicators/last_year.h>

namespace ptmon {
namespace {

// A one-project catalogue with one indicator per kind the rules distinguish.
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
      - {id: count, level1: 产出指标, level2: 数量指标, name: 人数, target: "≥1200人"}
      - {id: rate, level1: 产出指标, level2: 质量指标, name: 合格率, target: "≥95%"}
      - {id: hours, level1: 产出指标, level2: 时效指标, name: 修复时间, target: "≤24小时"}
      - {id: strict, level1: 产出指标, level2: 时效指标, name: 严格时限, target: "＜24小时"}
      - {id: area, level1: 产出指标, level2: 数量指标, name: 面积, target: "257.34平方米"}
      - {id: grade, level1: 效益指标, level2: 社会效益, name: 保障, target: 保障}
      - {id: heating, level1: 产出指标, level2: 数量指标, name: 取暖, target: "≥6万人",
         pace: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1, 1]}
      - {id: quarterly, level1: 产出指标, level2: 数量指标, name: 季报, target: "≥40次",
         report: {frequency: quarterly, due_day: 15}}
      - {id: satisfied, level1: 满意度指标, level2: 服务对象满意度, name: 满意度, target: "≥90%"}
)";

class EvaluationTest : public testing::Test {
 protected:
  void SetUp() override {
    Diagnostics diagnostics;
    catalog_ = LoadCatalog({{"catalog.yaml", kCatalog}}, diagnostics).value();
    actuals_ = std::make_unique<ActualsIndex>(catalog_);
  }
  void Report(const std::string& indicator, int month, double value, const ValueNotes& notes = {}) {
    ASSERT_TRUE(actuals_->Apply("p", indicator, {2026, month}, value, Grade::kNone, notes));
  }
  void ReportGrade(const std::string& indicator, int month, Grade grade) {
    ASSERT_TRUE(actuals_->Apply("p", indicator, {2026, month}, std::nullopt, grade, {}));
  }
  ProjectStatus Evaluate(int month, Date today = {2026, 12, 31}) {
    return Evaluator(catalog_).EvaluateProject(0, *actuals_, {2026, month}, today);
  }
  IndicatorStatus Indicator(const std::string& id, int month, Date today = {2026, 12, 31}) {
    const ProjectStatus status = Evaluate(month, today);
    for (const auto& indicator : status.indicators) {
      if (indicator.indicator->id == id) return indicator;
    }
    ADD_FAILURE() << id;
    return {};
  }

  Catalog catalog_;
  std::unique_ptr<ActualsIndex> actuals_;
};

// Positive, year-to-date: progress = actual ÷ (target × N/12); thresholds 60 / 80 / 120.
TEST_F(EvaluationTest, PositiveCountLightsByProgressAgainstTheLinearPace) {
  struct Case {
    double actual;  // as of June: expected 600
    Light light;
    double progress;
  };
  const Case cases[] = {{0, Light::kRed, 0},
                        {359.99, Light::kRed, 0.5999833},
                        {360, Light::kYellow, 0.6},
                        {479.99, Light::kYellow, 0.7999833},
                        {480, Light::kGreen, 0.8},
                        {600, Light::kGreen, 1},
                        {719.99, Light::kGreen, 1.1999833},
                        {720, Light::kBlue, 1.2},
                        {2000, Light::kBlue, 3.333333}};
  for (const auto& c : cases) {
    SetUp();
    Report("count", 6, c.actual);
    const IndicatorStatus status = Indicator("count", 6);
    EXPECT_EQ(status.light, c.light) << c.actual;
    EXPECT_DOUBLE_EQ(*status.expected, 600) << c.actual;
    EXPECT_NEAR(*status.progress, c.progress, 1e-6) << c.actual;
    EXPECT_EQ(status.target_may_be_low, c.light == Light::kBlue) << c.actual;
  }
}

// Rates are levels: judged on the latest value against the target itself, not pro rata.
TEST_F(EvaluationTest, APercentTargetIsALevel) {
  Report("rate", 3, 0.96);
  const IndicatorStatus status = Indicator("rate", 3);
  EXPECT_DOUBLE_EQ(*status.expected, 0.95);
  EXPECT_NEAR(*status.progress, 0.96 / 0.95, 1e-9);
  EXPECT_EQ(status.light, Light::kGreen);
  EXPECT_DOUBLE_EQ(*status.forecast, 0.96);
  EXPECT_EQ(status.likelihood, Likelihood::kCertain);
}

TEST_F(EvaluationTest, ReverseTargetsAreGreenWithinAndRedOver) {
  struct Case {
    const char* indicator;
    double actual;
    Light light;
  };
  const Case cases[] = {{"hours", 20, Light::kGreen},
                        {"hours", 24, Light::kGreen},
                        {"hours", 24.5, Light::kRed},
                        {"strict", 23.9, Light::kGreen},
                        {"strict", 24, Light::kRed}};
  for (const auto& c : cases) {
    SetUp();
    Report(c.indicator, 5, c.actual);
    EXPECT_EQ(Indicator(c.indicator, 5).light, c.light) << c.indicator << " " << c.actual;
  }
}

TEST_F(EvaluationTest, QualitativeGradesAreTheLight) {
  const std::pair<Grade, Light> cases[] = {{Grade::kAchieved, Light::kGreen},
                                           {Grade::kPartlyAchieved, Light::kYellow},
                                           {Grade::kNotAchieved, Light::kRed}};
  for (const auto& [grade, light] : cases) {
    SetUp();
    ReportGrade("grade", 4, grade);
    EXPECT_EQ(Indicator("grade", 4).light, light) << GradeName(grade);
  }
}

// A seasonal profile replaces N/12: the heating subsidy is not behind in July.
TEST_F(EvaluationTest, APaceProfileReplacesTheLinearPace) {
  Report("heating", 7, 0);
  IndicatorStatus july = Indicator("heating", 7);
  EXPECT_DOUBLE_EQ(*july.expected, 0);
  EXPECT_EQ(july.light, Light::kGreen);
  EXPECT_DOUBLE_EQ(*july.forecast, 60000);  // nothing due yet: the plan stands
  Report("heating", 10, 24000);
  const IndicatorStatus october = Indicator("heating", 10);
  EXPECT_DOUBLE_EQ(*october.expected, 30000);
  EXPECT_NEAR(*october.progress, 0.8, 1e-12);
  EXPECT_EQ(october.light, Light::kGreen);
  EXPECT_DOUBLE_EQ(*october.forecast, 48000);
  EXPECT_EQ(october.likelihood, Likelihood::kPossible);
}

// The report for month N is due on the due day of month N + 1; missing after it is overdue.
TEST_F(EvaluationTest, NoDataBecomesOverdueAfterTheDueDay) {
  EXPECT_EQ(Indicator("count", 1, {2026, 2, 10}).light, Light::kNoData);
  EXPECT_EQ(Indicator("count", 1, {2026, 2, 11}).light, Light::kOverdue);
  // June's value does not cover July's report.
  Report("count", 6, 600);
  IndicatorStatus stale = Indicator("count", 7, {2026, 8, 11});
  EXPECT_TRUE(stale.overdue);
  EXPECT_EQ(stale.light, Light::kOverdue);
  EXPECT_EQ(stale.period, (Period{2026, 6}));
  // A red stays red: it is worse than a missing report.
  SetUp();
  Report("count", 6, 10);
  EXPECT_EQ(Indicator("count", 7, {2026, 8, 11}).light, Light::kRed);
  // Quarterly reports are due after quarter ends only (here on the 15th).
  EXPECT_EQ(Indicator("quarterly", 5, {2026, 6, 20}).light, Light::kOverdue);  // Q1 missing
  EXPECT_EQ(Indicator("quarterly", 2, {2026, 6, 20}).light, Light::kNoData);   // nothing due
  EXPECT_EQ(Indicator("quarterly", 6, {2026, 7, 15}).light, Light::kOverdue);  // Q1 still missing
  Report("quarterly", 3, 10);
  EXPECT_EQ(Indicator("quarterly", 6, {2026, 7, 15}).overdue, false);  // Q2 due only after today
  // July is not due yet on August 5th, but June's report was: a May value leaves it overdue.
  SetUp();
  Report("count", 5, 500);
  EXPECT_EQ(Indicator("count", 7, {2026, 8, 5}).light, Light::kOverdue);
  Report("count", 6, 600);
  EXPECT_EQ(Indicator("count", 7, {2026, 8, 5}).light, Light::kGreen);
}

TEST_F(EvaluationTest, DefaultAsOfIsTheLastMonthWhoseReportsAreDue) {
  EXPECT_EQ(DefaultAsOf({2026, 8, 10}, 2026), (Period{2026, 6}));
  EXPECT_EQ(DefaultAsOf({2026, 8, 11}, 2026), (Period{2026, 7}));
  EXPECT_EQ(DefaultAsOf({2026, 1, 20}, 2026), (Period{2026, 1}));
  EXPECT_EQ(DefaultAsOf({2027, 1, 5}, 2026), (Period{2026, 12}));
  EXPECT_EQ(DefaultAsOf({2025, 12, 5}, 2026), (Period{2026, 1}));
}

TEST_F(EvaluationTest, ForecastsForEachKind) {
  Report("count", 3, 250);    // YTD: linear
  Report("rate", 3, 0.9);     // level: latest
  Report("hours", 3, 30);     // reverse level
  Report("area", 3, 257.34);  // equal level
  ReportGrade("grade", 3, Grade::kPartlyAchieved);
  const ProjectStatus status = Evaluate(3);
  auto find = [&](const char* id) {
    for (const auto& indicator : status.indicators) {
      if (indicator.indicator->id == id) return indicator;
    }
    return IndicatorStatus{};
  };
  EXPECT_DOUBLE_EQ(*find("count").forecast, 1000);
  EXPECT_DOUBLE_EQ(*find("count").gap, -200);
  EXPECT_EQ(find("count").likelihood, Likelihood::kPossible);
  EXPECT_DOUBLE_EQ(*find("rate").forecast, 0.9);
  EXPECT_EQ(find("rate").likelihood, Likelihood::kPossible);
  EXPECT_DOUBLE_EQ(*find("hours").forecast, 30);
  EXPECT_EQ(find("hours").likelihood, Likelihood::kPossible);
  EXPECT_EQ(find("area").likelihood, Likelihood::kCertain);
  EXPECT_EQ(find("grade").forecast_grade, Grade::kPartlyAchieved);
  EXPECT_EQ(find("grade").likelihood, Likelihood::kPossible);
  SetUp();
  Report("count", 6, 200);
  Report("hours", 6, 50);
  EXPECT_EQ(Indicator("count", 6).likelihood, Likelihood::kImpossible);
  EXPECT_EQ(Indicator("hours", 6).likelihood, Likelihood::kImpossible);
}

TEST_F(EvaluationTest, BudgetExecutionAgainstTimeProgress) {
  struct Case {
    double spent;  // as of June, budget 1,200,000: time progress 50%
    Light light;
  };
  const Case cases[] = {{0, Light::kRed},         {359999, Light::kRed},   {360000, Light::kYellow},
                        {479999, Light::kYellow}, {480000, Light::kGreen}, {900000, Light::kGreen}};
  for (const auto& c : cases) {
    SetUp();
    Report("spent", 6, c.spent);
    const BudgetStatus budget = Evaluate(6).budget;
    EXPECT_EQ(budget.light, c.light) << c.spent;
    EXPECT_DOUBLE_EQ(*budget.execution_rate, c.spent / 1200000) << c.spent;
    EXPECT_DOUBLE_EQ(*budget.ratio_to_plan, c.spent / 600000) << c.spent;
  }
}

// 479,994 of 1,200,000 in June is 79.999% of time: yellow, and printed 79.9% (or 79.99%), never
// the 80% that would read green.
TEST_F(EvaluationTest, ABudgetRatioIsNeverPrintedAcrossItsThreshold) {
  Report("spent", 6, 479994);
  const Evaluation evaluation =
      Evaluator(catalog_).EvaluateAll(*actuals_, {2026, 6}, {2026, 12, 31});
  const BudgetStatus& budget = evaluation.projects[0].budget;
  EXPECT_EQ(budget.light, Light::kYellow);
  EXPECT_DOUBLE_EQ(*PrintedPercentOfPlan(budget, evaluation.lights, 1), 79.9);
  EXPECT_DOUBLE_EQ(*PrintedPercentOfPlan(budget, evaluation.lights, 2), 79.99);
  Report("spent", 6, 480000);
  const Evaluation green = Evaluator(catalog_).EvaluateAll(*actuals_, {2026, 6}, {2026, 12, 31});
  EXPECT_DOUBLE_EQ(*PrintedPercentOfPlan(green.projects[0].budget, green.lights, 1), 80);
}

TEST(ScoreTest, PositiveAndEqualFormulas) {
  struct Case {
    TargetKind kind;
    double target, actual, weight, score;
  };
  const Case cases[] = {
      {TargetKind::kPositive, 100, 50, 10, 5},      {TargetKind::kPositive, 100, 100, 10, 10},
      {TargetKind::kPositive, 100, 150, 10, 10},    {TargetKind::kPositive, 100, -5, 10, 0},
      {TargetKind::kPositive, 3, 1, 10, 3.33},      {TargetKind::kPositive, 0.95, 0.9, 12.5, 11.84},
      {TargetKind::kEqual, 257.34, 257.34, 10, 10}, {TargetKind::kEqual, 263000, 131500, 10, 5},
      {TargetKind::kEqual, 0, 0, 10, 10},           {TargetKind::kEqual, 0, 1, 10, 0},
      {TargetKind::kReverse, 24, 20, 10, 10},       {TargetKind::kReverse, 24, 24, 10, 10},
      {TargetKind::kReverse, 24, 36, 10, 5},        {TargetKind::kReverse, 24, 47.99, 10, 0},
      {TargetKind::kReverse, 24, 48, 10, 0},        {TargetKind::kReverse, 24, 100, 10, 0},
      {TargetKind::kReverse, 0, 0, 10, 10},         {TargetKind::kReverse, 0, 1, 10, 0}};
  for (const auto& c : cases) {
    EXPECT_DOUBLE_EQ(ScoreQuantitative(c.kind, c.target, c.actual, c.weight), c.score)
        << TargetKindName(c.kind) << " A=" << c.target << " B=" << c.actual;
  }
}

TEST(ScoreTest, QualitativeBandsDefaultToTheirTop) {
  const ScoringRules rules;
  EXPECT_DOUBLE_EQ(ScoreQualitative(Grade::kAchieved, 30, rules), 30);
  EXPECT_DOUBLE_EQ(ScoreQualitative(Grade::kPartlyAchieved, 30, rules), 24);
  EXPECT_DOUBLE_EQ(ScoreQualitative(Grade::kNotAchieved, 30, rules), 18);
  EXPECT_DOUBLE_EQ(ScoreQualitative(Grade::kNone, 30, rules), 0);
  ScoringRules hubei;  // 湖北's variant: bands 80 / 50
  hubei.partly_achieved_share = 0.5;
  EXPECT_DOUBLE_EQ(ScoreQualitative(Grade::kPartlyAchieved, 30, hubei), 15);
}

TEST(ScoreTest, BudgetExecutionIsCappedAtItsWeight) {
  EXPECT_DOUBLE_EQ(ScoreBudget(600000, 1200000, 10), 5);
  EXPECT_DOUBLE_EQ(ScoreBudget(1200000, 1200000, 10), 10);
  EXPECT_DOUBLE_EQ(ScoreBudget(1500000, 1200000, 10), 10);
  EXPECT_DOUBLE_EQ(ScoreBudget(-1, 1200000, 10), 0);
  EXPECT_DOUBLE_EQ(ScoreBudget(1, 0, 10), 0);
}

TEST(ScoreTest, GradeBoundaries) {
  const ScoringRules rules;
  const std::pair<double, const char*> cases[] = {{100, "优"},   {90, "优"},    {89.99, "良"},
                                                  {80, "良"},    {79.99, "中"}, {60, "中"},
                                                  {59.99, "差"}, {0, "差"}};
  for (const auto& [total, grade] : cases) EXPECT_EQ(GradeForTotal(total, rules), grade) << total;
}

// Weights: budget 10, 产出 50, 效益 30, 满意度 10, split equally within a group to two
// decimals by largest remainder, so the printed weights add up: 50 among seven is 7.15 twice
// and 7.14 five times.
TEST_F(EvaluationTest, WeightsSplitWithinEachGroupAndTotalOneHundred) {
  const ProjectStatus status = Evaluate(12);
  long long total_cents = std::llround(status.budget.weight * 100);
  int output = 0;
  for (const auto& indicator : status.indicators) {
    const std::string& level1 = indicator.indicator->level1;
    const double expected = level1 == "产出指标"   ? (output++ < 2 ? 7.15 : 7.14)
                            : level1 == "效益指标" ? 30
                                                   : 10;
    EXPECT_DOUBLE_EQ(indicator.weight, expected) << indicator.indicator->id;
    total_cents += std::llround(indicator.weight * 100);
  }
  EXPECT_EQ(total_cents, 10000);
}

TEST(ScoreWeightsTest, NoSatisfactionIndicatorGivesItsWeightToEffect) {
  Diagnostics diagnostics;
  auto catalog = LoadCatalog({{"c.yaml", R"(unit: {id: u, name: 单位}
year: 2026
projects:
  - id: p
    name: 项目
    department: d
    funds:
      period: {total: 100, provincial: 100}
      annual: {total: 100, provincial: 100}
    indicators:
      - {id: a, level1: 产出指标, level2: 数量指标, name: a, target: "≥10次", weight: 20}
      - {id: b, level1: 产出指标, level2: 数量指标, name: b, target: "≥10次"}
      - {id: c, level1: 效益指标, level2: 社会效益, name: c, target: 提升}
)"}},
                             diagnostics);
  ASSERT_TRUE(catalog.ok()) << diagnostics.ToString();
  ActualsIndex actuals(*catalog);
  actuals.Apply("p", "a", {2026, 12}, 10, Grade::kNone, {});
  actuals.Apply("p", "b", {2026, 12}, 5, Grade::kNone, {});
  actuals.Apply("p", "c", {2026, 12}, std::nullopt, Grade::kAchieved, {});
  actuals.Apply("p", "spent", {2026, 12}, 90, Grade::kNone, {});
  const ProjectStatus status =
      Evaluator(*catalog).EvaluateProject(0, actuals, {2026, 12}, {2027, 1, 20});
  EXPECT_DOUBLE_EQ(status.indicators[0].weight, 20);  // as the catalogue says
  EXPECT_DOUBLE_EQ(status.indicators[1].weight, 30);  // the rest of 产出's 50
  EXPECT_DOUBLE_EQ(status.indicators[2].weight, 40);  // 效益 30 + 满意度 10
  EXPECT_DOUBLE_EQ(status.indicators[0].score, 20);
  EXPECT_DOUBLE_EQ(status.indicators[1].score, 15);
  EXPECT_DOUBLE_EQ(status.indicators[2].score, 40);
  EXPECT_DOUBLE_EQ(status.budget.score, 9);
  EXPECT_DOUBLE_EQ(status.score, 84);
  EXPECT_EQ(status.grade, "良");
}

// In-year the score is the one the project would get on its year-end forecast.
TEST_F(EvaluationTest, InYearScoresUseTheForecastAndYearEndTheActuals) {
  Report("count", 6, 300);  // forecast 600 of 1200 → half the weight
  Report("spent", 6, 300000);
  ProjectStatus june = Evaluate(6);
  EXPECT_DOUBLE_EQ(june.indicators[0].score, RoundToCents(7.15 / 2));  // of its printed weight
  EXPECT_DOUBLE_EQ(june.budget.score, 5);  // forecast 600,000 of 1,200,000
  Report("count", 12, 1200);
  Report("spent", 12, 1200000);
  ProjectStatus december = Evaluate(12, {2027, 1, 20});
  EXPECT_DOUBLE_EQ(december.indicators[0].score, 7.15);
  EXPECT_DOUBLE_EQ(december.budget.score, 10);
}

// On 5 January December's reports are not due yet (10 January): December is evaluated, but not
// as final — the scores stay on the forecast, and the evaluation says so.
TEST_F(EvaluationTest, DecemberIsFinalOnlyOnceItsReportsAreDue) {
  Report("count", 11, 1000);  // forecast 1000 ÷ 11/12 ≈ 1090.9 of 1200
  Report("spent", 11, 1100000);
  const Evaluator evaluator(catalog_);
  const Evaluation early = evaluator.EvaluateAll(*actuals_, {2026, 12}, {2027, 1, 5});
  EXPECT_FALSE(early.year_end);
  const Evaluation due = evaluator.EvaluateAll(*actuals_, {2026, 12}, {2027, 1, 11});
  EXPECT_TRUE(due.year_end);
  // With December unreported, the in-year score is on the forecast, the final one on 1000.
  EXPECT_GT(early.projects[0].indicators[0].score, due.projects[0].indicators[0].score);
  EXPECT_DOUBLE_EQ(due.projects[0].indicators[0].score, RoundToCents(7.15 * 1000 / 1200));
}

TEST_F(EvaluationTest, TheProjectLightIsTheWorstOfItsIndicatorsAndBudget) {
  Report("count", 1, 100);
  Report("spent", 1, 100000);
  EXPECT_EQ(Evaluate(1, {2026, 2, 5}).light, Light::kNoData);  // others not reported, not due
  EXPECT_EQ(Evaluate(1, {2026, 2, 11}).light, Light::kOverdue);
  Report("hours", 1, 30);
  EXPECT_EQ(Evaluate(1, {2026, 2, 11}).light, Light::kRed);
}

// Last year's value of the month of this year's, found by the indicator's id or else its
// published name, printed in last year's published unit; nothing for an indicator last year did
// not have or did not report that month.
TEST(LastYearTest, TheSameMonthOfLastYearByIdOrByName) {
  // Last year 修复时间 had another id, and 满意度 was not an indicator.
  std::string past_text = kCatalog;
  past_text.replace(past_text.find("year: 2026"), 10, "year: 2025");
  past_text.replace(past_text.find("{id: hours,"), 11, "{id: repair-hours,");
  past_text.erase(past_text.find("      - {id: satisfied"));
  Diagnostics diagnostics;
  const Catalog past = LoadCatalog({{"2025.yaml", past_text}}, diagnostics).value();
  const Catalog now = LoadCatalog({{"2026.yaml", kCatalog}}, diagnostics).value();
  ActualsIndex past_actuals(past);
  past_actuals.Apply("p", "count", {2025, 7}, 1000, Grade::kNone, {});
  past_actuals.Apply("p", "repair-hours", {2025, 7}, 22, Grade::kNone, {});
  past_actuals.Apply("p", "heating", {2025, 6}, 52000, Grade::kNone, {});
  past_actuals.Apply("p", "satisfied", {2025, 7}, 0.9, Grade::kNone, {});  // not taken
  ActualsIndex actuals(now);
  actuals.Apply("p", "heating", {2026, 6}, 40000, Grade::kNone, {});
  Evaluation compared = Evaluator(now).EvaluateAll(actuals, {2026, 7}, {2026, 8, 15});
  AttachLastYear(compared, past, past_actuals, nullptr);
  auto last_year = [&](std::string_view id) -> const LastYearValue* {
    for (const IndicatorStatus& status : compared.projects[0].indicators)
      if (status.indicator->id == id) return status.last_year.get();
    return nullptr;
  };
  ASSERT_NE(last_year("count"), nullptr);
  EXPECT_EQ(last_year("count")->period, (Period{2025, 7}));
  EXPECT_EQ(last_year("count")->text, "1000人");
  EXPECT_EQ(last_year("count")->unit, "人");
  ASSERT_NE(last_year("hours"), nullptr);
  EXPECT_EQ(last_year("hours")->indicator_id, "repair-hours");
  EXPECT_EQ(last_year("hours")->text, "22小时");
  // This year's latest 取暖 is June's: last June's, in 万人 as its target was published.
  ASSERT_NE(last_year("heating"), nullptr);
  EXPECT_EQ(last_year("heating")->text, "5.2万人");
  EXPECT_EQ(last_year("heating")->unit, "万人");
  EXPECT_EQ(last_year("rate"), nullptr) << "nothing reported last July";
  EXPECT_EQ(last_year("satisfied"), nullptr) << "not in last year's catalogue";
}

}  // namespace
}  // namespace ptmon
