#include <string_view>
#include <unordered_map>

#include <ptmon/indicators/last_year.h>
#include <ptmon/indicators/target.h>

namespace ptmon {

namespace {

// Last year's projects by id, else by published name, each indexed once per attachment (a
// catalogue's lookup is a scan: a province would be scanned once per project).
class PastProjects {
 public:
  explicit PastProjects(const Catalog& past) {
    for (const Project& each : past.projects) {
      by_id_.emplace(each.id, &each);
      by_name_.emplace(each.name, &each);
    }
  }
  const Project* Find(const Project& project) const {
    if (const auto same = by_id_.find(project.id); same != by_id_.end()) return same->second;
    const auto named = by_name_.find(project.name);
    return named == by_name_.end() ? nullptr : named->second;
  }

 private:
  std::unordered_map<std::string_view, const Project*> by_id_;
  std::unordered_map<std::string_view, const Project*> by_name_;
};

const Indicator* PastIndicator(const Project& past, const Indicator& indicator) {
  if (const Indicator* same = past.FindIndicator(indicator.id)) return same;
  for (const Indicator& each : past.indicators) {
    if (each.name == indicator.name) return &each;
  }
  return nullptr;
}

std::shared_ptr<const LastYearValue> LastYearOf(const IndicatorStatus& status, Period as_of,
                                                const Project& past_project,
                                                const ActualsIndex& past_actuals) {
  const Indicator* past = PastIndicator(past_project, *status.indicator);
  if (past == nullptr) return nullptr;
  const auto key = past_actuals.Find(past_project.id, past->id);
  if (!key) return nullptr;
  const int month = status.period ? status.period->month : as_of.month;
  const Period period{past_actuals.year(), month};
  const ReportedValue* reported = past_actuals.LatestAtOrBefore(*key, period);
  if (reported == nullptr || reported->period != period) return nullptr;
  auto value = std::make_shared<LastYearValue>();
  value->indicator_id = past->id;
  value->period = period;
  const Target& target = past->TargetFor(month);
  value->unit = std::string(MultiplierPrefix(target.multiplier)) + target.unit;
  value->grade = reported->grade;
  if (reported->grade != Grade::kNone) {
    value->text = std::string(GradeName(reported->grade));
  } else {
    value->value = reported->value;
    value->text = FormatQuantity(reported->value, target);
  }
  return value;
}

void AttachToProject(ProjectStatus& status, Period as_of, const PastProjects& past_projects,
                     const ActualsIndex& past_actuals) {
  const Project* past = past_projects.Find(*status.project);
  for (IndicatorStatus& indicator : status.indicators) {
    indicator.last_year =
        past == nullptr ? nullptr : LastYearOf(indicator, as_of, *past, past_actuals);
  }
}

}  // namespace

void AttachLastYear(Evaluation& evaluation, const Catalog& past_catalog,
                    const ActualsIndex& past_actuals, const std::vector<uint32_t>* projects) {
  const PastProjects past_projects(past_catalog);
  if (projects == nullptr) {
    for (ProjectStatus& status : evaluation.projects)
      AttachToProject(status, evaluation.as_of, past_projects, past_actuals);
    return;
  }
  for (uint32_t project : *projects)
    AttachToProject(evaluation.projects[project], evaluation.as_of, past_projects, past_actuals);
}

}  // namespace ptmon
