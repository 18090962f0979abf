// The budget side as units file it: 调整后预算数 in force from its month, the spending plan
// (用款计划) behind the light, 执行率 = spent ÷ adjusted budget, the forecast capped at the
// budget, the fund-source rows of the 自评表, and the reason a low rate needs at year end.
#include <gtest/gtest.h>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/indicators/evaluation.h>
#include <ptmon/ingest/actuals.h>
#include <ptmon/ingest/report_template.h>

namespace ptmon {
namespace {

constexpr double kInitial = 1200000;   // 年初预算数: 1,000,000 provincial + 200,000 central
constexpr double kAdjusted = 1500000;  // 调整后预算数 from September

// One project with an adjusted budget and a heating-season plan, one with a linear plan funded
// from three rows.
constexpr const char* kCatalog = R"(unit: {id: u, name: 单位}
year: 2026
projects:
  - id: heating
    name: 取暖费
    department: d
    funds:
      period: {total: 1200000, central: 200000, provincial: 1000000}
      annual: {total: 1200000, central: 200000, provincial: 1000000}
      adjusted:
        - {from_month: 9, total: 1500000, central: 200000, provincial: 1300000,
           approval: 晋财预〔2026〕88号}
    spending_plan:
      cumulative: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1, 1]
    indicators:
      - {id: paid, level1: 产出指标, level2: 数量指标, name: 人数, target: "≥1200人"}
  - id: mixed
    name: 多来源
    department: d
    funds:
      period: {total: 1000000, provincial: 600000, self_raised: 300000, other: 100000}
      annual: {total: 1000000, provincial: 600000, self_raised: 300000, other: 100000}
    indicators:
      - {id: paid, level1: 产出指标, level2: 数量指标, name: 人数, target: "≥1200人"}
)";

class BudgetTest : public testing::Test {
 protected:
  void SetUp() override {
    Diagnostics diagnostics;
    catalog_ = LoadCatalog({{"catalog.yaml", kCatalog}}, diagnostics).value();
    actuals_ = std::make_unique<ActualsIndex>(catalog_);
  }
  void Spend(const std::string& project, int month, double yuan, const ValueNotes& notes = {}) {
    ASSERT_TRUE(actuals_->Apply(project, "spent", {2026, month}, yuan, Grade::kNone, notes));
  }
  BudgetStatus Budget(int project, int month, Date today = {2026, 12, 31}) {
    return Evaluator(catalog_)
        .EvaluateProject(static_cast<uint32_t>(project), *actuals_, {2026, month}, today)
        .budget;
  }

  Catalog catalog_;
  std::unique_ptr<ActualsIndex> actuals_;
};

TEST_F(BudgetTest, TheAdjustedBudgetIsInForceFromItsMonth) {
  Spend("heating", 8, 600000);
  Spend("heating", 9, 750000);
  const BudgetStatus august = Budget(0, 8);
  EXPECT_DOUBLE_EQ(august.initial_budget_yuan, kInitial);
  EXPECT_DOUBLE_EQ(august.adjusted_budget_yuan, kInitial);
  EXPECT_EQ(august.adjustment, nullptr);
  EXPECT_DOUBLE_EQ(*august.execution_rate, 600000 / kInitial);
  const BudgetStatus september = Budget(0, 9);
  EXPECT_DOUBLE_EQ(september.initial_budget_yuan, kInitial);
  EXPECT_DOUBLE_EQ(september.adjusted_budget_yuan, kAdjusted);
  ASSERT_NE(september.adjustment, nullptr);
  EXPECT_EQ(september.adjustment->approval, "晋财预〔2026〕88号");
  EXPECT_DOUBLE_EQ(*september.execution_rate, 750000 / kAdjusted);
}

// 执行率 is what was spent over the budget, never a forecast: above 100% only when spending
// really passed the budget, and the forecast is then what was spent.
TEST_F(BudgetTest, TheRateIsWhatWasSpentOverTheAdjustedBudget) {
  const double linear_budget = 1000000;
  Spend("mixed", 7, 480000);  // 48% by July: the linear forecast would be 822,857 (82.29%)
  const BudgetStatus july = Budget(1, 7);
  EXPECT_DOUBLE_EQ(*july.execution_rate, 480000 / linear_budget);
  EXPECT_DOUBLE_EQ(*july.forecast_spent_yuan, 480000 / (7 / 12.0));
  Spend("mixed", 11, 1050000);
  const BudgetStatus over = Budget(1, 11);
  EXPECT_DOUBLE_EQ(*over.execution_rate, 1050000 / linear_budget);
  EXPECT_DOUBLE_EQ(*over.forecast_spent_yuan, 1050000);
}

