#include <algorithm>
#include <cmath>

#include <ptmon/base/text.h>
#include <ptmon/indicators/evaluation.h>

namespace ptmon {

double PaceShare(const Indicator& indicator, int month) {
  if (!indicator.pace_profile.empty())
    return indicator.pace_profile[static_cast<size_t>(month - 1)];
  return month / 12.0;
}

double PlanShare(const Project& project, int month) {
  if (!project.spending_plan.empty()) return project.spending_plan[static_cast<size_t>(month - 1)];
  return month / 12.0;
}

namespace {

double Yuan(long long fen) { return static_cast<double>(fen) / 100; }

// Whether a report is missing past its due day: the latest month at or before `as_of` that
// this frequency reports on and whose due day has passed must be covered by a report.
bool Overdue(const ReportedValue* latest, ReportFrequency frequency, Period as_of, int due_day,
             Date today) {
  for (int month = as_of.month; month >= 1; --month) {
    const Period period{as_of.year, month};
    if (!IsReportMonth(frequency, month) || !IsPastDue(period, due_day, today)) continue;
    return latest == nullptr || !ReportAnswers(latest->period, period);
  }
  return false;
}

Light LightForProgress(double percent, const LightThresholds& lights) {
  if (percent < lights.red_below) return Light::kRed;
  if (percent < lights.yellow_below) return Light::kYellow;
  if (percent < lights.blue_from) return Light::kGreen;
  return Light::kBlue;
}

Light LightForGrade(Grade grade) {
  switch (grade) {
    case Grade::kAchieved:
      return Light::kGreen;
    case Grade::kPartlyAchieved:
      return Light::kYellow;
    case Grade::kNotAchieved:
      return Light::kRed;
    case Grade::kNone:
      return Light::kNoData;
  }
  return Light::kNoData;
}

Likelihood LikelihoodForGrade(Grade grade) {
  switch (grade) {
    case Grade::kAchieved:
      return Likelihood::kCertain;
    case Grade::kPartlyAchieved:
      return Likelihood::kPossible;
    case Grade::kNotAchieved:
      return Likelihood::kImpossible;
    case Grade::kNone:
      return Likelihood::kUnknown;
  }
  return Likelihood::kUnknown;
}

// Whether a value breaks a reverse target: above it, or at it when the sign is strict (＜).
bool BreaksReverse(const Target& target, double value) {
  const double limit = *target.value;
  return target.op == Comparison::kLess ? value >= limit : value > limit;
}

Likelihood LikelihoodForForecast(const Target& target, double forecast,
                                 const LightThresholds& lights) {
  const double limit = *target.value;
  if (target.kind == TargetKind::kReverse) {
    if (!BreaksReverse(target, forecast)) return Likelihood::kCertain;
    return forecast < 2 * limit ? Likelihood::kPossible : Likelihood::kImpossible;
  }
  if (forecast >= limit) return Likelihood::kCertain;
  return forecast >= limit * lights.red_below / 100 ? Likelihood::kPossible
                                                    : Likelihood::kImpossible;
}

}  // namespace

std::string_view LightName(Light light) {
  switch (light) {
    case Light::kGreen:
      return "green";
    case Light::kBlue:
      return "blue";
    case Light::kNoData:
      return "no_data";
    case Light::kYellow:
      return "yellow";
    case Light::kOverdue:
      return "overdue";
    case Light::kRed:
      return "red";
  }
  return "no_data";
}

std::string_view LightNameZh(Light light) {
  switch (light) {
    case Light::kGreen:
      return "绿灯";
    case Light::kBlue:
      return "蓝灯";
    case Light::kNoData:
      return "未报送";
    case Light::kYellow:
      return "黄灯";
    case Light::kOverdue:
      return "逾期未报";
    case Light::kRed:
      return "红灯";
  }
  return "";
}

std::string_view LikelihoodName(Likelihood likelihood) {
  switch (likelihood) {
    case Likelihood::kCertain:
      return "确定能";
    case Likelihood::kPossible:
      return "有可能";
    case Likelihood::kImpossible:
      return "完全不可能";
    case Likelihood::kUnknown:
      return "";
  }
  return "";
}

Date DueDate(Period period, int due_day) {
  const Period next =
      period.month == 12 ? Period{period.year + 1, 1} : Period{period.year, period.month + 1};
  return {next.year, next.month, std::min(due_day, DaysInMonth(next.year, next.month))};
}

bool IsPastDue(Period period, int due_day, Date today) { return today > DueDate(period, due_day); }

bool ReportAnswers(Period reported, Period due) {
  return reported.year == due.year && !(reported < due);
}

Period DefaultAsOf(Date today, int catalog_year, int due_day) {
  if (today.year > catalog_year) return {catalog_year, 12};
  if (today.year < catalog_year) return {catalog_year, 1};
  // The report for month m is due on due_day of month m + 1: past it, m counts.
  int month = today.day > due_day ? today.month - 1 : today.month - 2;
  return {catalog_year, std::clamp(month, 1, 12)};
}

double RoundToCents(double value) { return std::round(value * 100) / 100; }

double ScoreQuantitative(TargetKind kind, double target, double actual, double weight) {
  const double b = std::max(actual, 0.0);  // a negative actual counts as 0
  const double a = target;
  double score = 0;
  switch (kind) {
    case TargetKind::kPositive:
    case TargetKind::kEqual:
      if (a <= 0) {
        score = kind == TargetKind::kEqual && b > 0 ? 0 : weight;
      } else {
        score = b >= a ? weight : b / a * weight;
      }
      break;
    case TargetKind::kReverse:
      if (a <= 0) {
        score = b <= 0 ? weight : 0;
      } else if (b <= a) {
        score = weight;
      } else if (b < 2 * a) {
        score = (1 - (b - a) / a) * weight;
      }
      break;
    case TargetKind::kQualitative:
      break;
  }
  return std::min(RoundToCents(score), weight);
}

double ScoreQualitative(Grade grade, double weight, const ScoringRules& rules) {
  double share = 0;
  switch (grade) {
    case Grade::kAchieved:
      share = rules.achieved_share;
      break;
    case Grade::kPartlyAchieved:
      share = rules.partly_achieved_share;
      break;
    case Grade::kNotAchieved:
      share = rules.not_achieved_share;
      break;
    case Grade::kNone:
      share = 0;
      break;
  }
  return std::min(RoundToCents(share * weight), weight);
}

double ScoreBudget(double spent, double budget, double weight) {
  if (budget <= 0) return 0;
  return std::min(RoundToCents(std::max(spent, 0.0) / budget * weight), weight);
}

std::string GradeForTotal(double total, const ScoringRules& rules) {
  if (total >= rules.excellent_from) return "优";
  if (total >= rules.good_from) return "良";
  if (total >= rules.fair_from) return "中";
  return "差";
}

Evaluator::Evaluator(const Catalog& catalog, EvaluationSettings settings)
    : catalog_(catalog), settings_(settings) {}

IndicatorStatus Evaluator::EvaluateIndicator(uint32_t project, int32_t index,
                                             const ActualsIndex& actuals, Period as_of,
                                             Date today) const {
  const Indicator& indicator = catalog_.projects[project].indicators[static_cast<size_t>(index)];
  const Target& target = indicator.TargetFor(as_of.month);
  const LightThresholds& lights = settings_.lights;
  IndicatorStatus status;
  status.indicator = &indicator;
  status.target = &target;
  const ReportedValue* latest = actuals.LatestAtOrBefore({project, index}, as_of);
  status.overdue = Overdue(latest, indicator.frequency, as_of, indicator.due_day, today);
  if (latest == nullptr) {
    status.light = status.overdue ? Light::kOverdue : Light::kNoData;
    return status;
  }
  status.period = latest->period;
  status.notes = actuals.Notes(*latest);
  if (target.kind == TargetKind::kQualitative) {
    status.grade = status.forecast_grade = latest->grade;
    status.light = LightForGrade(latest->grade);
    status.likelihood = LikelihoodForGrade(latest->grade);
  } else {
    const double actual = latest->value;
    const double annual = *target.value;
    status.actual = actual;
    if (indicator.accumulation == Accumulation::kYearToDate) {
      const double share = PaceShare(indicator, latest->period.month);
      status.expected = annual * share;
      // Extrapolate by the pace; before anything is due, the plan's target stands unless the
      // actual already passed it (the larger of the two, never their sum).
      status.forecast = share > 0 ? actual / share : std::max(actual, annual);
    } else {
      status.expected = annual;
      status.forecast = actual;
    }
    if (*status.expected > 0) status.progress = actual / *status.expected;
    if (target.kind == TargetKind::kReverse) {
      status.light = BreaksReverse(target, actual) ? Light::kRed : Light::kGreen;
    } else if (status.progress) {
      status.light = LightForProgress(*status.progress * 100, lights);
    } else {
      status.light = Light::kGreen;  // nothing was due yet
    }
    status.gap = *status.forecast - annual;
    status.likelihood = LikelihoodForForecast(target, *status.forecast, lights);
    status.target_may_be_low = status.light == Light::kBlue;
  }
  if (status.overdue) status.light = std::max(status.light, Light::kOverdue);
  return status;
}

BudgetStatus Evaluator::EvaluateBudget(uint32_t project, const ActualsIndex& actuals, Period as_of,
                                       Date today, bool year_end) const {
  const Project& definition = catalog_.projects[project];
  const FundSources& in_force = definition.FundsFor(as_of.month);
  BudgetStatus budget;
  budget.initial_budget_yuan = Yuan(definition.annual_funds.total_fen);
  budget.adjusted_budget_yuan = Yuan(in_force.total_fen);
  budget.adjustment = definition.BudgetAdjustmentFor(as_of.month);
  for (int row = 0; row < kFundRowCount; ++row) {
    budget.spent_by_source[row].initial_yuan = Yuan(definition.annual_funds.RowFen(kFundRows[row]));
    budget.spent_by_source[row].adjusted_yuan = Yuan(in_force.RowFen(kFundRows[row]));
  }
  // Spending comes as one total or by fund-source row; the later report counts, and a month
  // reported by row is the sum of each row's latest year-to-date figure.
  const ReportedValue* latest = actuals.LatestAtOrBefore({project, -1}, as_of);
  std::array<const ReportedValue*, kFundRowCount> by_row{};
  const ReportedValue* latest_by_row = nullptr;
  for (int row = 0; row < kFundRowCount; ++row) {
    by_row[row] = actuals.LatestAtOrBefore({project, SpentBySourceIndex(row)}, as_of);
    if (by_row[row] && (!latest_by_row || latest_by_row->period < by_row[row]->period ||
                        (latest_by_row->period == by_row[row]->period && !latest_by_row->notes))) {
      latest_by_row = by_row[row];  // of the rows of the latest month, one with notes
    }
  }
  const bool reported_by_row =
      latest_by_row && (!latest || latest->period <= latest_by_row->period);
  // A total given beside the rows of its month (and adding up, as ingest checks) keeps its notes
  // when the rows have none.
  if (reported_by_row && (!latest || latest->period < latest_by_row->period ||
                          latest_by_row->notes || !latest->notes)) {
    latest = latest_by_row;
  }
  budget.overdue =
      Overdue(latest, ReportFrequency::kMonthly, as_of, settings_.budget_due_day, today);
  if (latest == nullptr) {
    budget.light = budget.overdue ? Light::kOverdue : Light::kNoData;
    return budget;
  }
  double spent = latest->value;
  if (reported_by_row) {
    spent = 0;
    for (int row = 0; row < kFundRowCount; ++row) {
      const double row_spent = by_row[row] ? by_row[row]->value : 0;
      budget.spent_by_source[row].spent_yuan = row_spent;
      spent += row_spent;
    }
  } else {
    // One total is a row's only when the budget has that row alone.
    const auto funded = std::count_if(budget.spent_by_source.begin(), budget.spent_by_source.end(),
                                      [](const BudgetRow& row) { return row.adjusted_yuan != 0; });
    if (funded == 1) {
      for (BudgetRow& row : budget.spent_by_source) {
        if (row.adjusted_yuan != 0) row.spent_yuan = spent;
      }
    }
  }
  budget.period = latest->period;
  budget.spent_yuan = spent;
  if (const auto notes = actuals.Notes(*latest)) {
    budget.budget_reason = notes->reason.empty() ? notes->reason_category : notes->reason;
  }
  const double budgeted = budget.adjusted_budget_yuan;
  const double share = PlanShare(definition, latest->period.month);
  budget.plan_share = share;
  // The plan extrapolates what was spent, but never past the budget: overspending is shown
  // by what was spent, not by a forecast.
  budget.forecast_spent_yuan =
      share > 0 ? std::max(spent, std::min(spent / share, budgeted)) : std::max(spent, budgeted);
  if (budgeted > 0) {
    budget.execution_rate = spent / budgeted;
    budget.reason_missing = year_end && *budget.execution_rate < settings_.budget_reason_below &&
                            budget.budget_reason.empty();
    if (share > 0) {
      budget.ratio_to_plan = *budget.execution_rate / share;
      const double percent = *budget.ratio_to_plan * 100;
      const LightThresholds& lights = settings_.lights;
      budget.light = percent < lights.budget_red_below      ? Light::kRed
                     : percent < lights.budget_yellow_below ? Light::kYellow
                                                            : Light::kGreen;
    } else {
      budget.light = Light::kGreen;  // the plan expects nothing yet
    }
  } else {
    budget.light = Light::kGreen;  // nothing budgeted, nothing to lag
  }
  if (budget.overdue) budget.light = std::max(budget.light, Light::kOverdue);
  return budget;
}

void Evaluator::Score(ProjectStatus& status, bool year_end) const {
  const ScoringRules& rules = settings_.scoring;
  // Level-1 group weights; a group the project lacks passes its weight on (满意度 → 效益, as
  // the rules say; 效益 → 产出 and 产出 → 效益 likewise) so the total stays 100.
  struct Group {
    std::string_view level1;
    double weight;
    double explicit_weight = 0;
    int unweighted = 0;
    int count = 0;
  };
  Group groups[] = {{"产出指标", rules.output_weight},
                    {"效益指标", rules.effect_weight},
                    {"满意度指标", rules.satisfaction_weight}};
  auto group_of = [&](const Indicator& indicator) -> Group& {
    for (Group& group : groups) {
      if (group.level1 == indicator.level1) return group;
    }
    return groups[0];
  };
  for (const auto& indicator : status.indicators) {
    Group& group = group_of(*indicator.indicator);
    ++group.count;
    if (indicator.indicator->weight) {
      group.explicit_weight += *indicator.indicator->weight;
    } else {
      ++group.unweighted;
    }
  }
  Group& output = groups[0];
  Group& effect = groups[1];
  Group& satisfaction = groups[2];
  if (satisfaction.count == 0) effect.weight += std::exchange(satisfaction.weight, 0);
  if (effect.count == 0) output.weight += std::exchange(effect.weight, 0);
  if (output.count == 0) effect.weight += std::exchange(output.weight, 0);

  // What a group leaves to its unweighted indicators is split in cents by largest remainder,
  // so the printed weights add up to the group's weight exactly (50 among nine: 5.56 five
  // times, 5.55 four times). The remainders are all equal, so the first ones get the cents.
  struct Split {
    long long base_cents = 0;
    long long extra_cents = 0;  // this many indicators get one cent more, in catalogue order
  };
  Split splits[3];
  for (size_t g = 0; g < 3; ++g) {
    if (groups[g].unweighted == 0) continue;
    const auto cents =
        std::llround(std::max(groups[g].weight - groups[g].explicit_weight, 0.0) * 100);
    splits[g].base_cents = cents / groups[g].unweighted;
    splits[g].extra_cents = cents % groups[g].unweighted;
  }
  double total = 0;
  for (auto& indicator : status.indicators) {
    const Indicator& definition = *indicator.indicator;
    const Group& group = group_of(definition);
    Split& split = splits[&group - groups];
    if (definition.weight) {
      indicator.weight = *definition.weight;
    } else {
      const long long cents = split.base_cents + (split.extra_cents > 0 ? 1 : 0);
      if (split.extra_cents > 0) --split.extra_cents;
      indicator.weight = static_cast<double>(cents) / 100;
    }
    const Target& target = *indicator.target;
    if (target.kind == TargetKind::kQualitative) {
      indicator.score = ScoreQualitative(indicator.grade, indicator.weight, rules);
    } else {
      const std::optional<double> b = year_end ? indicator.actual : indicator.forecast;
      indicator.score = b ? ScoreQuantitative(target.kind, *target.value, *b, indicator.weight) : 0;
    }
    total += indicator.score;
  }
  BudgetStatus& budget = status.budget;
  budget.weight = rules.budget_weight;
  const std::optional<double> spent = year_end ? budget.spent_yuan : budget.forecast_spent_yuan;
  budget.score = spent ? ScoreBudget(*spent, budget.adjusted_budget_yuan, budget.weight) : 0;
  total += budget.score;
  status.score = RoundToCents(total);
  status.grade = GradeForTotal(status.score, rules);
}

ProjectStatus Evaluator::EvaluateProject(uint32_t project, const ActualsIndex& actuals,
                                         Period as_of, Date today) const {
  ProjectStatus status;
  status.project = &catalog_.projects[project];
  const bool year_end = IsYearEnd(as_of, today);
  status.budget = EvaluateBudget(project, actuals, as_of, today, year_end);
  status.light = status.budget.light;
  const auto count = static_cast<int32_t>(status.project->indicators.size());
  status.indicators.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    status.indicators.push_back(EvaluateIndicator(project, i, actuals, as_of, today));
    status.light = std::max(status.light, status.indicators.back().light);
  }
  Score(status, year_end);
  return status;
}

