// Alerting rules evaluated in the daemon, a state machine per alert (pending → firing after
// the for-duration → resolved) with hysteresis, persisted so a restart keeps startsAt, and the
// Alertmanager API v2 payload. An alert is held by numbers (its rule and its subject's label
// values, interned) with its text in one string; label strings are made only when an alert is
// sent, listed or stored. Owned by the service loop; not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <ptmon/indicators/evaluation.h>
#include <ptmon/storage/store.h>

namespace ptmon {

class JsonWriter;

using TimePoint = std::chrono::system_clock::time_point;

struct AlertSettings {
  std::chrono::seconds for_duration{0};          // how long a condition holds before firing
  std::chrono::seconds resend_interval{60};      // firing alerts are re-sent at least this often
  std::chrono::seconds resolved_retention{900};  // resolved alerts are re-sent this long
  std::chrono::seconds ingest_stale_after{std::chrono::hours(24 * 35)};
  std::string external_url = "http://127.0.0.1:10150";  // base of generatorURL
};

enum class AlertPhase { kPending, kFiring, kResolved };
std::string_view AlertPhaseName(AlertPhase phase);

// What an alert says, as its alertname and severity labels name it. The numbers are stored
// (alert.rule in the store) and spelled out again in schema 9's migration, which must keep the
// numbers it was written with (storage/src/schema.h): never renumber, only add.
enum class AlertRule : uint8_t {
  kIndicatorBehindWarning = 1,
  kIndicatorBehindCritical = 2,
  kTargetFarExceeded = 3,
  kReportOverdue = 4,
  kBudgetLaggingWarning = 5,
  kBudgetLaggingCritical = 6,
  kReportDueSoon = 7,
  kIngestStale = 8,
};
std::string_view AlertNameOf(AlertRule rule);
std::string_view SeverityOf(AlertRule rule);

// The label values naming what an alert is about; empty where the alert has no such label.
// Views: they must outlive the condition's application (the catalogue and owners do).
struct AlertSubject {
  std::string_view budget_unit, project, indicator, owner;
};

// Every label of an alert, as Alertmanager sees them (alertname and severity included).
std::map<std::string, std::string> AlertLabels(AlertRule rule, const AlertSubject& subject);

// The identity of an alert with these labels (sorted by name), as Alertmanager's grouping of
// identical label sets sees it.
std::string FingerprintOf(const std::map<std::string, std::string>& labels);

// An alert's generator URL and annotations, held as one string (the URL, a newline, the
// annotations as a JSON object with names in order), so a book of tens of thousands of alerts
// holds one allocation of text per alert and writes its annotations into a payload as they are.
class AlertText {
 public:
  AlertText() = default;
  // Annotations in any order; each name once.
  AlertText(std::string_view generator_url,
            std::vector<std::pair<std::string_view, std::string>> annotations);
  // As stored: `annotations_json` as annotations_json() gave it.
  static AlertText FromStored(std::string_view generator_url, std::string_view annotations_json);

  std::string_view generator_url() const;
  std::string_view annotations_json() const;
  // One annotation's value; empty when there is none.
  std::string Annotation(std::string_view name) const;
  std::map<std::string, std::string> Annotations() const;
  bool operator==(const AlertText& other) const = default;

 private:
  std::string text_ = "\n{}";
};

// What one rule says about one alert identity now: raise it, clear it, or (neither) leave it
// as it is — the gap between the two is the hysteresis.
struct AlertCondition {
  AlertRule rule = AlertRule::kIndicatorBehindWarning;
  AlertSubject subject;
  AlertText text;
  bool raise = false;
  bool clear = false;
  std::map<std::string, std::string> Labels() const { return AlertLabels(rule, subject); }
};

class AlertBook;

// Where the rules hand each condition as they make it.
using AlertSink = std::function<void(AlertCondition)>;

// The rules: indicator behind (yellow → warning, red → critical, both clear only at green or
// blue), reports overdue (one alert per project), budget execution lagging, far ahead of
// target (info), ingest stale.
// Only conditions that raise an alert or speak of one `book` holds are made, so a large
// catalogue with few alerts costs little; a condition's text is written only then, and its
// labels never (the book keys alerts by numbers).
// The conditions go to `sink` one at a time, in a stable order; the sink may change `book` (an
// AlertUpdate of it), so a province's tens of thousands of conditions are never all held.
// Their subjects view `catalog`.
void EvaluateAlertRules(const Catalog& catalog, const Evaluation& evaluation, TimePoint last_ingest,
                        TimePoint now, const AlertSettings& settings, const AlertBook& book,
                        const AlertSink& sink);
// The same conditions as a list.
std::vector<AlertCondition> EvaluateAlertRules(const Catalog& catalog, const Evaluation& evaluation,
                                               TimePoint last_ingest, TimePoint now,
                                               const AlertSettings& settings,
                                               const AlertBook& book);

// An alert's identity in a book: its rule and its subject's label values, each a number the
// book's AlertNames gives it (0: no such label). Never stored: numbers are per book.
struct AlertKey {
  AlertRule rule = AlertRule::kIndicatorBehindWarning;
  uint32_t budget_unit = 0, project = 0, indicator = 0, owner = 0;
  auto operator<=>(const AlertKey&) const = default;
};

// The label values a book's alerts name, each held once and numbered from 1 in order of first
// use (0 is the empty value). A province names its 10,000 projects and 70 indicator ids here,
// not once per alert.
class AlertNames {
 public:
  AlertNames() = default;
  AlertNames(const AlertNames&) = delete;
  AlertNames& operator=(const AlertNames&) = delete;
  uint32_t Intern(std::string_view text);
  // The number of `text`, if it has one.
  std::optional<uint32_t> Find(std::string_view text) const;
  std::string_view Text(uint32_t id) const { return id == 0 ? std::string_view() : texts_[id - 1]; }

