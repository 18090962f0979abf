// The indicator catalogue of one budget unit and year: projects, their funds and their
// three-level performance indicators (一级/二级/三级指标) with annual targets.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/location.h>
#include <ptmon/base/status.h>
#include <ptmon/indicators/target.h>

namespace ptmon {

// How reported values relate to the year: a year-to-date total (people paid so far) or a level
// as of the end of the period (a rate, a time limit, a unit cost).
enum class Accumulation { kYearToDate, kLevel };
enum class ReportFrequency { kMonthly, kQuarterly, kAnnual };

std::string_view AccumulationName(Accumulation accumulation);  // ytd, level
std::string_view FrequencyName(ReportFrequency frequency);     // monthly, quarterly, annual

// Whether a report for `month` is expected under this frequency (every month, quarter ends, or
// December only).
bool IsReportMonth(ReportFrequency frequency, int month);

// An approved mid-year change of an indicator's target (绩效目标调整): from `from_month` on the
// indicator is judged, and at year end scored, against `target`; the months before stay judged
// against the original.
struct TargetAdjustment {
  Target target;
  int from_month = 0;    // 2–12: the first month judged against the adjusted target
  std::string approval;  // the approval's reference, e.g. 晋财绩〔2026〕12号
  SourcePlace place;
};

struct Indicator {
  std::string id;      // ASCII slug, unique within its project
  std::string level1;  // 产出指标 | 效益指标 | 满意度指标
  std::string level2;  // 数量指标, 质量指标, … 服务对象满意度
  std::string name;    // the level-3 indicator as published
  Target annual_target;
  std::optional<Target> period_target;  // only where it differs from the annual one
  std::optional<TargetAdjustment> adjustment;
  std::optional<double> weight;  // self-evaluation points; split equally when absent
  Accumulation accumulation = Accumulation::kLevel;
  // Cumulative share of the annual target due by the end of each month (12 values ending in 1);
  // empty means the linear N/12 pace.
  std::vector<double> pace_profile;
  ReportFrequency frequency = ReportFrequency::kMonthly;
  int due_day = 10;  // the report for a period is due by this day of the following month
  // A rate that can pass 100% (增长率, 超额完成率); any other % value above 100% is refused.
  bool may_exceed_100_percent = false;
  SourcePlace place;

  // The target `month` is judged against: the adjusted one from its effective month on.
  const Target& TargetFor(int month) const {
    return adjustment && month >= adjustment->from_month ? adjustment->target : annual_target;
  }
};

// The rows of the self-evaluation table's budget section (预算执行情况) under its total, in the
// table's order.
enum class FundRow { kFiscal, kSpecialAccount, kUnit, kOther };
inline constexpr int kFundRowCount = 4;
inline constexpr FundRow kFundRows[kFundRowCount] = {FundRow::kFiscal, FundRow::kSpecialAccount,
                                                     FundRow::kUnit, FundRow::kOther};
// As the table prints it: 财政资金, 财政专户管理资金, 单位资金, 其他资金.
std::string_view FundRowName(FundRow row);

// Funds in fen (0.01 yuan), kept exact because the published tables must add up to the fen.
// The published sources map to the table's rows: 财政资金 = central + provincial + city/county,
// 财政专户管理资金 = special_account, 单位资金 = self-raised, 其他资金 = other.
struct FundSources {
  long long total_fen = 0;
  long long central_fen = 0;
  long long provincial_fen = 0;
  long long city_county_fen = 0;
  long long special_account_fen = 0;
  long long self_raised_fen = 0;
  long long other_fen = 0;
  long long SumOfSources() const {
    return central_fen + provincial_fen + city_county_fen + special_account_fen + self_raised_fen +
           other_fen;
  }
  long long RowFen(FundRow row) const;
};

// An approved change of a project's annual budget (预算调整): from `from_month` on, budget
// execution is judged, and at year end scored, against `funds` (调整后预算数); the months before
// stay judged against the budget in force then.
struct BudgetAdjustment {
  FundSources funds;
  int from_month = 0;    // 2–12: the first month judged against the adjusted budget
  std::string approval;  // the approval's reference, e.g. 晋财预〔2026〕88号
  SourcePlace place;
};

struct Project {
  std::string id;          // ASCII slug, unique across the catalogue
  std::string unit_id;     // the budget unit it belongs to
  std::string name;        // as published
  std::string department;  // 主管部门及代码, e.g. "209-山西省人力资源和社会保障厅"
  std::string implementing_unit;
  std::string attribute;  // 项目属性: 经常性项目（长期开展）…
  int period_years = 1;
  FundSources period_funds;
  FundSources annual_funds;  // 年初预算数
  // In order of from_month, each later than the one before.
  std::vector<BudgetAdjustment> budget_adjustments;
  // 用款计划: cumulative share of the budget planned to be spent by the end of each month (12
  // values ending in 1); empty means the linear N/12 pace.
  std::vector<double> spending_plan;
  std::string period_goal;
  std::string annual_goal;
  std::vector<Indicator> indicators;
  SourcePlace place;

  // The budget `month` is judged against: the latest adjustment in force, else annual_funds.
  const FundSources& FundsFor(int month) const;
  // The adjustment in force in `month`; null before the first.
  const BudgetAdjustment* BudgetAdjustmentFor(int month) const;
  // The fund-source rows (indices into kFundRows) the project has money in, initially or by an
  // adjustment: the rows its spending may be reported by.
  std::vector<int> BudgetedRows() const;

  const Indicator* FindIndicator(std::string_view indicator_id) const;
  // By id or by the exact published name, as report files name them; fails with a message that
  // lists the indicators (or says which share the name).
  Result<const Indicator*> FindIndicatorByIdOrName(std::string_view id_or_name) const;
};

struct BudgetUnit {
  std::string id;  // ASCII slug, the `unit` label on metrics
  std::string name;
  std::string code;  // optional where unpublished
};

// Everything one ptmon monitors: one year, one or more budget units (one per catalogue file).
struct Catalog {
  std::vector<BudgetUnit> units;
  int year = 0;
  std::vector<Project> projects;
  std::string sha256;  // of the source text(s), so a changed catalogue is visible

  const Project* FindProject(std::string_view project_id) const;
  // By id or by the exact published name; fails with a message listing the candidates.
  Result<const Project*> FindProjectByIdOrName(std::string_view id_or_name) const;
  const BudgetUnit* FindUnit(std::string_view unit_id) const;
  size_t IndicatorCount() const;
};

// The valid level-1 names and, for each, its level-2 names, as in monitoring-rules.md.
bool IsValidLevel1(std::string_view level1);
bool IsValidLevel2(std::string_view level1, std::string_view level2);
// Canonical published spelling for a level-2 name ("经济效益指标" → "经济效益"); nullopt if
// unknown.
std::optional<std::string> CanonicalLevel2(std::string_view level1, std::string_view level2);

}  // namespace ptmon
