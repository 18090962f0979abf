#include <array>

#include <ptmon/base/text.h>
#include <ptmon/indicators/catalog.h>

namespace ptmon {

namespace {

struct LevelGroup {
  std::string_view level1;
  std::array<std::string_view, 4> level2;
};

constexpr std::array kLevels = {
    LevelGroup{"产出指标", {"数量指标", "质量指标", "时效指标", "成本指标"}},
    LevelGroup{"效益指标", {"经济效益", "社会效益", "生态效益", "可持续影响"}},
    LevelGroup{"满意度指标", {"服务对象满意度", "", "", ""}},
};

}  // namespace

std::string_view AccumulationName(Accumulation accumulation) {
  return accumulation == Accumulation::kYearToDate ? "ytd" : "level";
}

std::string_view FrequencyName(ReportFrequency frequency) {
  switch (frequency) {
    case ReportFrequency::kMonthly:
      return "monthly";
    case ReportFrequency::kQuarterly:
      return "quarterly";
    case ReportFrequency::kAnnual:
      return "annual";
  }
  return "monthly";
}

bool IsReportMonth(ReportFrequency frequency, int month) {
  switch (frequency) {
    case ReportFrequency::kMonthly:
      return true;
    case ReportFrequency::kQuarterly:
      return month % 3 == 0;
    case ReportFrequency::kAnnual:
      return month == 12;
  }
  return true;
}

std::string_view FundRowName(FundRow row) {
  switch (row) {
    case FundRow::kFiscal:
      return "财政资金";
    case FundRow::kSpecialAccount:
      return "财政专户管理资金";
    case FundRow::kUnit:
      return "单位资金";
    case FundRow::kOther:
      return "其他资金";
  }
  return "";
}

long long FundSources::RowFen(FundRow row) const {
  switch (row) {
    case FundRow::kFiscal:
      return central_fen + provincial_fen + city_county_fen;
    case FundRow::kSpecialAccount:
      return special_account_fen;
    case FundRow::kUnit:
      return self_raised_fen;
    case FundRow::kOther:
      return other_fen;
  }
  return 0;
}

const BudgetAdjustment* Project::BudgetAdjustmentFor(int month) const {
  const BudgetAdjustment* in_force = nullptr;
  for (const BudgetAdjustment& adjustment : budget_adjustments) {
    if (adjustment.from_month <= month) in_force = &adjustment;
  }
  return in_force;
}

std::vector<int> Project::BudgetedRows() const {
  std::vector<int> rows;
  for (int row = 0; row < kFundRowCount; ++row) {
    bool budgeted = annual_funds.RowFen(kFundRows[row]) != 0;
    for (const BudgetAdjustment& adjustment : budget_adjustments) {
      budgeted = budgeted || adjustment.funds.RowFen(kFundRows[row]) != 0;
    }
    if (budgeted) rows.push_back(row);
  }
  return rows;
}

const FundSources& Project::FundsFor(int month) const {
  const BudgetAdjustment* adjustment = BudgetAdjustmentFor(month);
  return adjustment ? adjustment->funds : annual_funds;
}

const Indicator* Project::FindIndicator(std::string_view indicator_id) const {
  for (const auto& indicator : indicators) {
    if (indicator.id == indicator_id) return &indicator;
  }
  return nullptr;
}

const Project* Catalog::FindProject(std::string_view project_id) const {
  for (const auto& project : projects) {
    if (project.id == project_id) return &project;
  }
  return nullptr;
}

namespace {

// The one element whose id or published name is `key`; an error naming the candidates when none
// or several are.
template <typename Item>
Result<const Item*> FindByIdOrName(const std::vector<Item>& items, std::string_view key,
                                   const std::string& what, const std::string& where = "") {
  const Item* found = nullptr;
  int named = 0;
  std::string sharing;
  for (const auto& item : items) {
    if (item.id == key) return &item;
    if (item.name != key) continue;
    sharing += (sharing.empty() ? "" : ", ") + item.id;
    if (++named == 1) found = &item;
  }
  if (named == 1) return found;
  if (named > 1) {
    return Status::Error("several " + what + "s" + where + " are called " + QuoteExcerpt(key) +
                         " (" + sharing + "); give the id");
  }
  std::string candidates;
  for (const auto& item : items) candidates += (candidates.empty() ? "" : ", ") + item.id;
  return Status::Error("no " + what + where + " is called " + QuoteExcerpt(key) + " (" + what +
                       "s" + where + ": " + candidates + ")");
}

}  // namespace

Result<const Indicator*> Project::FindIndicatorByIdOrName(std::string_view id_or_name) const {
  return FindByIdOrName(indicators, id_or_name, "indicator", " of " + id);
}

Result<const Project*> Catalog::FindProjectByIdOrName(std::string_view id_or_name) const {
  return FindByIdOrName(projects, id_or_name, "project");
}

const BudgetUnit* Catalog::FindUnit(std::string_view unit_id) const {
  for (const auto& unit : units) {
    if (unit.id == unit_id) return &unit;
  }
  return nullptr;
}

size_t Catalog::IndicatorCount() const {
  size_t count = 0;
  for (const auto& project : projects) count += project.indicators.size();
  return count;
}

bool IsValidLevel1(std::string_view level1) {
  for (const auto& group : kLevels) {
    if (group.level1 == level1) return true;
  }
  return false;
}

std::optional<std::string> CanonicalLevel2(std::string_view level1, std::string_view level2) {
  for (const auto& group : kLevels) {
    if (group.level1 != level1) continue;
    for (std::string_view name : group.level2) {
      if (name.empty()) continue;
      // Both the short published form and the "…指标" form are accepted.
      if (level2 == name || level2 == std::string(name) + "指标") return std::string(name);
    }
  }
  return std::nullopt;
}

bool IsValidLevel2(std::string_view level1, std::string_view level2) {
  return CanonicalLevel2(level1, level2).has_value();
}

}  // namespace ptmon