// 822.86 of 814万元 was a forecast printed as the rate. The forecast stops at the budget.
TEST_F(BudgetTest, TheForecastNeverPassesTheBudget) {
  const double budget = 1000000;
  const double spent = 600000;  // by July: 600,000 ÷ 7/12 = 1,028,571 uncapped
  ASSERT_GT(spent / (7 / 12.0), budget);
  Spend("mixed", 7, spent);
  const BudgetStatus july = Budget(1, 7);
  EXPECT_DOUBLE_EQ(*july.forecast_spent_yuan, budget);
  EXPECT_DOUBLE_EQ(*july.execution_rate, spent / budget);
  // The in-year score is on the capped forecast: the full 10 points, not more.
  EXPECT_DOUBLE_EQ(
      Evaluator(catalog_).EvaluateProject(1, *actuals_, {2026, 7}, {2026, 8, 15}).budget.score, 10);
}

// The issue's case: 480万元 of the central 补助资金's 814万元 spent by July printed 822.86万元
// (101.09%), a forecast shown as the rate. The rate is what was spent; above 100% only once the
// spending itself is.
TEST(BudgetCentralSubsidyTest, PrintsWhatWasSpentOverTheBudget) {
  Diagnostics diagnostics;
  const Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  const auto project = static_cast<uint32_t>(
      catalog.FindProjectByIdOrName("teachers-subsidy-central").value() - catalog.projects.data());
  const double budget = 8140000;
  ActualsIndex actuals(catalog);
  actuals.Apply("teachers-subsidy-central", "spent", {2026, 7}, 4800000, Grade::kNone, {});
  const Evaluator evaluator(catalog);
  const BudgetStatus july =
      evaluator.EvaluateProject(project, actuals, {2026, 7}, {2026, 8, 15}).budget;
  ASSERT_GT(4800000 / (7 / 12.0), budget);  // the linear forecast passes the budget
  EXPECT_DOUBLE_EQ(*july.execution_rate, 4800000 / budget);
  EXPECT_DOUBLE_EQ(*july.forecast_spent_yuan, budget);
  actuals.Apply("teachers-subsidy-central", "spent", {2026, 12}, 8228600, Grade::kNone, {});
  const BudgetStatus december =
      evaluator.EvaluateProject(project, actuals, {2026, 12}, {2027, 1, 15}).budget;
  EXPECT_DOUBLE_EQ(*december.execution_rate, 8228600 / budget);
  EXPECT_GT(*december.execution_rate, 1);
  EXPECT_DOUBLE_EQ(*december.forecast_spent_yuan, 8228600);
}

// The heating money is planned for October and November: nothing spent in July is on plan,
// and October is judged on the half the plan expects by then.
TEST_F(BudgetTest, TheLightFollowsTheSpendingPlanNotTime) {
  Spend("heating", 7, 0);
  const BudgetStatus july = Budget(0, 7);
  EXPECT_EQ(july.light, Light::kGreen);
  EXPECT_DOUBLE_EQ(*july.plan_share, 0);
  EXPECT_FALSE(july.ratio_to_plan.has_value());
  EXPECT_DOUBLE_EQ(*july.forecast_spent_yuan, kInitial);  // the plan stands until it expects

  struct Case {
    double spent;  // by October, of the adjusted 1,500,000: the plan expects 750,000
    Light light;
  };
  const Case cases[] = {{449999, Light::kRed},
                        {450000, Light::kYellow},
                        {599999, Light::kYellow},
                        {600000, Light::kGreen}};
  for (const auto& c : cases) {
    Spend("heating", 10, c.spent);
    const BudgetStatus october = Budget(0, 10);
    EXPECT_EQ(october.light, c.light) << c.spent;
    EXPECT_DOUBLE_EQ(*october.plan_share, 0.5);
    EXPECT_DOUBLE_EQ(*october.ratio_to_plan, c.spent / kAdjusted / 0.5) << c.spent;
    EXPECT_DOUBLE_EQ(*october.forecast_spent_yuan, std::min(c.spent / 0.5, kAdjusted));
  }
  // The same spending against a linear plan (mixed, 1,000,000) is behind by July.
  Spend("mixed", 7, 0);
  EXPECT_EQ(Budget(1, 7).light, Light::kRed);
}

