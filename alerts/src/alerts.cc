#include <algorithm>

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

AlertSubject SubjectOf(const Project& project, std::string_view indicator) {
  return {project.unit_id, project.id, indicator, {}};
}

std::string ProjectUrl(const Project& project, const AlertSettings& settings) {
  return settings.external_url + "/projects/" + UrlEncodeComponent(project.id);
}

using Annotations = std::vector<std::pair<std::string_view, std::string>>;

void AddNotes(Annotations& annotations, const ValueNotes* notes) {
  if (notes == nullptr) return;
  std::string reason = notes->reason_category;
  if (!notes->reason.empty()) reason += (reason.empty() ? "" : "：") + notes->reason;
  if (!reason.empty()) annotations.emplace_back("reason", reason);
  if (!notes->action.empty()) annotations.emplace_back("action", notes->action);
  if (!notes->likelihood.empty())
    annotations.emplace_back("reported_likelihood", notes->likelihood);
}

// Makes the condition only when it matters: it raises, or the book holds the alert.
class RuleOutput {
 public:
  RuleOutput(const AlertBook& book, const AlertSink& out) : book_(book), out_(out) {}
  bool Wanted(bool raise, AlertRule rule, const AlertSubject& subject) const {
    // Most indicators hold no alert: they are passed over by a lookup of numbers.
    return raise || book_.Find(rule, subject).has_value();
  }
  void Add(AlertRule rule, const AlertSubject& subject, bool raise, bool clear, AlertText text) {
    out_({rule, subject, std::move(text), raise, clear});
  }

 private:
  const AlertBook& book_;
  const AlertSink& out_;
};

void IndicatorRules(const ProjectStatus& project, const Evaluation& evaluation,
                    const AlertSettings& settings, RuleOutput& out) {
  const Project& p = *project.project;
  const std::string months = "1–" + std::to_string(evaluation.as_of.month) + "月";
  const std::string url = ProjectUrl(p, settings);
  for (const auto& status : project.indicators) {
    const Indicator& indicator = *status.indicator;
    const Target& target = *status.target;
    const AlertSubject subject = SubjectOf(p, indicator.id);
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
      const AlertRule rule = severity == "critical" ? AlertRule::kIndicatorBehindCritical
                                                    : AlertRule::kIndicatorBehindWarning;
      if (!out.Wanted(raise, rule, subject)) continue;
      Annotations annotations = {
          {"summary", who() + " 进度落后（" + std::string(LightNameZh(status.light)) + "）"},
          {"description", facts()}};
      AddNotes(annotations, status.notes.get());
      out.Add(rule, subject, raise, Clears(severity, status.light),
              AlertText(url, std::move(annotations)));
    }
    const bool blue = status.light == Light::kBlue;
    if (out.Wanted(blue, AlertRule::kTargetFarExceeded, subject)) {
      out.Add(AlertRule::kTargetFarExceeded, subject, blue, !blue,
              AlertText(url, {{"summary", who() + " 远超进度（蓝灯），目标值可能偏低"},
                              {"description", facts() + "请复核目标设定；自评不因超额加分。"}}));
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
  const AlertSubject subject = SubjectOf(p, "");
  if (!out.Wanted(raise, AlertRule::kReportOverdue, subject)) return;
  std::string names;
  for (size_t i = 0; i < overdue.size() && i < 5; ++i) names += (i ? "、" : "") + overdue[i];
  if (overdue.size() > 5) names += " 等";
  out.Add(
      AlertRule::kReportOverdue, subject, raise, !raise,
      AlertText(
          ProjectUrl(p, settings),
          {{"summary", "「" + p.name + "」" + std::to_string(overdue.size()) + " 项数据逾期未报"},
           {"description", "截至 " + evaluation.as_of.ToString() +
                               " 应报送的数据未按期（次月截止日前）报送：" + names + "。"}}));
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
    const AlertRule rule = severity == "critical" ? AlertRule::kBudgetLaggingCritical
                                                  : AlertRule::kBudgetLaggingWarning;
    const AlertSubject subject = SubjectOf(p, "");
    if (!out.Wanted(raise, rule, subject)) continue;
    out.Add(rule, subject, raise, Clears(severity, budget.light),
            AlertText(ProjectUrl(p, settings),
                      {{"summary", "「" + p.name + "」预算执行滞后（" +
                                       std::string(LightNameZh(budget.light)) + "）"},
                       {"description", facts()}}));
  }
}

std::string Rfc3339(TimePoint time) { return FormatRfc3339(time); }