 private:
  std::deque<std::string> texts_;  // a deque: the views keyed below stay put as it grows
  std::unordered_map<std::string_view, uint32_t> ids_;
};

struct Alert {
  AlertPhase phase = AlertPhase::kPending;
  TimePoint active_since;
  TimePoint fired_at;     // startsAt sent to Alertmanager
  TimePoint resolved_at;  // endsAt once resolved
  AlertText text;  // the latest while it lasts; a resolved alert keeps the words it fired with
  uint64_t spoken_in = 0;  // the last AlertUpdate a condition spoke of it in
};

// One update of a book: conditions applied as the rules make them, then Finish resolves the
// identities no condition spoke of (a project left the catalogue), drops resolved alerts past
// retention and persists what changed in one transaction (only the changed rows), returning
// whether anything did. The book must not be read between the first Apply and Finish except by
// the rules feeding it.
class AlertUpdate {
 public:
  AlertUpdate(AlertBook& book, TimePoint now);
  void Apply(AlertCondition condition);
  Result<bool> Finish(Store& store);

 private:
  AlertBook& book_;
  const TimePoint now_;
  const uint64_t number_;
  std::vector<AlertRecord> changed_;
  std::vector<AlertRecordKey> removed_;
};

class AlertBook {
 public:
  explicit AlertBook(AlertSettings settings) : settings_(std::move(settings)) {}

  // Restores the alerts a previous run persisted (rows of rules this build does not know are
  // left out: the rules recreate what still holds).
  Status Load(Store& store);
  // Applies the rules' conditions at `now`, as one AlertUpdate.
  Result<bool> Update(std::vector<AlertCondition> conditions, TimePoint now, Store& store);

  // The Alertmanager API v2 body: firing alerts with endsAt = now + 4 × resend interval,
  // resolved ones (within retention) with endsAt = their resolve time. Empty: "[]".
  std::string Payload(TimePoint now) const;
  // Every alert the book holds, as /api/v1/alerts lists them ({"alerts": [...]}, each with its
  // state, activeSince, startsAt and endsAt, null where it has none), appended to `out`;
  // `after_alert` runs after each (where a GzipWriter may cut).
  void WriteList(std::string& out, const std::function<void()>& after_alert) const;
  bool HasAlertsToSend() const;
  const std::map<AlertKey, Alert>& alerts() const { return alerts_; }
  // The labels of a held alert's key.
  std::map<std::string, std::string> Labels(const AlertKey& key) const;
  // The key of the alert `rule` raises for `subject`, if the book holds it.
  std::optional<AlertKey> Find(AlertRule rule, const AlertSubject& subject) const;
  int Count(AlertPhase phase) const;
  const AlertSettings& settings() const { return settings_; }
  void set_settings(AlertSettings settings) { settings_ = std::move(settings); }

 private:
  friend class AlertUpdate;
  AlertKey Intern(AlertRule rule, const AlertSubject& subject);
  AlertRecordKey RecordKey(const AlertKey& key) const;
  AlertRecord Record(const AlertKey& key, const Alert& alert) const;
  void WriteLabels(JsonWriter& json, const AlertKey& key) const;

  AlertSettings settings_;
  AlertNames names_;
  std::map<AlertKey, Alert> alerts_;
  uint64_t updates_ = 0;
};

}  // namespace ptmon
