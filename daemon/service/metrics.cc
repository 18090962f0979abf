#include "metrics.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace ptmon {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Writes families in order: HELP and TYPE once, then every sample of the family.
class Exposition {
 public:
  explicit Exposition(std::string& out) : out_(out) {}

  void Family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (char c : help) {
      if (c == '\\')
        out_ += "\\\\";
      else if (c == '\n')
        out_ += "\\n";
      else
        out_ += c;
    }
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  // labels: alternating names and values.
  void Sample(std::initializer_list<std::string_view> labels, double value) {
    out_ += name_;
    if (labels.size() > 0) {
      out_ += '{';
      bool first = true;
      for (auto it = labels.begin(); it != labels.end(); it += 2) {
        if (!first) out_ += ',';
        first = false;
        out_ += *it;
        out_ += "=\"";
        AppendEscaped(*(it + 1));
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    AppendValue(value);
    out_ += '\n';
  }

  void AppendEscaped(std::string_view value) {
    for (char c : value) {
      if (c == '\\')
        out_ += "\\\\";
      else if (c == '"')
        out_ += "\\\"";
      else if (c == '\n')
        out_ += "\\n";
      else
        out_ += c;
    }
  }

  void AppendValue(double value) {
    if (std::isnan(value)) {
      out_ += "NaN";
    } else if (std::isinf(value)) {
      out_ += value > 0 ? "+Inf" : "-Inf";
    } else {
      char buffer[32];
      auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
      out_.append(buffer, static_cast<size_t>(end - buffer));
    }
  }

 private:
  std::string& out_;
  std::string_view name_;
};

double OrNaN(const std::optional<double>& value) { return value.value_or(kNaN); }

double GradeCode(Grade grade) {
  switch (grade) {
    case Grade::kAchieved:
      return 1;
    case Grade::kPartlyAchieved:
      return 2;
    case Grade::kNotAchieved:
      return 3;
    case Grade::kNone:
      return 0;
  }
  return 0;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  Exposition(out).AppendEscaped(value);
  return out;
}

std::string FormatSampleValue(double value) {
  std::string out;
  Exposition(out).AppendValue(value);
  return out;
}

std::string RenderEvaluationMetrics(const Catalog& catalog, const Evaluation& evaluation,
                                    double evaluation_seconds, double evaluated_at_seconds) {
  std::string out;
  size_t indicators = 0;
  for (const auto& project : evaluation.projects) indicators += project.indicators.size();
  out.reserve(indicators * 700 + evaluation.projects.size() * 600 + 4096);
  Exposition metrics(out);

  metrics.Family("ptmon_time_progress_ratio", "gauge",
                 "Months elapsed in the evaluated year divided by 12.");
  metrics.Sample({}, evaluation.time_progress);
  metrics.Family("ptmon_evaluation_month", "gauge",
                 "The month evaluated (1-12): the last month whose reports are due.");
  metrics.Sample({}, evaluation.as_of.month);
  metrics.Family("ptmon_evaluation_timestamp_seconds", "gauge",
                 "When the evaluation behind these metrics ran (Unix time).");
  metrics.Sample({}, evaluated_at_seconds);
  metrics.Family("ptmon_evaluation_duration_seconds", "gauge",
                 "How long the last full evaluation took.");
  metrics.Sample({}, evaluation_seconds);

  metrics.Family("ptmon_project_info", "gauge",
                 "Project metadata, value 1; join with * on(project) group_left(project_name) "
                 "ptmon_project_info.");
  for (const auto& status : evaluation.projects) {
    const Project& p = *status.project;
    const BudgetUnit* unit = catalog.FindUnit(p.unit_id);
    metrics.Sample({"project", p.id, "budget_unit", p.unit_id, "budget_unit_name",
                    unit ? unit->name : "", "project_name", p.name, "department", p.department},
                   1);
  }
  metrics.Family("ptmon_indicator_info", "gauge",
                 "Indicator metadata, value 1: names, levels, kind, measurement unit and the "
                 "published target. "
                 "Join with * on(project, indicator) group_left(name) ptmon_indicator_info.");
  for (const auto& status : evaluation.projects) {
    for (const auto& indicator : status.indicators) {
      const Indicator& i = *indicator.indicator;
      metrics.Sample({"project", status.project->id, "indicator", i.id, "project_name",
                      status.project->name, "name", i.name, "level1", i.level1, "level2", i.level2,
                      "kind", TargetKindName(i.annual_target.kind), "unit", i.annual_target.unit,
                      "target", i.annual_target.text},
                     1);
    }
  }

  // Per-indicator numeric families, one pass over the evaluation each.
  struct IndicatorFamily {
    std::string_view name;
    std::string_view help;
    double (*value)(const IndicatorStatus&);
  };
  const IndicatorFamily families[] = {
      {"ptmon_indicator_target",
       "Annual target in the indicator's base unit (see the unit label of ptmon_indicator_info; % "
       "as a 0-1 ratio); NaN for qualitative targets.",
       [](const IndicatorStatus& s) { return OrNaN(s.indicator->annual_target.value); }},
      {"ptmon_indicator_actual",
       "Latest reported value to date in the indicator's base unit (year to date for counts and "
       "money, the level for rates, times and unit costs); NaN when nothing was reported or the "
       "target is qualitative.",
       [](const IndicatorStatus& s) { return OrNaN(s.actual); }},
      {"ptmon_indicator_grade",
       "Latest grade of a qualitative indicator: 0 none, 1 achieved (达成), 2 partly achieved "
       "(部分达成), 3 not achieved (未达成).",
       [](const IndicatorStatus& s) { return GradeCode(s.grade); }},
      {"ptmon_indicator_expected",
       "Value expected by the reported period in the indicator's base unit (target times pace for "
       "year-to-date indicators, the target for levels); NaN without a report.",
       [](const IndicatorStatus& s) { return OrNaN(s.expected); }},
      {"ptmon_indicator_forecast",
       "Year-end forecast in the indicator's base unit; NaN without a report or for qualitative "
       "targets.",
       [](const IndicatorStatus& s) { return OrNaN(s.forecast); }},
      {"ptmon_indicator_progress_ratio",
       "Actual divided by expected (1 is on track); NaN when undefined.",
       [](const IndicatorStatus& s) { return OrNaN(s.progress); }},
      {"ptmon_indicator_light",
       "Traffic light, larger is worse: 0 green, 1 blue (far ahead), 2 no data, 3 yellow, 4 "
       "overdue, 5 red.",
       [](const IndicatorStatus& s) { return static_cast<double>(s.light); }},
      {"ptmon_indicator_overdue",
       "1 when the report due for the evaluated month is missing past its due day.",
       [](const IndicatorStatus& s) { return s.overdue ? 1.0 : 0.0; }},
      {"ptmon_indicator_score", "Self-evaluation points (in-year on the year-end forecast).",
       [](const IndicatorStatus& s) { return s.score; }},
      {"ptmon_indicator_weight", "Self-evaluation points available to the indicator.",
       [](const IndicatorStatus& s) { return s.weight; }},
  };
  for (const auto& family : families) {
    metrics.Family(family.name, "gauge", family.help);
    for (const auto& status : evaluation.projects) {
      for (const auto& indicator : status.indicators) {
        metrics.Sample({"project", status.project->id, "indicator", indicator.indicator->id},
                       family.value(indicator));
      }
    }
  }

  struct ProjectFamily {
    std::string_view name;
    std::string_view help;
    double (*value)(const ProjectStatus&);
  };
  const ProjectFamily project_families[] = {
      {"ptmon_project_budget_yuan", "Annual budget (年度资金总额) in yuan.",
       [](const ProjectStatus& s) { return s.budget.annual_yuan; }},
      {"ptmon_project_spent_yuan", "Budget spent to date in yuan; NaN when not reported.",
       [](const ProjectStatus& s) { return OrNaN(s.budget.spent_yuan); }},
      {"ptmon_project_budget_execution_ratio", "Spent divided by the annual budget.",
       [](const ProjectStatus& s) { return OrNaN(s.budget.execution); }},
      {"ptmon_project_budget_time_ratio",
       "Budget execution divided by time progress (1 keeps pace with the year).",
       [](const ProjectStatus& s) { return OrNaN(s.budget.ratio_to_time); }},
      {"ptmon_project_budget_light", "Budget execution light, codes as ptmon_indicator_light.",
       [](const ProjectStatus& s) { return static_cast<double>(s.budget.light); }},
      {"ptmon_project_light",
       "Worst light of the project's indicators and budget, codes as ptmon_indicator_light.",
       [](const ProjectStatus& s) { return static_cast<double>(s.light); }},
      {"ptmon_project_score",
       "Self-evaluation total out of 100 (in-year on the year-end forecast).",
       [](const ProjectStatus& s) { return s.score; }},
  };
  for (const auto& family : project_families) {
    metrics.Family(family.name, "gauge", family.help);
    for (const auto& status : evaluation.projects)
      metrics.Sample({"project", status.project->id}, family.value(status));
  }
  return out;
}

ServiceMetrics::ServiceMetrics(std::vector<std::string> alertmanagers)
    : alertmanagers_(std::move(alertmanagers)),
      deliveries_(new std::atomic<long long>[alertmanagers_.size() + 1]()),
      failures_(new std::atomic<long long>[alertmanagers_.size() + 1]()) {}

void ServiceMetrics::CountIngest(std::string_view result, size_t values, double now_seconds) {
  if (result == "applied") {
    ++files_applied_;
    values_ += static_cast<long long>(values);
    last_ingest_success_.store(now_seconds);
  } else if (result == "duplicate") {
    ++files_duplicate_;
  } else if (result == "rejected") {
    ++files_rejected_;
  } else {
    ++files_failed_;
  }
}

void ServiceMetrics::SetLastErrors(std::string_view source, int errors) {
  (source == "api" ? api_errors_ : inbox_errors_).store(errors);
}

void ServiceMetrics::SetReload(bool success, double now_seconds) {
  reload_success_.store(success ? 1 : 0);
  if (success) reload_timestamp_.store(now_seconds);
}

void ServiceMetrics::SetAlerts(int pending, int firing, int resolved) {
  pending_.store(pending);
  firing_.store(firing);
  resolved_.store(resolved);
}

void ServiceMetrics::CountDelivery(size_t alertmanager, bool success) {
  if (alertmanager >= alertmanagers_.size()) return;
  ++deliveries_[alertmanager];
  if (!success) ++failures_[alertmanager];
}

std::string ServiceMetrics::Render(std::string_view version, std::string_view catalog_sha256,
                                   int year) const {
  std::string out;
  Exposition metrics(out);
  metrics.Family("ptmon_build_info", "gauge", "ptmon's version, value 1.");
  metrics.Sample({"version", version}, 1);
  metrics.Family("ptmon_catalog_info", "gauge", "The catalogue being evaluated, value 1.");
  metrics.Sample({"sha256", catalog_sha256, "year", std::to_string(year)}, 1);
  metrics.Family("ptmon_ingest_files_total", "counter", "Report files processed, by result.");
  metrics.Sample({"result", "applied"}, static_cast<double>(files_applied_.load()));
  metrics.Sample({"result", "duplicate"}, static_cast<double>(files_duplicate_.load()));
  metrics.Sample({"result", "rejected"}, static_cast<double>(files_rejected_.load()));
  metrics.Sample({"result", "failed"}, static_cast<double>(files_failed_.load()));
  metrics.Family("ptmon_ingest_values_total", "counter", "Values applied from accepted files.");
  metrics.Sample({}, static_cast<double>(values_.load()));
  metrics.Family("ptmon_ingest_last_success_timestamp_seconds", "gauge",
                 "When a file was last applied (Unix time); 0 when none ever was.");
  metrics.Sample({}, last_ingest_success_.load());
  metrics.Family(
      "ptmon_ingest_last_file_errors", "gauge",
      "Problems found in the last file from each source (inbox, api); 0 when it was accepted.");
  metrics.Sample({"source", "api"}, api_errors_.load());
  metrics.Sample({"source", "inbox"}, inbox_errors_.load());
  metrics.Family("ptmon_config_reload_success", "gauge",
                 "1 when the last configuration load or reload succeeded.");
  metrics.Sample({}, reload_success_.load());
  metrics.Family("ptmon_config_reload_timestamp_seconds", "gauge",
                 "When the configuration and catalogue were last loaded successfully (Unix time).");
  metrics.Sample({}, reload_timestamp_.load());
  metrics.Family("ptmon_alerts", "gauge", "Alerts by state.");
  metrics.Sample({"state", "firing"}, firing_.load());
  metrics.Sample({"state", "pending"}, pending_.load());
  metrics.Sample({"state", "resolved"}, resolved_.load());
  metrics.Family("ptmon_alert_deliveries_total", "counter", "Deliveries to each Alertmanager.");
  for (size_t i = 0; i < alertmanagers_.size(); ++i) {
    metrics.Sample({"alertmanager", alertmanagers_[i]}, static_cast<double>(deliveries_[i].load()));
  }
  metrics.Family("ptmon_alert_delivery_failures_total", "counter",
                 "Failed deliveries to each Alertmanager.");
  for (size_t i = 0; i < alertmanagers_.size(); ++i) {
    metrics.Sample({"alertmanager", alertmanagers_[i]}, static_cast<double>(failures_[i].load()));
  }
  return out;
}

}  // namespace ptmon
