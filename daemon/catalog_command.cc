// `ptmon check-config` and `ptmon catalog`.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.h"

namespace ptmon::cli {

namespace {

double Yuan(long long fen) { return static_cast<double>(fen) / 100.0; }

nlohmann::ordered_json TargetJson(const Target& target) {
  nlohmann::ordered_json json;
  json["text"] = target.text;
  json["op"] = target.op ? nlohmann::ordered_json(ComparisonSymbol(*target.op)) : nullptr;
  json["value"] = target.value ? nlohmann::ordered_json(*target.value) : nullptr;
  json["unit"] = target.unit;
  json["kind"] = TargetKindName(target.kind);
  return json;
}

nlohmann::ordered_json FundsJson(const FundSources& funds) {
  return {{"total_yuan", Yuan(funds.total_fen)},
          {"central_yuan", Yuan(funds.central_fen)},
          {"provincial_yuan", Yuan(funds.provincial_fen)},
          {"city_county_yuan", Yuan(funds.city_county_fen)},
          {"special_account_yuan", Yuan(funds.special_account_fen)},
          {"self_raised_yuan", Yuan(funds.self_raised_fen)},
          {"other_yuan", Yuan(funds.other_fen)}};
}

nlohmann::ordered_json CatalogJson(const Catalog& catalog) {
  nlohmann::ordered_json json;
  nlohmann::ordered_json units = nlohmann::ordered_json::array();
  for (const auto& unit : catalog.units) {
    units.push_back({{"id", unit.id}, {"name", unit.name}, {"code", unit.code}});
  }
  // One unit is the common case; "unit" names it, "units" lists all of them.
  json["unit"] = units.empty() ? nlohmann::ordered_json::object() : units[0];
  json["units"] = units;
  json["year"] = catalog.year;
  json["sha256"] = catalog.sha256;
  json["projects"] = nlohmann::ordered_json::array();
  for (const auto& project : catalog.projects) {
    nlohmann::ordered_json p;
    p["id"] = project.id;
    p["unit"] = project.unit_id;
    p["name"] = project.name;
    p["department"] = project.department;
    p["attribute"] = project.attribute;
    p["period_years"] = project.period_years;
    p["annual_funds_yuan"] = Yuan(project.annual_funds.total_fen);
    p["period_funds_yuan"] = Yuan(project.period_funds.total_fen);
    p["funds"] = {{"annual", FundsJson(project.annual_funds)},
                  {"period", FundsJson(project.period_funds)}};
    if (!project.budget_adjustments.empty()) {
      p["funds"]["adjusted"] = nlohmann::ordered_json::array();
      for (const auto& adjustment : project.budget_adjustments) {
        nlohmann::ordered_json a = FundsJson(adjustment.funds);
        a["from_month"] = adjustment.from_month;
        a["approval"] = adjustment.approval;
        p["funds"]["adjusted"].push_back(std::move(a));
      }
    }
    // Cumulative shares by month; null: linear (N/12).
    p["spending_plan"] = project.spending_plan.empty()
                             ? nlohmann::ordered_json(nullptr)
                             : nlohmann::ordered_json(project.spending_plan);
    p["goals"] = {{"annual", project.annual_goal}, {"period", project.period_goal}};
    p["indicators"] = nlohmann::ordered_json::array();
    for (const auto& indicator : project.indicators) {
      nlohmann::ordered_json i;
      i["id"] = indicator.id;
      i["level1"] = indicator.level1;
      i["level2"] = indicator.level2;
      i["name"] = indicator.name;
      i["target"] = TargetJson(indicator.annual_target);
      if (indicator.period_target) i["period_target"] = TargetJson(*indicator.period_target);
      if (const auto& adjustment = indicator.adjustment) {
        i["adjusted"] = {{"target", TargetJson(adjustment->target)},
                         {"from_month", adjustment->from_month},
                         {"approval", adjustment->approval}};
      }
      i["weight"] = indicator.weight ? nlohmann::ordered_json(*indicator.weight) : nullptr;
      i["accumulate"] = AccumulationName(indicator.accumulation);
      i["pace"] = indicator.pace_profile;
      i["report"] = {{"frequency", FrequencyName(indicator.frequency)},
                     {"due_day", indicator.due_day}};
      p["indicators"].push_back(std::move(i));
    }
    json["projects"].push_back(std::move(p));
  }
  return json;
}

std::string Money(long long fen) {
  std::string digits = std::to_string(fen / 100);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  if (fen % 100 != 0) {
    grouped += (fen % 100 < 10 ? ".0" : ".") + std::to_string(fen % 100);
  }
  return grouped;
}

void PrintCatalogTable(const Catalog& catalog) {
  for (const auto& unit : catalog.units) std::cout << unit.name << " (" << unit.id << ")  ";
  std::cout << catalog.year << "  " << catalog.projects.size() << " projects, "
            << catalog.IndicatorCount() << " indicators\n";
  long long annual_fen = 0;
  long long period_fen = 0;
  for (const auto& project : catalog.projects) {
    annual_fen += project.annual_funds.total_fen;
    period_fen += project.period_funds.total_fen;
    std::cout << "\n"
              << project.id << "  " << project.name << "\n"
              << "  annual " << Money(project.annual_funds.total_fen) << " yuan, period "
              << Money(project.period_funds.total_fen) << " yuan, " << project.attribute << "\n";
    for (const auto& indicator : project.indicators) {
      std::cout << "  " << indicator.id << "  " << indicator.level1 << " / " << indicator.level2
                << " / " << indicator.name << "  " << indicator.annual_target.text << "  ["
                << TargetKindName(indicator.annual_target.kind) << ", "
                << AccumulationName(indicator.accumulation) << "]\n";
    }
  }
  std::cout << "\ntotal annual " << Money(annual_fen) << " yuan, period " << Money(period_fen)
            << " yuan\n";
}

}  // namespace

int RunCheckConfig(const CommonOptions& options) {
  auto catalog = options.LoadCatalogOrReport();
  if (!catalog) return kExitRefused;
  std::cout << "catalogue OK: " << catalog->projects.size() << " projects, "
            << catalog->IndicatorCount() << " indicators, year " << catalog->year << "\n";
  return kExitOk;
}

int RunCatalog(const CommonOptions& options, const std::string& format) {
  auto catalog = options.LoadCatalogOrReport();
  if (!catalog) return kExitRefused;
  if (format == "json") {
    std::cout << CatalogJson(*catalog).dump(2) << "\n";
  } else {
    PrintCatalogTable(*catalog);
  }
  return kExitOk;
}

}  // namespace ptmon::cli