std::optional<double> PrintedProgressPercent(const IndicatorStatus& status,
                                             const LightThresholds& lights, int decimals) {
  if (!status.progress) return std::nullopt;
  return RoundKeepingSide(*status.progress * 100, decimals,
                          {lights.red_below, lights.yellow_below, lights.blue_from});
}

std::optional<double> PrintedPercentOfPlan(const BudgetStatus& budget,
                                           const LightThresholds& lights, int decimals) {
  if (!budget.ratio_to_plan) return std::nullopt;
  return RoundKeepingSide(*budget.ratio_to_plan * 100, decimals,
                          {lights.budget_red_below, lights.budget_yellow_below});
}

// December's figures are final once December's reports are due (by the budget due day in
// January); before that the year is still being reported and scores stay on the forecast.
bool Evaluator::IsYearEnd(Period as_of, Date today) const {
  return as_of.month == 12 && IsPastDue(as_of, settings_.budget_due_day, today);
}

Evaluation Evaluator::EvaluateAll(const ActualsIndex& actuals, Period as_of, Date today) const {
  Evaluation evaluation;
  evaluation.as_of = as_of;
  evaluation.time_progress = as_of.month / 12.0;
  evaluation.year_end = IsYearEnd(as_of, today);
  evaluation.lights = settings_.lights;
  evaluation.projects.reserve(catalog_.projects.size());
  for (uint32_t p = 0; p < catalog_.projects.size(); ++p) {
    evaluation.projects.push_back(EvaluateProject(p, actuals, as_of, today));
  }
  return evaluation;
}

void Evaluator::Reevaluate(Evaluation& evaluation, const ActualsIndex& actuals,
                           const std::vector<uint32_t>& projects, Date today) const {
  for (uint32_t project : projects) {
    evaluation.projects[project] = EvaluateProject(project, actuals, evaluation.as_of, today);
  }
}

}  // namespace ptmon
