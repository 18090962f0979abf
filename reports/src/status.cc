#include <cmath>

#include <ptmon/base/text.h>
#include <ptmon/reports/reports.h>

namespace ptmon {

namespace {

using Json = nlohmann::ordered_json;

Json Optional(const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); }

// Ratios to four decimals (0.5833): enough for a percentage with two.
double Round4(double value) { return std::round(value * 10000) / 10000; }

Json Ratio(const std::optional<double>& value) {
  return value ? Json(Round4(*value)) : Json(nullptr);
}

Json IndicatorJson(const IndicatorStatus& status, const LightThresholds& lights) {
  const Indicator& indicator = *status.indicator;
  const Target& target = *status.target;
  Json json;
  json["id"] = indicator.id;
  json["name"] = indicator.name;
  json["level1"] = indicator.level1;
  json["level2"] = indicator.level2;
  json["target"] = {{"text", target.text},
                    {"kind", TargetKindName(target.kind)},
                    {"value", Optional(target.value)},
                    {"unit", target.unit}};
  if (const auto& adjustment = indicator.adjustment) {
    json["target_adjustment"] = {{"original", indicator.annual_target.text},
                                 {"adjusted", adjustment->target.text},
                                 {"from_month", adjustment->from_month},
                                 {"approval", adjustment->approval},
                                 {"in_force", &target == &adjustment->target}};
  }
  json["period"] = status.period ? Json(status.period->ToString()) : Json(nullptr);
  json["actual"] = Optional(status.actual);
  json["grade"] = status.grade == Grade::kNone ? Json(nullptr) : Json(GradeName(status.grade));
  json["expected"] = Optional(status.expected);
  json["progress_pct"] = Optional(PrintedProgressPercent(status, lights, 2));
  json["light"] = LightName(status.light);
  json["overdue"] = status.overdue;
  json["forecast"] = status.forecast_grade != Grade::kNone ? Json(GradeName(status.forecast_grade))
                                                           : Optional(status.forecast);
  json["gap"] = Optional(status.gap);
  json["likelihood"] = status.likelihood == Likelihood::kUnknown
                           ? Json(nullptr)
                           : Json(LikelihoodName(status.likelihood));
  json["target_may_be_low"] = status.target_may_be_low;
  json["weight"] = RoundToCents(status.weight);
  json["score"] = status.score;
  if (status.notes != nullptr) {
    json["reason"] = {{"category", status.notes->reason_category},
                      {"text", status.notes->reason},
                      {"action", status.notes->action},
                      {"reported_likelihood", status.notes->likelihood}};
  } else {
    json["reason"] = nullptr;
  }
  return json;
}

Json ProjectJson(const ProjectStatus& status, const Evaluation& evaluation) {
  const BudgetStatus& budget = status.budget;
  const auto percent_of_time = PrintedPercentOfTime(budget, evaluation.lights, 2);
  Json json;
  json["id"] = status.project->id;
  json["unit"] = status.project->unit_id;
  json["name"] = status.project->name;
  json["light"] = LightName(status.light);
  json["score"] = {{evaluation.year_end ? "actual" : "forecast", status.score},
                   {"grade", status.grade}};
  json["budget"] = {
      {"annual_yuan", budget.annual_yuan},
      {"spent_yuan", Optional(budget.spent_yuan)},
      {"period", budget.period ? Json(budget.period->ToString()) : Json(nullptr)},
      {"execution", Ratio(budget.execution)},
      {"ratio_to_time", percent_of_time ? Json(Round4(*percent_of_time / 100)) : Json(nullptr)},
      {"light", LightName(budget.light)},
      {"overdue", budget.overdue},
      {"forecast_yuan", Optional(budget.forecast_yuan)},
      {"weight", budget.weight},
      {"score", budget.score}};
  json["indicators"] = Json::array();
  for (const auto& indicator : status.indicators)
    json["indicators"].push_back(IndicatorJson(indicator, evaluation.lights));
  return json;
}

std::string Colored(Light light, bool color) {
  const std::string name(LightName(light));
  if (!color) return name;
  const char* code = "";
  switch (light) {
    case Light::kGreen:
      code = "\x1b[32m";
      break;
    case Light::kBlue:
      code = "\x1b[34m";
      break;
    case Light::kNoData:
      code = "\x1b[2m";
      break;
    case Light::kYellow:
      code = "\x1b[33m";
      break;
    case Light::kOverdue:
      code = "\x1b[35m";
      break;
    case Light::kRed:
      code = "\x1b[31m";
      break;
  }
  return code + name + "\x1b[0m";
}

// Pads to `width` terminal columns; a longer text still gets one space before the next column.
std::string Padded(std::string text, size_t width) {
  const size_t columns = DisplayWidth(text);
  text.append(columns < width ? width - columns : 1, ' ');
  return text;
}

}  // namespace

