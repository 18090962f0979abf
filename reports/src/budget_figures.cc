// The budget side of the official tables, read from the evaluation in one place. Spending by
// fund-source row is printed as reported when the rows add up to the total; a total reported
// alone is shown under the one row the project has money in, or under 财政资金.
#include <algorithm>
#include <cmath>

#include "tables.h"

namespace ptmon::reports_internal {

namespace {

// The rows' spending as reported, when every budgeted row has a figure and they add up to the
// total (within a fen); otherwise nothing.
bool RowsAddUp(const BudgetStatus& budget) {
  if (!budget.spent_yuan) return false;
  double sum = 0;
  bool any = false;
  for (const BudgetRow& row : budget.spent_by_source) {
    if (row.spent_yuan) {
      sum += *row.spent_yuan;
      any = true;
    } else if (row.adjusted_yuan > 0) {
      return false;
    }
  }
  return any && std::abs(sum - *budget.spent_yuan) < 0.005;
}

}  // namespace

BudgetFigures BudgetFiguresOf(const Project& project, const BudgetStatus& budget,
                              const LightThresholds& lights) {
  BudgetFigures figures;
  figures.initial_yuan = budget.initial_budget_yuan;
  figures.adjusted_yuan = budget.adjusted_budget_yuan;
  figures.spent_yuan = budget.spent_yuan;
  const bool by_rows = RowsAddUp(budget);
  for (size_t i = 0; i < figures.by_source.size(); ++i) {
    BudgetSourceRow& row = figures.by_source[i];
    const BudgetRow& source = budget.spent_by_source[i];
    row.name = i == 0 ? "其中：" + std::string(FundRowName(kFundRows[i]))
                      : std::string(FundRowName(kFundRows[i]));
    row.initial_yuan = source.initial_yuan;
    row.adjusted_yuan = source.adjusted_yuan;
    if (by_rows) row.spent_yuan = source.spent_yuan.value_or(0);
  }
  if (budget.spent_yuan && !by_rows) {
    const std::vector<int> rows = project.BudgetedRows();
    const size_t only = rows.size() == 1 ? static_cast<size_t>(rows.front()) : 0;
    for (size_t i = 0; i < figures.by_source.size(); ++i) {
      figures.by_source[i].spent_yuan = i == only ? *budget.spent_yuan : 0;
    }
  }
  if (budget.forecast_spent_yuan && budget.spent_yuan) {
    figures.forecast_spent_yuan = std::max(*budget.spent_yuan, *budget.forecast_spent_yuan);
  }
  figures.percent_of_plan = PrintedPercentOfPlan(budget, lights, 2);
  figures.reason = budget.budget_reason;
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
