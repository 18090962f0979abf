// Evaluating attainment as budget-performance monitoring does (../shared/reference/
// monitoring-rules.md): pace against the year, traffic lights, overdue reports, year-end
// forecast, budget execution against its spending plan, and the self-evaluation score
// (财预〔2020〕10号). Every threshold is a setting whose default is the value named in the rules.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/clock.h>
#include <ptmon/indicators/actuals.h>
#include <ptmon/indicators/catalog.h>

namespace ptmon {

// Ordered so that a larger value is worse: the worst light of a project's indicators is its
// light. Blue (far ahead: the target may be set too low) ranks just above green; a report that
// is overdue ranks above yellow but below a red that is known.
enum class Light { kGreen = 0, kBlue = 1, kNoData = 2, kYellow = 3, kOverdue = 4, kRed = 5 };
std::string_view LightName(Light light);  // green, blue, no_data, yellow, overdue, red
// As the national system words the warning: 绿灯, 蓝灯, 未报送, 黄灯, 逾期未报, 红灯.
std::string_view LightNameZh(Light light);

enum class Likelihood { kUnknown, kCertain, kPossible, kImpossible };
std::string_view LikelihoodName(Likelihood likelihood);  // 确定能, 有可能, 完全不可能, ""

struct LightThresholds {
  // Percent of the expected value to date (positive and equal indicators).
  double red_below = 60;
  double yellow_below = 80;
  double blue_from = 120;
  // Percent of the spending plan's expected share that budget execution reaches (bgttracewarn;
  // the plan is time, N/12, unless the catalogue gives one).
  double budget_red_below = 60;
  double budget_yellow_below = 80;
};

struct ScoringRules {
  double budget_weight = 10;
  double output_weight = 50;        // 产出指标
  double effect_weight = 30;        // 效益指标
  double satisfaction_weight = 10;  // 满意度指标; goes to 效益 when a project has none
  // Qualitative grades score this share of the weight: the top of each band by default
  // (达成 80–100 %, 部分达成 60–80 %, 未达成 0–60 %).
  double achieved_share = 1.0;
  double partly_achieved_share = 0.8;
  double not_achieved_share = 0.6;
  // Grade boundaries on the total.
  double excellent_from = 90;  // 优
  double good_from = 80;       // 良
  double fair_from = 60;       // 中; below: 差
};

struct EvaluationSettings {
  LightThresholds lights;
  ScoringRules scoring;
  int budget_due_day = 10;  // spending is reported monthly, due by this day of the next month
  // At year end an execution rate below this (a ratio) needs the manager's reason (自评表).
  double budget_reason_below = 0.9;
};

// Last year's figure for the month of this year's (AttachLastYear): the same indicator id in
// last year's catalogue, or the same published name, of the same project (by id or name).
struct LastYearValue {
  std::string indicator_id;     // last year's id
  Period period;                // last year's month
  std::optional<double> value;  // base units
  Grade grade = Grade::kNone;
  std::string unit;  // of last year's target, as published
  // In the unit last year's target was published in (1200万条), or the grade.
  std::string text;
};

// `indicator` and `project` point into the catalogue the Evaluator was built with: whoever
// keeps an Evaluation keeps that catalogue alive beside it (the daemon's snapshot holds both).
// Everything else is held by value or shared ownership.
struct IndicatorStatus {
  const Indicator* indicator = nullptr;
  // What the month evaluated is judged against: the annual target, or the adjusted one from
  // its effective month on. Points into `indicator`.
  const Target* target = nullptr;
  // The latest report at or before the month evaluated.
  std::optional<Period> period;
  std::optional<double> actual;  // base units
  Grade grade = Grade::kNone;
  std::optional<double> expected;  // to date, at the reported period
  std::optional<double> progress;  // actual ÷ expected (a ratio, 1 = on track)
  Light light = Light::kNoData;
  bool overdue = false;  // the report due for the month evaluated is missing past its due day
  std::optional<double> forecast;  // year end, base units
  Grade forecast_grade = Grade::kNone;
  std::optional<double> gap;  // forecast − target: negative is short for positive targets
  Likelihood likelihood = Likelihood::kUnknown;  // computed from the forecast
  std::shared_ptr<const ValueNotes> notes;       // the manager's, from the latest report
  bool target_may_be_low = false;                // blue: flag for reviewers, no deduction
  double weight = 0;
  double score = 0;
  // Null when last year's catalogue has no such indicator or no value for that month.
  std::shared_ptr<const LastYearValue> last_year;
};

// One row of the budget section (总额 or a fund-source row), in yuan.
struct BudgetRow {
  double initial_yuan = 0;   // 年初预算数
  double adjusted_yuan = 0;  // 调整后预算数 in force in the month evaluated
  // 1–N月执行数; nothing when not reported (a row of a project funded from several rows whose
  // manager reported only the total).
  std::optional<double> spent_yuan;
};

struct BudgetStatus {
  double initial_budget_yuan = 0;   // 年初预算数
  double adjusted_budget_yuan = 0;  // 调整后预算数 in force in the month evaluated
  // The adjustment in force (points into the catalogue); null when the initial budget stands.
  const BudgetAdjustment* adjustment = nullptr;
  std::optional<double> spent_yuan;  // year to date, the sum of the rows when reported by row
  // By the table's rows (kFundRows order): 财政资金, 财政专户管理资金, 单位资金, 其他资金.
  std::array<BudgetRow, kFundRowCount> spent_by_source;
  std::optional<Period> period;
  // 执行率: what was spent ÷ the adjusted budget in force; above 1 only when spending really
  // exceeds the budget. Never a forecast.
  std::optional<double> execution_rate;
  // Share of the budget the spending plan (用款计划, linear by default) expects by the reported
  // month, and the execution rate divided by it (1 keeps to the plan); the light is judged on
  // the latter. No ratio while the plan expects nothing yet.
  std::optional<double> plan_share;
  std::optional<double> ratio_to_plan;
  Light light = Light::kNoData;
  bool overdue = false;
  // 全年预计执行数: spending extrapolated by the plan, capped at the adjusted budget; what was
  // already spent when that is more.
  std::optional<double> forecast_spent_yuan;
  // The manager's explanation with the latest spending report (偏差原因), "" when none.
  std::string budget_reason;
  // At year end a rate below settings' budget_reason_below needs a reason, and there is none.
  bool reason_missing = false;
  double weight = 0;
  double score = 0;
};

struct ProjectStatus {
  const Project* project = nullptr;
  Light light = Light::kNoData;
  BudgetStatus budget;
  std::vector<IndicatorStatus> indicators;
  double score = 0;   // the self-evaluation total (in-year: on the forecast)
  std::string grade;  // 优, 良, 中, 差
};

struct Evaluation {
  Period as_of;
  double time_progress = 0;  // N / 12
  bool year_end = false;     // December, once its reports are due: scores are on actuals
  LightThresholds lights;    // what the lights were judged against, for printing beside them
  std::vector<ProjectStatus> projects;
};

// Progress and budget execution against its plan as printed: percentages rounded to `decimals`,
// never across a threshold their light was judged on (79.99 against 80 is 79.9, not 80.0).
std::optional<double> PrintedProgressPercent(const IndicatorStatus& status,
                                             const LightThresholds& lights, int decimals);
std::optional<double> PrintedPercentOfPlan(const BudgetStatus& budget,
                                           const LightThresholds& lights, int decimals);

// The month to evaluate by default: the last one whose reports are due (on the 10th of the
// next month, or `due_day`) by `today`, clamped to the catalogue's year.
Period DefaultAsOf(Date today, int catalog_year, int due_day = 10);

// The share of a year-to-date indicator's annual target expected by the end of `month`: its
// pace profile, or month / 12.
double PaceShare(const Indicator& indicator, int month);
// The share of a project's budget its spending plan expects spent by the end of `month`.
double PlanShare(const Project& project, int month);

// The date the report for `period` is due: `due_day` of the month after, within that month.
// The one rule the lights, the reminders, 我的填报 and the board's days overdue all read.
Date DueDate(Period period, int due_day);
// Whether the report for `period` is past due on `today`: today is after its DueDate.
bool IsPastDue(Period period, int due_day, Date today);
// Whether a value for `reported` answers the report due for `due`: one for that month or a later
// one of the same year (a year-to-date or quarterly figure sent late covers what it includes).
// The overdue light applies it to the latest value at or before the month it evaluates, so on
// the day `due` falls due only a value for `due` itself answers it; the reminders read it so.
bool ReportAnswers(Period reported, Period due);

// Stateless apart from its settings; thread-safe.
class Evaluator {
 public:
  Evaluator(const Catalog& catalog, EvaluationSettings settings = {});

