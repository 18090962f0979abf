#include <algorithm>
#include <cmath>

#include <ptmon/base/text.h>
#include <ptmon/reports/json_writer.h>
#include <ptmon/reports/reports.h>

namespace ptmon {

namespace {

// Ratios to four decimals (0.5833): enough for a percentage with two.
double Round4(double value) { return std::round(value * 10000) / 10000; }

std::optional<double> Ratio(const std::optional<double>& value) {
  return value ? std::optional<double>(Round4(*value)) : std::nullopt;
}

void StringOrNull(JsonWriter& json, bool present, std::string_view text) {
  if (present)
    json.String(text);
  else
    json.Null();
}

void WriteIndicator(JsonWriter& json, const IndicatorStatus& status,
                    const LightThresholds& lights) {
  const Indicator& indicator = *status.indicator;
  const Target& target = *status.target;
  // Beside a machine field in base units, the figure as a person reads it (1200万条, 26.30万元).
  auto text = [&](std::string_view key, const std::optional<double>& value) {
    json.Key(key);
    StringOrNull(json, value.has_value(), value ? FormatQuantity(*value, target) : "");
  };
  json.BeginObject();
  json.Key("id").String(indicator.id);
  json.Key("name").String(indicator.name);
  json.Key("level1").String(indicator.level1);
  json.Key("level2").String(indicator.level2);
  json.Key("target").BeginObject();
  json.Key("text").String(target.text);
  json.Key("kind").String(TargetKindName(target.kind));
  json.Key("value").Number(target.value);
  json.Key("unit").String(target.unit);
  json.EndObject();
  if (const auto& adjustment = indicator.adjustment) {
    json.Key("target_adjustment").BeginObject();
    json.Key("original").String(indicator.annual_target.text);
    json.Key("adjusted").String(adjustment->target.text);
    json.Key("from_month").Integer(adjustment->from_month);
    json.Key("approval").String(adjustment->approval);
    json.Key("in_force").Bool(&target == &adjustment->target);
    json.EndObject();
  }
  json.Key("period");
  StringOrNull(json, status.period.has_value(), status.period ? status.period->ToString() : "");
  json.Key("actual").Number(status.actual);
  text("actual_text", status.actual);
  json.Key("grade");
  StringOrNull(json, status.grade != Grade::kNone, GradeName(status.grade));
  json.Key("expected").Number(status.expected);
  text("expected_text", status.expected);
  json.Key("progress_pct").Number(PrintedProgressPercent(status, lights, 2));
  json.Key("light").String(LightName(status.light));
  json.Key("overdue").Bool(status.overdue);
  json.Key("forecast");
  if (status.forecast_grade != Grade::kNone)
    json.String(GradeName(status.forecast_grade));
  else
    json.Number(status.forecast);
  text("forecast_text", status.forecast_grade == Grade::kNone ? status.forecast : std::nullopt);
  json.Key("gap").Number(status.gap);
  json.Key("likelihood");
  StringOrNull(json, status.likelihood != Likelihood::kUnknown, LikelihoodName(status.likelihood));
  json.Key("target_may_be_low").Bool(status.target_may_be_low);
  json.Key("weight").Number(RoundToCents(status.weight));
  json.Key("score").Number(status.score);
  json.Key("last_year");
  if (const auto& past = status.last_year) {
    json.BeginObject();
    json.Key("indicator").String(past->indicator_id);
    json.Key("period").String(past->period.ToString());
    json.Key("value").Number(past->value);
    json.Key("grade");
    StringOrNull(json, past->grade != Grade::kNone, GradeName(past->grade));
    json.Key("unit").String(past->unit);
    json.Key("text").String(past->text);
    json.EndObject();
  } else {
    json.Null();
  }
  json.Key("reason");
  if (status.notes != nullptr) {
    json.BeginObject();
    json.Key("category").String(status.notes->reason_category);
    json.Key("text").String(status.notes->reason);
    json.Key("action").String(status.notes->action);
    json.Key("reported_likelihood").String(status.notes->likelihood);
    json.EndObject();
  } else {
    json.Null();
  }
  json.EndObject();
}

void WriteProject(JsonWriter& json, const ProjectStatus& status, const Evaluation& evaluation) {
  const BudgetStatus& budget = status.budget;
  const auto percent_of_plan = PrintedPercentOfPlan(budget, evaluation.lights, 2);
  json.BeginObject();
  json.Key("id").String(status.project->id);
  json.Key("unit").String(status.project->unit_id);
  json.Key("name").String(status.project->name);
  json.Key("light").String(LightName(status.light));
  json.Key("score").BeginObject();
  json.Key(evaluation.year_end ? "actual" : "forecast").Number(status.score);
  json.Key("grade").String(status.grade);
  json.EndObject();
  json.Key("budget").BeginObject();
  json.Key("annual_yuan").Number(budget.initial_budget_yuan);
  json.Key("adjusted_yuan").Number(budget.adjusted_budget_yuan);
  json.Key("adjustment_approval");
  StringOrNull(json, budget.adjustment != nullptr,
               budget.adjustment ? budget.adjustment->approval : "");
  json.Key("spent_yuan").Number(budget.spent_yuan);
  json.Key("by_source").BeginArray();
  for (int row = 0; row < kFundRowCount; ++row) {
    const BudgetRow& figures = budget.spent_by_source[row];
    json.BeginObject();
    json.Key("row").String(FundRowName(kFundRows[row]));
    json.Key("annual_yuan").Number(figures.initial_yuan);
    json.Key("adjusted_yuan").Number(figures.adjusted_yuan);
    json.Key("spent_yuan").Number(figures.spent_yuan);
    json.EndObject();
  }
  json.EndArray();
  json.Key("period");
  StringOrNull(json, budget.period.has_value(), budget.period ? budget.period->ToString() : "");
  json.Key("execution").Number(Ratio(budget.execution_rate));
  json.Key("plan_share").Number(Ratio(budget.plan_share));
  json.Key("ratio_to_time")
      .Number(percent_of_plan ? std::optional<double>(Round4(*percent_of_plan / 100))
                              : std::nullopt);
  json.Key("light").String(LightName(budget.light));
  json.Key("overdue").Bool(budget.overdue);
  json.Key("forecast_yuan").Number(budget.forecast_spent_yuan);
  json.Key("reason").String(budget.budget_reason);
  json.Key("reason_missing").Bool(budget.reason_missing);
  json.Key("weight").Number(budget.weight);
  json.Key("score").Number(budget.score);
  json.EndObject();
  json.Key("indicators").BeginArray();
  for (const auto& indicator : status.indicators)
    WriteIndicator(json, indicator, evaluation.lights);
  json.EndArray();
  json.EndObject();
}

// The document's head, leaving the projects array open.
void BeginStatus(JsonWriter& json, const Evaluation& evaluation) {
  json.BeginObject();
  json.Key("as_of").String(evaluation.as_of.ToString());
  json.Key("time_progress").Number(Round4(evaluation.time_progress));
  json.Key("year_end").Bool(evaluation.year_end);
  json.Key("projects").BeginArray();
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

std::string StatusJsonText(const Evaluation& evaluation, std::string_view project_id) {
  std::string out;
  JsonWriter json(out);
  BeginStatus(json, evaluation);
  for (const auto& project : evaluation.projects) {
    if (!project_id.empty() && project.project->id != project_id) continue;
    WriteProject(json, project, evaluation);
  }
  json.EndArray().EndObject();
  return out;
}

void WriteStatusJson(const Evaluation& evaluation, std::string& out,
                     const std::function<void()>& after_project) {
  JsonWriter json(out);
  BeginStatus(json, evaluation);
  for (const auto& project : evaluation.projects) {
    WriteProject(json, project, evaluation);
    after_project();
  }
  json.EndArray().EndObject();
}

std::string StatusJsonText(const Evaluation& evaluation, const StatusPage& page) {
  std::string out;
  JsonWriter json(out);
  BeginStatus(json, evaluation);
  const size_t total = evaluation.projects.size();
  const size_t end = std::min(total, page.offset + std::min(page.limit, total));
  for (size_t p = std::min(page.offset, total); p < end; ++p) {
    WriteProject(json, evaluation.projects[p], evaluation);
  }
  json.EndArray();
  json.Key("page").BeginObject();
  json.Key("offset").Integer(static_cast<long long>(page.offset));
  json.Key("limit").Integer(static_cast<long long>(page.limit));
  json.Key("total").Integer(static_cast<long long>(total));
  json.EndObject().EndObject();
  return out;
}

nlohmann::ordered_json StatusJson(const Evaluation& evaluation, std::string_view project_id) {
  return nlohmann::ordered_json::parse(StatusJsonText(evaluation, project_id));
}

nlohmann::ordered_json StatusJson(const Evaluation& evaluation, const StatusPage& page) {
  return nlohmann::ordered_json::parse(StatusJsonText(evaluation, page));
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
           (budget.spent_yuan ? FormatQuantity(*budget.spent_yuan, WanYuan()) : std::string("-")) +
           " of " + FormatQuantity(budget.adjusted_budget_yuan, WanYuan()) + ", execution " +
           (budget.execution_rate ? FormatNumber(*budget.execution_rate * 100, 1) + "%"
                                  : std::string("-")) +
           ", " +
           (budget.ratio_to_plan
                ? FormatNumber(*PrintedPercentOfPlan(budget, evaluation.lights, 1), 1) + "% of plan"
                : "-") +
           (budget.budget_reason.empty() ? "" : ", reason: " + budget.budget_reason) + "\n";
    for (const auto& indicator : project.indicators) {
      const Indicator& definition = *indicator.indicator;
      const Target& target = *indicator.target;
      std::string actual = indicator.grade != Grade::kNone ? std::string(GradeName(indicator.grade))
                           : indicator.actual ? FormatQuantity(*indicator.actual, target)
                                              : "-";
      std::string line = "         " + Padded(Colored(indicator.light, color), 8) + " " +
                         Padded(definition.id, 28) + Padded(indicator.target->text, 12) +
                         " actual " + Padded(actual, 12);
      if (auto progress = PrintedProgressPercent(indicator, evaluation.lights, 1))
        line += " progress " + Padded(FormatNumber(*progress, 1) + "%", 8);
      if (indicator.forecast) line += " forecast " + FormatQuantity(*indicator.forecast, target);
      if (indicator.likelihood != Likelihood::kUnknown)
        line += " " + std::string(LikelihoodName(indicator.likelihood));
      line += "  " + FormatNumber(indicator.score) + "/" + FormatNumber(indicator.weight);
      out += line + "\n";
    }
  }
  return out;
}

}  // namespace ptmon