TEST_F(BudgetTest, TheFundSourceRowsAddUpToTheTotal) {
  Spend("heating", 9, 750000);
  Spend("mixed", 9, 700000);
  for (int project : {0, 1}) {
    const BudgetStatus budget = Budget(project, 9);
    double initial = 0, adjusted = 0;
    for (const BudgetRow& row : budget.spent_by_source) {
      initial += row.initial_yuan;
      adjusted += row.adjusted_yuan;
    }
    EXPECT_DOUBLE_EQ(initial, budget.initial_budget_yuan) << project;
    EXPECT_DOUBLE_EQ(adjusted, budget.adjusted_budget_yuan) << project;
  }
  // 财政资金 is central + provincial; a budget from that row alone spends from it.
  const BudgetStatus heating = Budget(0, 9);
  const BudgetRow& fiscal = heating.spent_by_source[0];
  EXPECT_DOUBLE_EQ(fiscal.initial_yuan, 200000 + 1000000);
  EXPECT_DOUBLE_EQ(fiscal.adjusted_yuan, 200000 + 1300000);
  EXPECT_DOUBLE_EQ(*fiscal.spent_yuan, 750000);
  for (size_t row = 1; row < heating.spent_by_source.size(); ++row) {
    EXPECT_DOUBLE_EQ(heating.spent_by_source[row].adjusted_yuan, 0);
  }
  // 财政资金 · 财政专户管理资金 · 单位资金 · 其他资金, in the table's order.
  const BudgetStatus mixed = Budget(1, 9);
  const double rows[] = {600000, 0, 300000, 100000};
  for (size_t row = 0; row < 4; ++row) {
    EXPECT_DOUBLE_EQ(mixed.spent_by_source[row].initial_yuan, rows[row]) << row;
    // Reported as one total, the spending of a budget from several rows is not split by guess.
    EXPECT_FALSE(mixed.spent_by_source[row].spent_yuan.has_value()) << row;
  }
  EXPECT_EQ(FundRowName(kFundRows[1]), "财政专户管理资金");
}

// Reported by row, spending is kept by row and the total is the rows' sum; each row is year to
// date, so a row left out of a later month still counts its last figure.
TEST_F(BudgetTest, SpendingReportedBySourceIsKeptByRowAndAddsUpToTheTotal) {
  const double budget = 1000000;
  auto spend_row = [&](FundRow row, int month, double yuan, const ValueNotes& notes = {}) {
    ASSERT_TRUE(actuals_->Apply("mixed", kSpentBySourceIds[static_cast<int>(row)], {2026, month},
                                yuan, Grade::kNone, notes));
  };
  spend_row(FundRow::kFiscal, 9, 300000);
  spend_row(FundRow::kUnit, 9, 100000, {"经费保障", "自筹资金到位晚", "", ""});
  spend_row(FundRow::kOther, 9, 50000);
  const BudgetStatus september = Budget(1, 9);
  const double rows[] = {300000, 0, 100000, 50000};
  double sum = 0;
  for (size_t row = 0; row < 4; ++row) {
    ASSERT_TRUE(september.spent_by_source[row].spent_yuan.has_value()) << row;
    EXPECT_DOUBLE_EQ(*september.spent_by_source[row].spent_yuan, rows[row]) << row;
    sum += rows[row];
  }
  EXPECT_DOUBLE_EQ(*september.spent_yuan, sum);
  EXPECT_DOUBLE_EQ(*september.execution_rate, sum / budget);
  EXPECT_EQ(september.budget_reason, "自筹资金到位晚");
  EXPECT_EQ(september.period, (Period{2026, 9}));

  // A total beside the rows of its month adds up to them and keeps its reason.
  spend_row(FundRow::kFiscal, 10, 350000);
  Spend("mixed", 10, 350000 + 100000 + 50000, {"经费保障", "招标推迟", "", ""});
  const BudgetStatus october = Budget(1, 10);
  EXPECT_DOUBLE_EQ(*october.spent_by_source[0].spent_yuan, 350000);
  EXPECT_DOUBLE_EQ(*october.spent_yuan, 350000 + 100000 + 50000);
  EXPECT_EQ(october.budget_reason, "招标推迟");

  spend_row(FundRow::kFiscal, 11, 500000);
  const BudgetStatus november = Budget(1, 11);
  EXPECT_DOUBLE_EQ(*november.spent_yuan, 500000 + 100000 + 50000);
  EXPECT_DOUBLE_EQ(*november.spent_by_source[2].spent_yuan, 100000);

  // A later total stands for the month it reports; it is not split by guess.
  Spend("mixed", 12, 900000);
  const BudgetStatus december = Budget(1, 12);
  EXPECT_DOUBLE_EQ(*december.spent_yuan, 900000);
  EXPECT_FALSE(december.spent_by_source[0].spent_yuan.has_value());
}

