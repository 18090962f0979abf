// Alerting rules evaluated in the daemon, a state machine per alert (pending → firing after
// the for-duration → resolved) with hysteresis, persisted so a restart keeps startsAt, and the
// Alertmanager API v2 payload. Owned by the service loop; not thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <ptmon/indicators/evaluation.h>
#include <ptmon/storage/store.h>

namespace ptmon {

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

struct Alert {
  std::map<std::string, std::string> labels;  // identity; includes alertname and severity
  std::map<std::string, std::string> annotations;
  std::string generator_url;
  AlertPhase phase = AlertPhase::kPending;
  TimePoint active_since;
  TimePoint fired_at;     // startsAt sent to Alertmanager
  TimePoint resolved_at;  // endsAt once resolved
  std::string Fingerprint() const;
};

// What one rule says about one alert identity now: raise it, clear it, or (neither) leave it
// as it is — the gap between the two is the hysteresis.
struct AlertCondition {
  Alert alert;  // labels, annotations, generator URL
  bool raise = false;
  bool clear = false;
};

class AlertBook;

// Where the rules hand each condition as they make it.
using AlertSink = std::function<void(AlertCondition)>;

// The rules: indicator behind (yellow → warning, red → critical, both clear only at green or
// blue), reports overdue (one alert per project), budget execution lagging, far ahead of
// target (info), ingest stale.
// Only conditions that raise an alert or speak of one `book` holds are returned, so a large
// catalogue with few alerts costs little.
// The conditions go to `sink` one at a time, in a stable order; the sink may change `book` (an
// AlertUpdate of it), so a province's tens of thousands of conditions are never all held.
void EvaluateAlertRules(const Catalog& catalog, const Evaluation& evaluation, TimePoint last_ingest,
                        TimePoint now, const AlertSettings& settings, const AlertBook& book,
                        const AlertSink& sink);
// The same conditions as a list.
std::vector<AlertCondition> EvaluateAlertRules(const Catalog& catalog, const Evaluation& evaluation,
                                               TimePoint last_ingest, TimePoint now,
                                               const AlertSettings& settings,
                                               const AlertBook& book);

// The identity of an alert with these labels (sorted by name), as Alert::Fingerprint makes it.
std::string FingerprintOf(const std::map<std::string, std::string>& labels);

// One update of a book: conditions applied as the rules make them, then Finish resolves the
// identities no condition spoke of (a project left the catalogue), drops resolved alerts past
// retention and persists what changed in one transaction, returning whether anything did. The
// book must not be read between the first Apply and Finish except by the rules feeding it.
class AlertUpdate {
 public:
  AlertUpdate(AlertBook& book, TimePoint now);
  void Apply(AlertCondition condition);
  Result<bool> Finish(Store& store);

 private:
  AlertBook& book_;
  const TimePoint now_;
  std::vector<AlertRecord> changed_;
  std::vector<std::string> removed_;
  // The book's alerts a condition spoke of, by their keys' addresses (a map's nodes stay put).
  std::unordered_set<const std::string*> spoken_of_;
};

class AlertBook {
 public:
  explicit AlertBook(AlertSettings settings) : settings_(std::move(settings)) {}

  // Restores the alerts a previous run persisted.
  Status Load(Store& store);
  // Applies the rules' conditions at `now` (taking their alerts, not copying them), as one
  // AlertUpdate.
  Result<bool> Update(std::vector<AlertCondition> conditions, TimePoint now, Store& store);

  // The Alertmanager API v2 body: firing alerts with endsAt = now + 4 × resend interval,
  // resolved ones (within retention) with endsAt = their resolve time. Empty: "[]".
  std::string Payload(TimePoint now) const;
  // Every alert the book holds, as /api/v1/alerts lists them ({"alerts": [...]}, each with its
  // state, activeSince, startsAt and endsAt, null where it has none), appended to `out`;
  // `after_alert` runs after each (where a GzipWriter may cut).
  void WriteList(std::string& out, const std::function<void()>& after_alert) const;
  bool HasAlertsToSend() const;
  const std::map<std::string, Alert>& alerts() const { return alerts_; }
  bool Contains(const std::string& fingerprint) const { return alerts_.count(fingerprint) > 0; }
  int Count(AlertPhase phase) const;
  const AlertSettings& settings() const { return settings_; }
  void set_settings(AlertSettings settings) { settings_ = std::move(settings); }

 private:
  friend class AlertUpdate;
  AlertSettings settings_;
  std::map<std::string, Alert> alerts_;  // by fingerprint
};

}  // namespace ptmon
