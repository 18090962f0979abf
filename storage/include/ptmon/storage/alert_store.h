// The store's alert state: one row per alert the daemon keeps, so a restart neither re-pages nor
// loses when an alert started.
//
// Contract: as Store's (store.h): each write is one transaction, failures come back as a Status
// naming what failed, one thread at a time. Reached as store.alerts().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <ptmon/base/status.h>
#include <ptmon/storage/store_part.h>

namespace ptmon {

// The persisted state of one alert, so a restart neither re-pages nor loses startsAt.
struct AlertRecord {
  std::string fingerprint;  // identity: the alert's labels, canonically ordered
  std::string labels_json;
  std::string annotations_json;
  std::string state;         // pending, firing, resolved
  std::string active_since;  // RFC 3339, all times
  std::string fired_at;
  std::string resolved_at;
  std::string last_sent_at;
};

class AlertStore : public storage_internal::StorePart {
 public:
  explicit AlertStore(Store& store) : StorePart(store) {}

  Result<std::vector<AlertRecord>> LoadAlerts();
  // The same rows handed over one at a time, so a reader of tens of thousands of alerts need not
  // hold them all beside what it makes of them.
  Status ForEachAlert(const std::function<void(AlertRecord)>& each);
  // Writes the changed alerts and removes the forgotten ones, in one transaction.
  Status SaveAlerts(const std::vector<AlertRecord>& changed,
                    const std::vector<std::string>& removed);
};

}  // namespace ptmon