TEST_F(BudgetTest, AtYearEndARateBelowNinetyPercentNeedsAReason) {
  const Date final_day{2027, 1, 15};  // December's reports are due by January 10th
  const double budget = 1000000;
  Spend("mixed", 12, 0.8 * budget);
  EXPECT_TRUE(Budget(1, 12, final_day).reason_missing);
  EXPECT_FALSE(Budget(1, 12, {2027, 1, 5}).reason_missing);  // December not yet due: in-year
  EXPECT_DOUBLE_EQ(Budget(1, 12, final_day).score, 8);       // 80% of the 10 points
  Spend("mixed", 12, 0.8 * budget, {"经费保障", "资金按采暖季拨付", "", ""});
  const BudgetStatus explained = Budget(1, 12, final_day);
  EXPECT_FALSE(explained.reason_missing);
  EXPECT_EQ(explained.budget_reason, "资金按采暖季拨付");
  Spend("mixed", 12, 0.9 * budget);
  EXPECT_FALSE(Budget(1, 12, final_day).reason_missing);
}

// The year-end score is on the adjusted budget: 1,200,000 of 1,500,000 is 8 of 10 points.
TEST_F(BudgetTest, TheScoreIsOnTheAdjustedBudget) {
  Spend("heating", 12, kInitial);
  EXPECT_DOUBLE_EQ(Budget(0, 12, {2027, 1, 15}).score, kInitial / kAdjusted * 10);
}

// Rows by source are written as the total is: a CSV row (or a YAML key) whose indicator is the
// row's id or name; where the total is also given it must be their sum.
TEST(BudgetReportTest, SpendingIsReportedBySourceInCsvAndYaml) {
  Diagnostics loading;
  const Catalog catalog = LoadCatalog({{"catalog.yaml", kCatalog}}, loading).value();
  const std::string header = "项目,指标,期间,完成值\n";
  auto parse = [&](const std::string& text, ReportFormat format, Diagnostics& diagnostics) {
    return ParseReport(text, format, "report", catalog, {2026, 12, 31}, {}, diagnostics);
  };
  auto ids = [&](const Submission& submission) {
    std::vector<std::string> stored;
    const auto view = StoredValues(submission, catalog);
    for (size_t i = 0; i < submission.values.size(); ++i) {
      stored.emplace_back(view(i).indicator_id);
    }
    return stored;
  };
  {
    Diagnostics diagnostics;
    const Submission submission = parse(header +
                                            "mixed,财政资金执行数,2026-09,300000\n"
                                            "mixed,spent_unit,2026-09,100000\n"
                                            "mixed,预算执行数,2026-09,400000\n",
                                        ReportFormat::kCsv, diagnostics);
    EXPECT_FALSE(diagnostics.has_errors()) << diagnostics.ToString();
    EXPECT_EQ(ids(submission), (std::vector<std::string>{"spent_fiscal", "spent_unit", "spent"}));
  }
  {
    Diagnostics diagnostics;
    (void)parse(header +
                    "mixed,财政资金执行数,2026-09,300000\n"
                    "mixed,spent_unit,2026-09,100000\n"
                    "mixed,预算执行数,2026-09,450000\n",
                ReportFormat::kCsv, diagnostics);
    EXPECT_NE(diagnostics.ToString().find("report:4: 预算执行数合计 450000元 与分来源执行数之和 "
                                          "400000元 不符"),
              std::string::npos)
        << diagnostics.ToString();
  }
  {
    Diagnostics diagnostics;  // mixed has no 财政专户管理资金
    (void)parse(header + "mixed,财政专户管理资金执行数,2026-09,1000\n", ReportFormat::kCsv,
                diagnostics);
    EXPECT_NE(diagnostics.ToString().find("report:2:"), std::string::npos)
        << diagnostics.ToString();
    EXPECT_NE(diagnostics.ToString().find("没有指标"), std::string::npos) << diagnostics.ToString();
  }
  {
    Diagnostics diagnostics;
    const Submission submission = parse(
        "period: 2026-09\nprojects:\n  mixed:\n    spent_fiscal: 300000\n"
        "    spent_other: {value: 50000, reason: 捐赠到账晚}\n",
        ReportFormat::kYaml, diagnostics);
    EXPECT_FALSE(diagnostics.has_errors()) << diagnostics.ToString();
    EXPECT_EQ(ids(submission), (std::vector<std::string>{"spent_fiscal", "spent_other"}));
  }
}