long long UnixTime(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

TimePoint FromUnixTime(long long seconds) { return TimePoint(std::chrono::seconds(seconds)); }

constexpr AlertRule kLastRule = AlertRule::kIngestStale;

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

std::string_view AlertNameOf(AlertRule rule) {
  switch (rule) {
    case AlertRule::kIndicatorBehindWarning:
    case AlertRule::kIndicatorBehindCritical:
      return "PtmonIndicatorBehind";
    case AlertRule::kTargetFarExceeded:
      return "PtmonTargetFarExceeded";
    case AlertRule::kReportOverdue:
      return "PtmonReportOverdue";
    case AlertRule::kBudgetLaggingWarning:
    case AlertRule::kBudgetLaggingCritical:
      return "PtmonBudgetExecutionLagging";
    case AlertRule::kReportDueSoon:
      return "PtmonReportDueSoon";
    case AlertRule::kIngestStale:
      return "PtmonIngestStale";
  }
  return "";
}

std::string_view SeverityOf(AlertRule rule) {
  switch (rule) {
    case AlertRule::kIndicatorBehindCritical:
    case AlertRule::kBudgetLaggingCritical:
      return "critical";
    case AlertRule::kTargetFarExceeded:
    case AlertRule::kReportDueSoon:
      return "info";
    default:
      return "warning";
  }
}

std::map<std::string, std::string> AlertLabels(AlertRule rule, const AlertSubject& subject) {
  std::map<std::string, std::string> labels = {{"alertname", std::string(AlertNameOf(rule))},
                                               {"severity", std::string(SeverityOf(rule))}};
  auto add = [&](const char* name, std::string_view value) {
    if (!value.empty()) labels.emplace(name, value);
  };
  add("budget_unit", subject.budget_unit);
  add("project", subject.project);
  add("indicator", subject.indicator);
  add("owner", subject.owner);
  return labels;
}

std::string FingerprintOf(const std::map<std::string, std::string>& labels) {
  std::string fingerprint;
  for (const auto& [name, value] : labels) fingerprint += name + "=" + value + "\x1f";
  return fingerprint;
}

AlertText::AlertText(std::string_view generator_url,
                     std::vector<std::pair<std::string_view, std::string>> annotations) {
  std::sort(annotations.begin(), annotations.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  text_.assign(generator_url).push_back('\n');
  JsonWriter json(text_);
  json.BeginObject();
  for (const auto& [name, value] : annotations) json.Key(name).String(value);
  json.EndObject();
}

AlertText AlertText::FromStored(std::string_view generator_url, std::string_view annotations_json) {
  AlertText text;
  text.text_.assign(generator_url).append("\n").append(annotations_json);
  return text;
}

// JSON written by JsonWriter holds no raw newline: the last one ends the URL.
std::string_view AlertText::generator_url() const {
  return std::string_view(text_).substr(0, text_.rfind('\n'));
}

std::string_view AlertText::annotations_json() const {
  return std::string_view(text_).substr(text_.rfind('\n') + 1);
}

std::map<std::string, std::string> AlertText::Annotations() const {
  const Json parsed = Json::parse(annotations_json(), nullptr, false);
  if (!parsed.is_object()) return {};
  std::map<std::string, std::string> annotations;
  for (const auto& [name, value] : parsed.items()) {
    if (value.is_string()) annotations.emplace(name, value.get<std::string>());
  }
  return annotations;
}

std::string AlertText::Annotation(std::string_view name) const {
  const auto annotations = Annotations();
  const auto found = annotations.find(std::string(name));
  return found == annotations.end() ? std::string() : found->second;
}

uint32_t AlertNames::Intern(std::string_view text) {
  if (text.empty()) return 0;
  if (auto found = ids_.find(text); found != ids_.end()) return found->second;
  const std::string& held = texts_.emplace_back(text);
  const auto id = static_cast<uint32_t>(texts_.size());
  ids_.emplace(held, id);
  return id;
}

std::optional<uint32_t> AlertNames::Find(std::string_view text) const {
  if (text.empty()) return 0;
  if (auto found = ids_.find(text); found != ids_.end()) return found->second;
  return std::nullopt;
}

void EvaluateAlertRules(const Catalog& catalog, const Evaluation& evaluation, TimePoint last_ingest,
                        TimePoint now, const AlertSettings& settings, const AlertBook& book,
                        const AlertSink& sink) {
  RuleOutput out(book, sink);
  for (const auto& project : evaluation.projects) {
    IndicatorRules(project, evaluation, settings, out);
    OverdueRule(project, evaluation, settings, out);
    BudgetRules(project, evaluation, settings, out);
  }
  const auto idle = std::chrono::duration_cast<std::chrono::hours>(now - last_ingest);
  const bool stale = now - last_ingest > settings.ingest_stale_after;
  std::string units;
  for (const auto& unit : catalog.units) units += (units.empty() ? "" : "、") + unit.name;
  out.Add(AlertRule::kIngestStale, {}, stale, !stale,
          AlertText(settings.external_url + "/metrics",
                    {{"summary",
                      units + " 已 " + std::to_string(idle.count() / 24) + " 天未收到新的月报数据"},
                     {"description", "最近一次成功导入：" + FormatLocalTime(last_ingest) +
                                         "。请检查收件目录和各项目的报送情况。"}}));
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

AlertKey AlertBook::Intern(AlertRule rule, const AlertSubject& subject) {
  return {rule, names_.Intern(subject.budget_unit), names_.Intern(subject.project),
          names_.Intern(subject.indicator), names_.Intern(subject.owner)};
}

std::optional<AlertKey> AlertBook::Find(AlertRule rule, const AlertSubject& subject) const {
  const auto project = names_.Find(subject.project);
  if (!project) return std::nullopt;  // no alert names it: the common case, settled first
  const auto unit = names_.Find(subject.budget_unit);
  const auto indicator = names_.Find(subject.indicator);
  const auto owner = names_.Find(subject.owner);
  if (!unit || !indicator || !owner) return std::nullopt;
  const AlertKey key{rule, *unit, *project, *indicator, *owner};
  if (!alerts_.contains(key)) return std::nullopt;
  return key;
}

std::map<std::string, std::string> AlertBook::Labels(const AlertKey& key) const {
  return AlertLabels(key.rule, {names_.Text(key.budget_unit), names_.Text(key.project),
                                names_.Text(key.indicator), names_.Text(key.owner)});
}

AlertRecordKey AlertBook::RecordKey(const AlertKey& key) const {
  return {static_cast<int>(key.rule), std::string(names_.Text(key.budget_unit)),
          std::string(names_.Text(key.project)), std::string(names_.Text(key.indicator)),
          std::string(names_.Text(key.owner))};
}

AlertRecord AlertBook::Record(const AlertKey& key, const Alert& alert) const {
  AlertRecord record;
  record.key = RecordKey(key);
  record.phase = static_cast<int>(alert.phase);
  record.active_since = UnixTime(alert.active_since);
  if (alert.phase != AlertPhase::kPending) record.fired_at = UnixTime(alert.fired_at);
  if (alert.phase == AlertPhase::kResolved) record.resolved_at = UnixTime(alert.resolved_at);
  record.generator_url = alert.text.generator_url();
  record.annotations_json = alert.text.annotations_json();
  return record;
}

// Labels in the order of their names, as Alertmanager's API and a sorted map give them.
void AlertBook::WriteLabels(JsonWriter& json, const AlertKey& key) const {
  json.BeginObject().Key("alertname").String(AlertNameOf(key.rule));
  auto add = [&](const char* name, uint32_t id) {
    if (id != 0) json.Key(name).String(names_.Text(id));
  };
  add("budget_unit", key.budget_unit);
  add("indicator", key.indicator);
  add("owner", key.owner);
  add("project", key.project);
  json.Key("severity").String(SeverityOf(key.rule)).EndObject();
}

Status AlertBook::Load(Store& store) {
  // Row by row: the stored rows of tens of thousands of alerts are not held beside the book.
  std::map<AlertKey, Alert> loaded;
  Status read = store.alerts().ForEachAlert([&](AlertRecord record) {
    if (record.key.rule < 1 || record.key.rule > static_cast<int>(kLastRule) || record.phase < 0 ||
        record.phase > 2)
      return;
    const AlertKey key = Intern(
        static_cast<AlertRule>(record.key.rule),
        {record.key.budget_unit, record.key.project, record.key.indicator, record.key.owner});
    Alert& alert = loaded[key];
    alert.phase = static_cast<AlertPhase>(record.phase);
    alert.active_since = FromUnixTime(record.active_since);
    alert.fired_at = FromUnixTime(record.fired_at.value_or(0));
    alert.resolved_at = FromUnixTime(record.resolved_at.value_or(0));
    alert.text = AlertText::FromStored(record.generator_url, record.annotations_json);
  });
  if (!read.ok()) return read;
  alerts_ = std::move(loaded);
  return Status::Ok();
}

AlertUpdate::AlertUpdate(AlertBook& book, TimePoint now)
    : book_(book), now_(now), number_(++book.updates_) {}

void AlertUpdate::Apply(AlertCondition condition) {
  auto& alerts = book_.alerts_;
  const AlertSettings& settings = book_.settings_;
  const std::optional<AlertKey> held = book_.Find(condition.rule, condition.subject);
  auto found = held ? alerts.find(*held) : alerts.end();
  if (found != alerts.end()) found->second.spoken_in = number_;
  if (found == alerts.end() || found->second.phase == AlertPhase::kResolved) {
    if (!condition.raise) return;
    const AlertKey key = held ? *held : book_.Intern(condition.rule, condition.subject);
    Alert& alert = alerts[key];
    alert = Alert{};
    alert.text = std::move(condition.text);
    alert.spoken_in = number_;
    alert.active_since = now_;
    alert.phase = AlertPhase::kPending;
    if (settings.for_duration.count() == 0) {
      alert.phase = AlertPhase::kFiring;
      alert.fired_at = now_;
    }
    changed_.push_back(book_.Record(key, alert));
    return;
  }
  Alert& alert = found->second;
  const AlertPhase phase_before = alert.phase;
  // The latest explanation while the problem lasts; a clearing condition describes the
  // recovery ("green", "0 overdue"), and a resolved alert keeps the words it fired with.
  const bool explained_anew = !condition.clear && alert.text != condition.text;
  if (explained_anew) alert.text = std::move(condition.text);
  if (alert.phase == AlertPhase::kPending) {
    if (condition.raise && now_ - alert.active_since >= settings.for_duration) {
      alert.phase = AlertPhase::kFiring;
      alert.fired_at = now_;
    } else if (condition.clear) {
      removed_.push_back(book_.RecordKey(found->first));  // never fired: nothing to tell anyone
      alerts.erase(found);
      return;
    }
  } else if (alert.phase == AlertPhase::kFiring && condition.clear) {
    alert.phase = AlertPhase::kResolved;
    alert.resolved_at = now_;
  }
  if (alert.phase != phase_before || explained_anew)
    changed_.push_back(book_.Record(found->first, alert));
}

Result<bool> AlertUpdate::Finish(Store& store) {
  auto& alerts = book_.alerts_;
  for (auto it = alerts.begin(); it != alerts.end();) {
    Alert& alert = it->second;
    const bool orphan = alert.spoken_in != number_;
    const bool forgotten = (alert.phase == AlertPhase::kResolved &&
                            now_ - alert.resolved_at > book_.settings_.resolved_retention) ||
                           (orphan && alert.phase == AlertPhase::kPending);
    if (forgotten) {
      removed_.push_back(book_.RecordKey(it->first));
      it = alerts.erase(it);
      continue;
    }
    if (orphan && alert.phase == AlertPhase::kFiring) {
      alert.phase = AlertPhase::kResolved;
      alert.resolved_at = now_;
      changed_.push_back(book_.Record(it->first, alert));
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
  for (const auto& [key, alert] : alerts_) {
    if (alert.phase != AlertPhase::kPending) return true;
  }
  return false;
}

int AlertBook::Count(AlertPhase phase) const {
  int count = 0;
  for (const auto& [key, alert] : alerts_) count += alert.phase == phase;
  return count;
}

std::string AlertBook::Payload(TimePoint now) const {
  std::string payload;
  JsonWriter json(payload);
  json.BeginArray();
  for (const auto& [key, alert] : alerts_) {
    if (alert.phase == AlertPhase::kPending) continue;
    const TimePoint ends = alert.phase == AlertPhase::kFiring ? now + 4 * settings_.resend_interval
                                                              : alert.resolved_at;
    json.BeginObject().Key("labels");
    WriteLabels(json, key);
    json.Key("annotations").Raw(alert.text.annotations_json());
    json.Key("startsAt").String(Rfc3339(alert.fired_at));
    json.Key("endsAt").String(Rfc3339(ends));
    json.Key("generatorURL").String(alert.text.generator_url()).EndObject();
  }
  json.EndArray();
  return payload;
}

void AlertBook::WriteList(std::string& out, const std::function<void()>& after_alert) const {
  JsonWriter json(out);
  json.BeginObject().Key("alerts").BeginArray();
  for (const auto& [key, alert] : alerts_) {
    json.BeginObject().Key("labels");
    WriteLabels(json, key);
    json.Key("annotations").Raw(alert.text.annotations_json());
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
    json.Key("generatorURL").String(alert.text.generator_url()).EndObject();
    after_alert();
  }
  json.EndArray().EndObject();
}

}  // namespace ptmon