namespace {

Json StatusHead(const Evaluation& evaluation) {
  Json json;
  json["as_of"] = evaluation.as_of.ToString();
  json["time_progress"] = Round4(evaluation.time_progress);
  json["year_end"] = evaluation.year_end;
  json["projects"] = Json::array();
  return json;
}

}  // namespace

nlohmann::ordered_json StatusJson(const Evaluation& evaluation, std::string_view project_id) {
  Json json = StatusHead(evaluation);
  for (const auto& project : evaluation.projects) {
    if (!project_id.empty() && project.project->id != project_id) continue;
    json["projects"].push_back(ProjectJson(project, evaluation));
  }
  return json;
}

nlohmann::ordered_json StatusJson(const Evaluation& evaluation, const StatusPage& page) {
  Json json = StatusHead(evaluation);
  const size_t total = evaluation.projects.size();
  const size_t end = page.offset + std::min(page.limit, total);
  for (size_t p = page.offset; p < std::min(end, total); ++p)
    json["projects"].push_back(ProjectJson(evaluation.projects[p], evaluation));
  json["page"] = {{"offset", page.offset}, {"limit", page.limit}, {"total", total}};
  return json;
}

std::string StatusTable(const Evaluation& evaluation, std::string_view project_id, bool color) {
  std::string out = "as of " + evaluation.as_of.ToString() + " (time progress " +
                    FormatNumber(evaluation.time_progress * 100, 1) + "%), scores on the " +
                    (evaluation.year_end ? "actuals" : "year-end forecast") + "\n";
  for (const auto& project : evaluation.projects) {
    if (!project_id.empty() && project.project->id != project_id) continue;
    const BudgetStatus& budget = project.budget;
    out += "\n" + Padded(Colored(project.light, color), 8) + " " + project.project->id + "  " +
           project.project->name + "  score " + FormatNumber(project.score) + " " + project.grade +
           "\n";
    out += "         budget " + Padded(Colored(budget.light, color), 8) + " spent " +
           (budget.spent_yuan ? FormatNumber(*budget.spent_yuan) : std::string("-")) + " of " +
           FormatNumber(budget.annual_yuan) + " yuan, execution " +
           (budget.execution ? FormatNumber(*budget.execution * 100, 1) + "%" : std::string("-")) +
           ", " +
           (budget.ratio_to_time
                ? FormatNumber(*PrintedPercentOfTime(budget, evaluation.lights, 1), 1) + "% of time"
                : "-") +
           "\n";
    for (const auto& indicator : project.indicators) {
      const Indicator& definition = *indicator.indicator;
      const std::string& unit = indicator.target->unit;
      std::string actual = indicator.grade != Grade::kNone ? std::string(GradeName(indicator.grade))
                           : indicator.actual              ? FormatQuantity(*indicator.actual, unit)
                                                           : "-";
      std::string line = "         " + Padded(Colored(indicator.light, color), 8) + " " +
                         Padded(definition.id, 28) + Padded(indicator.target->text, 12) +
                         " actual " + Padded(actual, 12);
      if (auto progress = PrintedProgressPercent(indicator, evaluation.lights, 1))
        line += " progress " + Padded(FormatNumber(*progress, 1) + "%", 8);
      if (indicator.forecast) line += " forecast " + FormatQuantity(*indicator.forecast, unit);
      if (indicator.likelihood != Likelihood::kUnknown)
        line += " " + std::string(LikelihoodName(indicator.likelihood));
      line += "  " + FormatNumber(indicator.score) + "/" + FormatNumber(indicator.weight);
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace ptmon