// The template (CSV, workbook and the console's form) offers a row per fund source only to a
// budget from several.
TEST(BudgetReportTest, TheTemplateOffersTheRowsOfABudgetFromSeveralSources) {
  Diagnostics loading;
  const Catalog catalog = LoadCatalog({{"catalog.yaml", kCatalog}}, loading).value();
  auto indicator_ids = [&](std::string_view project) {
    std::vector<std::string> ids;
    const ReportTemplate report = BuildReportTemplate(catalog, {2026, 9}, project).value();
    for (const auto& sheet : report.sheets) {
      for (const auto& row : sheet.rows) ids.push_back(row.cells[1]);
    }
    return ids;
  };
  EXPECT_EQ(indicator_ids("mixed"), (std::vector<std::string>{"paid", "spent", "spent_fiscal",
                                                              "spent_unit", "spent_other"}));
  EXPECT_EQ(indicator_ids("heating"), (std::vector<std::string>{"paid", "spent"}));
}

TEST(BudgetCatalogTest, MonthlySharesReadAsTheCumulativePlan) {
  std::string text = kCatalog;
  const std::string cumulative = "cumulative: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1, 1]";
  text.replace(text.find(cumulative), cumulative.size(),
               "monthly: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0]");
  Diagnostics diagnostics;
  const Catalog catalog = LoadCatalog({{"catalog.yaml", text}}, diagnostics).value();
  EXPECT_EQ(catalog.projects[0].spending_plan,
            (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1, 1}));
  EXPECT_TRUE(catalog.projects[1].spending_plan.empty());
  EXPECT_DOUBLE_EQ(PlanShare(catalog.projects[1], 3), 0.25);
}

TEST(BudgetCatalogTest, AWrongPlanOrAdjustmentIsRefusedWhereItIsWritten) {
  struct Case {
    std::string from, to, message;
  };
  const std::string plan = "cumulative: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 1, 1]";
  const std::string adjustment =
      "{from_month: 9, total: 1500000, central: 200000, provincial: "
      "1300000,\n           approval: 晋财预〔2026〕88号}";
  const Case cases[] = {
      {plan, "monthly: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0, 0, 0]",
       "catalog.yaml:14:16: project 'heating': spending_plan.monthly must add up to 1 (the whole "
       "budget), not 0.9"},
      {plan, "cumulative: [0, 0, 0, 0, 0, 0, 0, 0, 0.6, 0.5, 1, 1]",
       "catalog.yaml:14:49: project 'heating': spending_plan.cumulative values must be numbers "
       "from 0 to 1 that never decrease"},
      {plan, "cumulative: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.9, 0.9]",
       "catalog.yaml:14:19: project 'heating': spending_plan.cumulative must reach 1"},
      {plan, "cumulative: [0.5, 1]",
       "catalog.yaml:14:19: project 'heating': "
       "spending_plan.cumulative must list 12 numbers"},
      {plan, plan + "\n      monthly: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0]",
       "catalog.yaml:14:7: project 'heating': spending_plan takes either 'cumulative'"},
      {"central: 200000, provincial: 1300000", "central: 200000, provincial: 1200000",
       "catalog.yaml:11:11: project 'heating': funds.adjusted: the sources add up to 1400000 "
       "yuan but the total is 1500000 yuan"},
      {"from_month: 9", "from_month: 1",
       "catalog.yaml:11:24: 'from_month' must be a whole number from 2 to 12"},
      {adjustment, "{from_month: 9, total: 1200000, central: 200000, provincial: 1000000}",
       "missing 'approval'"},
      {adjustment,
       adjustment + "\n        - {from_month: 8, total: 1200000, central: 200000, provincial: "
                    "1000000, approval: 文号}",
       "catalog.yaml:13:24: project 'heating': budget adjustments must be listed in month order"},
  };
  for (const auto& c : cases) {
    std::string text = kCatalog;
    ASSERT_NE(text.find(c.from), std::string::npos) << c.from;
    text.replace(text.find(c.from), c.from.size(), c.to);
    Diagnostics diagnostics;
    (void)LoadCatalog({{"catalog.yaml", text}}, diagnostics);
    EXPECT_TRUE(diagnostics.has_errors()) << c.to;
    EXPECT_NE(diagnostics.ToString().find(c.message), std::string::npos) << c.to << "\n"
                                                                         << diagnostics.ToString();
  }
}

}  // namespace
}  // namespace ptmon
