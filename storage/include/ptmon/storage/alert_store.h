// The store's alert state: one row per alert the daemon keeps, so a restart neither re-pages nor
// loses when an alert started.
//
// Contract: as Store's (store.h): each write is one transaction, failures come back as a Status
// naming what failed, one thread at a time. Reached as store.alerts().
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <ptmon/base/status.h>
#include <ptmon/storage/store_part.h>

namespace ptmon {

// The identity of a persisted alert: its rule (alerts.h AlertRule) and its subject's label
// values, empty where the alert has no such label.
struct AlertRecordKey {
  int rule = 0;
  std::string budget_unit, project, indicator, owner;
};

// The persisted state of one alert: one row of columns (schema 9), not its labels and
// annotations as JSON text.
struct AlertRecord {
  AlertRecordKey key;
  int phase = 0;               // 0 pending, 1 firing, 2 resolved (alerts.h AlertPhase)
  long long active_since = 0;  // Unix seconds, all times
  std::optional<long long> fired_at;
  std::optional<long long> resolved_at;
  std::string generator_url;
  std::string annotations_json;  // an object of strings, names in order
};

class AlertStore : public storage_internal::StorePart {
 public:
  explicit AlertStore(Store& store) : StorePart(store) {}

  Result<std::vector<AlertRecord>> LoadAlerts();
  // The same rows handed over one at a time, so a reader of tens of thousands of alerts need not
  // hold them all beside what it makes of them.
  Status ForEachAlert(const std::function<void(AlertRecord)>& each);
  // Writes the changed alerts (only those: a row per alert, replaced whole) and removes the
  // forgotten ones, in one transaction.
  Status SaveAlerts(const std::vector<AlertRecord>& changed,
                    const std::vector<AlertRecordKey>& removed);
};

}  // namespace ptmon