  Evaluation EvaluateAll(const ActualsIndex& actuals, Period as_of, Date today) const;
  // Re-evaluates only `projects` (those a new batch touched) in an evaluation made by
  // EvaluateAll with the same catalogue.
  void Reevaluate(Evaluation& evaluation, const ActualsIndex& actuals,
                  const std::vector<uint32_t>& projects, Date today) const;
  ProjectStatus EvaluateProject(uint32_t project, const ActualsIndex& actuals, Period as_of,
                                Date today) const;
  const EvaluationSettings& settings() const { return settings_; }

 private:
  IndicatorStatus EvaluateIndicator(uint32_t project, int32_t indicator,
                                    const ActualsIndex& actuals, Period as_of, Date today) const;
  BudgetStatus EvaluateBudget(uint32_t project, const ActualsIndex& actuals, Period as_of,
                              Date today, bool year_end) const;
  void Score(ProjectStatus& status, bool year_end) const;
  bool IsYearEnd(Period as_of, Date today) const;

  const Catalog& catalog_;
  EvaluationSettings settings_;
};

// The score of one indicator by the rules' formulas; exposed for the rule tests.
// `actual` is B (the forecast in-year), `target` A, both in base units.
double ScoreQuantitative(TargetKind kind, double target, double actual, double weight);
double ScoreQualitative(Grade grade, double weight, const ScoringRules& rules);
// `budget` is the adjusted budget in force.
double ScoreBudget(double spent, double budget, double weight);
std::string GradeForTotal(double total, const ScoringRules& rules);
double RoundToCents(double value);  // two decimals, half away from zero

}  // namespace ptmon
