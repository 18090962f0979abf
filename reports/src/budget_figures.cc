// The budget side of the official tables, read from the evaluation in one place. Until the
// evaluation carries budget adjustments and spending by fund source, the adjusted budget is the
// initial one and all spending is 财政资金's (the sources managers report today are totals).
#include <algorithm>
#include <cmath>

#include "tables.h"

namespace ptmon::reports_internal {

BudgetFigures BudgetFiguresOf(const Project& project, const BudgetStatus& budget,
                              const LightThresholds& lights) {
  const FundSources& funds = project.annual_funds;
  auto yuan = [](long long fen) { return static_cast<double>(fen) / 100; };
  BudgetFigures figures;
  figures.initial_yuan = yuan(funds.total_fen);
  figures.adjusted_yuan = figures.initial_yuan;
  figures.spent_yuan = budget.spent_yuan;
  const double rows[] = {yuan(funds.central_fen + funds.provincial_fen + funds.city_county_fen), 0,
                         yuan(funds.self_raised_fen), yuan(funds.other_fen)};
  const char* names[] = {"其中：财政资金", "财政专户管理资金", "单位资金", "其他资金"};
  for (size_t i = 0; i < figures.by_source.size(); ++i) {
    BudgetSourceRow& row = figures.by_source[i];
    row.name = names[i];
    row.initial_yuan = row.adjusted_yuan = rows[i];
    if (budget.spent_yuan) row.spent_yuan = i == 0 ? *budget.spent_yuan : 0;
  }
  if (budget.spent_yuan && budget.period) {
    // Linear to the year end, but never more than the budget: a year's rent paid in July is
    // the year's rent, not 12/7 of it. What was spent already stands even above the budget.
    const double linear = *budget.spent_yuan / (budget.period->month / 12.0);
    figures.forecast_spent_yuan =
        std::max(*budget.spent_yuan, std::min(linear, figures.adjusted_yuan));
  }
  figures.percent_of_time = PrintedPercentOfTime(budget, lights, 2);
  return figures;
}

std::vector<double> RoundedParts(double total_yuan, const std::vector<double>& parts_yuan) {
  // In cents of 万元, i.e. hundreds of yuan.
  const long long total = std::llround(total_yuan / 100);
  std::vector<long long> floors(parts_yuan.size());
  std::vector<size_t> order(parts_yuan.size());
  long long assigned = 0;
  for (size_t i = 0; i < parts_yuan.size(); ++i) {
    floors[i] = static_cast<long long>(std::floor(parts_yuan[i] / 100 + 1e-9));
    assigned += floors[i];
    order[i] = i;
  }
  auto remainder = [&](size_t i) { return parts_yuan[i] / 100 - static_cast<double>(floors[i]); };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainder(a) > remainder(b); });
  for (size_t k = 0; assigned < total && k < order.size(); ++k, ++assigned) ++floors[order[k]];
  std::vector<double> printed(parts_yuan.size());
  for (size_t i = 0; i < parts_yuan.size(); ++i) printed[i] = static_cast<double>(floors[i]) / 100;
  return printed;
}

}  // namespace ptmon::reports_internal
