#include <unordered_set>

#include <nlohmann/json.hpp>

#include <ptmon/alerts/alerts.h>
#include <ptmon/base/clock.h>
#include <ptmon/base/text.h>
#include <ptmon/reports/json_writer.h>
#include <ptmon/reports/reports.h>

namespace ptmon {

namespace {

using Json = nlohmann::json;

bool IsGood(Light light) { return light == Light::kGreen || light == Light::kBlue; }

// One severity per light, as the console names them: warning is 黄灯, critical is 红灯, so an
// alert's severity and its text never disagree.
Light SeverityLight(std::string_view severity) {
  return severity == "critical" ? Light::kRed : Light::kYellow;
}

// An alert ends when the light turns good or to the other severity's light, which takes over:
// a critical alert held at yellow would read "（黄灯）" under critical. Overdue or no data in
// between holds it (hysteresis).
bool Clears(std::string_view severity, Light light) {
  const Light other = severity == "critical" ? Light::kYellow : Light::kRed;
  return IsGood(light) || light == other;
}

std::string Quantity(const std::optional<double>& value, const Target& target) {
  return value ? FormatQuantity(*value, target) : "—";
}

AlertCondition Base(std::string_view alertname, std::string_view severity, const Project& project,
                    std::string_view indicator, const AlertSettings& settings) {
  AlertCondition condition;
  Alert& alert = condition.alert;
  alert.labels = {{"alertname", std::string(alertname)},
                  {"severity", std::string(severity)},
                  {"budget_unit", project.unit_id},
                  {"project", project.id}};
  if (!indicator.empty()) alert.labels["indicator"] = std::string(indicator);
  alert.generator_url = settings.external_url + "/projects/" + UrlEncodeComponent(project.id);
  return condition;
}

void AddNotes(Alert& alert, const ValueNotes* notes) {
  if (notes == nullptr) return;
  std::string reason = notes->reason_category;
  if (!notes->reason.empty()) reason += (reason.empty() ? "" : "：") + notes->reason;
  if (!reason.empty()) alert.annotations["reason"] = reason;
  if (!notes->action.empty()) alert.annotations["action"] = notes->action;
  if (!notes->likelihood.empty()) alert.annotations["reported_likelihood"] = notes->likelihood;
}

// Builds the condition only when it matters: it raises, or the book holds the alert.
class RuleOutput {
 public:
  RuleOutput(const AlertBook& book, const AlertSink& out) : book_(book), out_(out) {
    for (const auto& [fingerprint, alert] : book.alerts()) {
      if (auto project = alert.labels.find("project"); project != alert.labels.end()) {
        projects_with_alerts_.insert(project->second);
      }
    }
  }
  bool Wanted(bool raise, std::string_view alertname, std::string_view severity,
              const Project& project, std::string_view indicator) const {
    if (raise) return true;
    // Most projects hold no alert: they are passed over without making a fingerprint per rule
    // and indicator (66,000 indicators at a start cost 0.2 s that way).
    if (!projects_with_alerts_.contains(project.id)) return false;
    std::map<std::string, std::string> labels = {{"alertname", std::string(alertname)},
                                                 {"severity", std::string(severity)},
                                                 {"budget_unit", project.unit_id},
                                                 {"project", project.id}};
    if (!indicator.empty()) labels["indicator"] = std::string(indicator);
    return book_.Contains(FingerprintOf(labels));
  }
  void Add(AlertCondition condition) { out_(std::move(condition)); }

 private:
  const AlertBook& book_;
  const AlertSink& out_;
  // Copies, not views into the book's labels: the sink may change the book as the rules run.
  std::unordered_set<std::string> projects_with_alerts_;
};

void IndicatorRules(const ProjectStatus& project, const Evaluation& evaluation,
                    const AlertSettings& settings, RuleOutput& out) {
  const Project& p = *project.project;
  const std::string months = "1–" + std::to_string(evaluation.as_of.month) + "月";
  for (const auto& status : project.indicators) {
    const Indicator& indicator = *status.indicator;
    const Target& target = *status.target;
    // The texts are made only for the alerts wanted: most indicators of a province have none.
    auto who = [&] { return "「" + p.name + "」" + indicator.name; };
    auto facts = [&] {
      if (target.kind == TargetKind::kQualitative) {
        return "最近评定：" +
               std::string(status.grade == Grade::kNone ? "未报送" : GradeName(status.grade)) +
               "，年度目标：" + target.text + "。";
      }
      return months + "完成 " + Quantity(status.actual, target) + "，按进度应完成 " +
             Quantity(status.expected, target) +
             (status.progress ? "（" + FormatNumber(*status.progress * 100, 1) + "%）" : "") +
             "，年度目标 " + target.text + "，全年预计 " + Quantity(status.forecast, target) + "。";
    };
    for (std::string_view severity : {"warning", "critical"}) {
      const Light light = SeverityLight(severity);
      const bool raise = status.light == light;
      if (!out.Wanted(raise, "PtmonIndicatorBehind", severity, p, indicator.id)) continue;
      AlertCondition behind = Base("PtmonIndicatorBehind", severity, p, indicator.id, settings);
      behind.raise = raise;
      behind.clear = Clears(severity, status.light);
      behind.alert.annotations = {
          {"summary", who() + " 进度落后（" + std::string(LightNameZh(status.light)) + "）"},
          {"description", facts()}};
      AddNotes(behind.alert, status.notes.get());
      out.Add(std::move(behind));
    }
    const bool blue = status.light == Light::kBlue;
    if (out.Wanted(blue, "PtmonTargetFarExceeded", "info", p, indicator.id)) {
      AlertCondition ahead = Base("PtmonTargetFarExceeded", "info", p, indicator.id, settings);
      ahead.raise = blue;
      ahead.clear = !blue;
      ahead.alert.annotations = {{"summary", who() + " 远超进度（蓝灯），目标值可能偏低"},
                                 {"description", facts() + "请复核目标设定；自评不因超额加分。"}};
      out.Add(std::move(ahead));
    }
  }
}

// One alert per project lists its overdue reports: a manager's monthly report covers the
// project, and a page per indicator would bury the one that matters.
void OverdueRule(const ProjectStatus& project, const Evaluation& evaluation,
                 const AlertSettings& settings, RuleOutput& out) {
  const Project& p = *project.project;
  std::vector<std::string> overdue;
  for (const auto& status : project.indicators) {
    if (status.overdue) overdue.push_back(status.indicator->name);
  }
  if (project.budget.overdue) overdue.push_back("预算执行数");
  const bool raise = !overdue.empty();
  if (!out.Wanted(raise, "PtmonReportOverdue", "warning", p, "")) return;
  AlertCondition condition = Base("PtmonReportOverdue", "warning", p, "", settings);
  condition.raise = raise;
  condition.clear = !raise;
  std::string names;
  for (size_t i = 0; i < overdue.size() && i < 5; ++i) names += (i ? "、" : "") + overdue[i];
  if (overdue.size() > 5) names += " 等";
  condition.alert.annotations = {
      {"summary", "「" + p.name + "」" + std::to_string(overdue.size()) + " 项数据逾期未报"},
      {"description", "截至 " + evaluation.as_of.ToString() +
                          " 应报送的数据未按期（次月截止日前）报送：" + names + "。"}};
  out.Add(std::move(condition));
}

void BudgetRules(const ProjectStatus& project, const Evaluation& evaluation,
                 const AlertSettings& settings, RuleOutput& out) {
  const Project& p = *project.project;
  const BudgetStatus& budget = project.budget;
  auto facts = [&] {
    return "截至" + std::to_string(evaluation.as_of.month) + "月执行 " +
           (budget.spent_yuan ? FormatQuantity(*budget.spent_yuan, WanYuan())
                              : std::string("未报送")) +
           (budget.adjustment ? " / 调整后预算 " : " / 年度预算 ") +
           FormatQuantity(budget.adjusted_budget_yuan, WanYuan()) +
           (budget.execution_rate ? "（" + FormatNumber(*budget.execution_rate * 100, 1) + "%）"
                                  : "") +
           (budget.plan_share ? "，用款计划进度 " + FormatNumber(*budget.plan_share * 100, 1) + "%"
                              : "") +
           (budget.ratio_to_plan
                ? "，执行进度为计划进度的 " +
                      FormatNumber(*PrintedPercentOfPlan(budget, evaluation.lights, 1), 1) + "%"
                : "") +
           "。" + (budget.budget_reason.empty() ? "" : "原因：" + budget.budget_reason + "。");
  };
  for (std::string_view severity : {"warning", "critical"}) {
    const bool raise = budget.light == SeverityLight(severity);
    if (!out.Wanted(raise, "PtmonBudgetExecutionLagging", severity, p, "")) continue;
    AlertCondition lagging = Base("PtmonBudgetExecutionLagging", severity, p, "", settings);
    lagging.raise = raise;
    lagging.clear = Clears(severity, budget.light);
    lagging.alert.annotations = {{"summary", "「" + p.name + "」预算执行滞后（" +
                                                 std::string(LightNameZh(budget.light)) + "）"},
                                 {"description", facts()}};
    out.Add(std::move(lagging));
  }
}

std::string Rfc3339(TimePoint time) { return FormatRfc3339(time); }

TimePoint ParseTime(const std::string& text) {
  return text.empty() ? TimePoint{} : ParseRfc3339(text).value_or(TimePoint{});
}

void WriteMap(JsonWriter& json, const std::map<std::string, std::string>& map) {
  json.BeginObject();
  for (const auto& [name, value] : map) json.Key(name).String(value);
  json.EndObject();
}

AlertRecord ToRecord(const std::string& fingerprint, const Alert& alert) {
  AlertRecord record;
  record.fingerprint = fingerprint;
  JsonWriter labels(record.labels_json);
  WriteMap(labels, alert.labels);
  // The generator URL rides with the annotations under a name no annotation has, in the
  // place nlohmann's sorted keys gave it.
  JsonWriter annotations(record.annotations_json);
  annotations.BeginObject().Key("__generator_url").String(alert.generator_url);
  for (const auto& [name, value] : alert.annotations) annotations.Key(name).String(value);
  annotations.EndObject();
  record.state = std::string(AlertPhaseName(alert.phase));
  record.active_since = Rfc3339(alert.active_since);
  if (alert.phase != AlertPhase::kPending) record.fired_at = Rfc3339(alert.fired_at);
  if (alert.phase == AlertPhase::kResolved) record.resolved_at = Rfc3339(alert.resolved_at);
  return record;
}

}  // namespace

std::string_view AlertPhaseName(AlertPhase phase) {
  switch (phase) {
    case AlertPhase::kPending:
      return "pending";
    case AlertPhase::kFiring:
      return "firing";
    case AlertPhase::kResolved:
      return "resolved";
  }
  return "pending";
}

std::string FingerprintOf(const std::map<std::string, std::string>& labels) {
  std::string fingerprint;
  for (const auto& [name, value] : labels) fingerprint += name + "=" + value + "\x1f";
  return fingerprint;
}

std::string Alert::Fingerprint() const { return FingerprintOf(labels); }

void EvaluateAlertRules(const Catalog& catalog, const Evaluation& evaluation, TimePoint last_ingest,
                        TimePoint now, const AlertSettings& settings, const AlertBook& book,
                        const AlertSink& sink) {
  RuleOutput out(book, sink);
  for (const auto& project : evaluation.projects) {
    IndicatorRules(project, evaluation, settings, out);
    OverdueRule(project, evaluation, settings, out);
    BudgetRules(project, evaluation, settings, out);
  }
  AlertCondition stale;
  stale.alert.labels = {{"alertname", "PtmonIngestStale"}, {"severity", "warning"}};
  stale.alert.generator_url = settings.external_url + "/metrics";
  const auto idle = std::chrono::duration_cast<std::chrono::hours>(now - last_ingest);
  stale.raise = now - last_ingest > settings.ingest_stale_after;
  stale.clear = !stale.raise;
  std::string units;
  for (const auto& unit : catalog.units) units += (units.empty() ? "" : "、") + unit.name;
  stale.alert.annotations = {
      {"summary", units + " 已 " + std::to_string(idle.count() / 24) + " 天未收到新的月报数据"},
      {"description", "最近一次成功导入：" + FormatLocalTime(last_ingest) +
                          "。请检查收件目录和各项目的报送情况。"}};
  out.Add(std::move(stale));
}

std::vector<AlertCondition> EvaluateAlertRules(const Catalog& catalog, const Evaluation& evaluation,
                                               TimePoint last_ingest, TimePoint now,
                                               const AlertSettings& settings,
                                               const AlertBook& book) {
  std::vector<AlertCondition> conditions;
  EvaluateAlertRules(catalog, evaluation, last_ingest, now, settings, book,
                     [&](AlertCondition condition) { conditions.push_back(std::move(condition)); });
  return conditions;
}

Status AlertBook::Load(Store& store) {
  // Row by row: the stored text of tens of thousands of alerts is not held beside the book.
  std::map<std::string, Alert> loaded;
  Status read = store.alerts().ForEachAlert([&](AlertRecord record) {
    Alert alert;
    const Json labels = Json::parse(record.labels_json, nullptr, false);
    Json annotations = Json::parse(record.annotations_json, nullptr, false);
    if (labels.is_discarded() || annotations.is_discarded())
      return;  // unreadable: the rules recreate it
    alert.labels = labels.get<std::map<std::string, std::string>>();
    alert.generator_url = annotations.value("__generator_url", "");
    annotations.erase("__generator_url");
    alert.annotations = annotations.get<std::map<std::string, std::string>>();
    alert.phase = record.state == "firing"     ? AlertPhase::kFiring
                  : record.state == "resolved" ? AlertPhase::kResolved
                                               : AlertPhase::kPending;
    alert.active_since = ParseTime(record.active_since);
    alert.fired_at = ParseTime(record.fired_at);
    alert.resolved_at = ParseTime(record.resolved_at);
    loaded.emplace(alert.Fingerprint(), std::move(alert));
  });
  if (!read.ok()) return read;
  alerts_ = std::move(loaded);
  return Status::Ok();
}

AlertUpdate::AlertUpdate(AlertBook& book, TimePoint now) : book_(book), now_(now) {}

void AlertUpdate::Apply(AlertCondition condition) {
  auto& alerts = book_.alerts_;
  const AlertSettings& settings = book_.settings_;
  const std::string fingerprint = condition.alert.Fingerprint();
  auto found = alerts.find(fingerprint);
  if (found != alerts.end()) spoken_of_.insert(&found->first);
  if (found == alerts.end() || found->second.phase == AlertPhase::kResolved) {
    if (!condition.raise) return;
    auto slot = alerts.insert_or_assign(fingerprint, std::move(condition.alert)).first;
    spoken_of_.insert(&slot->first);
    Alert& alert = slot->second;
    alert.active_since = now_;
    alert.phase = AlertPhase::kPending;
    if (settings.for_duration.count() == 0) {
      alert.phase = AlertPhase::kFiring;
      alert.fired_at = now_;
    }
    changed_.push_back(ToRecord(fingerprint, alert));
    return;
  }
  Alert& alert = found->second;
  const AlertPhase phase_before = alert.phase;
  // The latest explanation while the problem lasts; a clearing condition describes the
  // recovery ("green", "0 overdue"), and a resolved alert keeps the words it fired with.
  const bool explained_anew =
      !condition.clear && (alert.annotations != condition.alert.annotations ||
                           alert.generator_url != condition.alert.generator_url);
  if (explained_anew) {
    alert.annotations = std::move(condition.alert.annotations);
    alert.generator_url = std::move(condition.alert.generator_url);
  }
  if (alert.phase == AlertPhase::kPending) {
    if (condition.raise && now_ - alert.active_since >= settings.for_duration) {
      alert.phase = AlertPhase::kFiring;
      alert.fired_at = now_;
    } else if (condition.clear) {
      removed_.push_back(fingerprint);  // never fired: nothing to tell anyone
      spoken_of_.erase(&found->first);
      alerts.erase(found);
      return;
    }
  } else if (alert.phase == AlertPhase::kFiring && condition.clear) {
    alert.phase = AlertPhase::kResolved;
    alert.resolved_at = now_;
  }
  if (alert.phase != phase_before || explained_anew)
    changed_.push_back(ToRecord(fingerprint, alert));
}

Result<bool> AlertUpdate::Finish(Store& store) {
  auto& alerts = book_.alerts_;
  for (auto it = alerts.begin(); it != alerts.end();) {
    Alert& alert = it->second;
    const bool orphan = !spoken_of_.contains(&it->first);
    if (alert.phase == AlertPhase::kResolved &&
        now_ - alert.resolved_at > book_.settings_.resolved_retention) {
      removed_.push_back(it->first);
      it = alerts.erase(it);
      continue;
    }
    if (orphan && alert.phase == AlertPhase::kFiring) {
      alert.phase = AlertPhase::kResolved;
      alert.resolved_at = now_;
      changed_.push_back(ToRecord(it->first, alert));
    } else if (orphan && alert.phase == AlertPhase::kPending) {
      removed_.push_back(it->first);
      it = alerts.erase(it);
      continue;
    }
    ++it;
  }
  if (Status saved = store.alerts().SaveAlerts(changed_, removed_); !saved.ok()) return saved;
  return !changed_.empty() || !removed_.empty();
}

Result<bool> AlertBook::Update(std::vector<AlertCondition> conditions, TimePoint now,
                               Store& store) {
  AlertUpdate update(*this, now);
  for (auto& condition : conditions) update.Apply(std::move(condition));
  return update.Finish(store);
}

bool AlertBook::HasAlertsToSend() const {
  for (const auto& [fingerprint, alert] : alerts_) {
    if (alert.phase != AlertPhase::kPending) return true;
  }
  return false;
}

int AlertBook::Count(AlertPhase phase) const {
  int count = 0;
  for (const auto& [fingerprint, alert] : alerts_) count += alert.phase == phase;
  return count;
}

std::string AlertBook::Payload(TimePoint now) const {
  std::string payload;
  JsonWriter json(payload);
  json.BeginArray();
  for (const auto& [fingerprint, alert] : alerts_) {
    if (alert.phase == AlertPhase::kPending) continue;
    const TimePoint ends = alert.phase == AlertPhase::kFiring ? now + 4 * settings_.resend_interval
                                                              : alert.resolved_at;
    json.BeginObject().Key("labels");
    WriteMap(json, alert.labels);
    json.Key("annotations");
    WriteMap(json, alert.annotations);
    json.Key("startsAt").String(Rfc3339(alert.fired_at));
    json.Key("endsAt").String(Rfc3339(ends));
    json.Key("generatorURL").String(alert.generator_url).EndObject();
  }
  json.EndArray();
  return payload;
}

void AlertBook::WriteList(std::string& out, const std::function<void()>& after_alert) const {
  JsonWriter json(out);
  json.BeginObject().Key("alerts").BeginArray();
  for (const auto& [fingerprint, alert] : alerts_) {
    json.BeginObject().Key("labels");
    WriteMap(json, alert.labels);
    json.Key("annotations");
    WriteMap(json, alert.annotations);
    json.Key("state").String(AlertPhaseName(alert.phase));
    json.Key("activeSince").String(Rfc3339(alert.active_since));
    json.Key("startsAt");
    if (alert.phase == AlertPhase::kPending)
      json.Null();
    else
      json.String(Rfc3339(alert.fired_at));
    json.Key("endsAt");
    if (alert.phase == AlertPhase::kResolved)
      json.String(Rfc3339(alert.resolved_at));
    else
      json.Null();
    json.Key("generatorURL").String(alert.generator_url).EndObject();
    after_alert();
  }
  json.EndArray().EndObject();
}

}  // namespace ptmon
