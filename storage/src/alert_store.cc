#include <ptmon/storage/store.h>

#include "schema.h"
#include "statement.h"
#include "store_rows.h"

namespace ptmon {

using storage_internal::Statement;

Status AlertStore::ForEachAlert(const std::function<void(AlertRecord)>& each) {
  Statement statement(
      db_,
      "SELECT fingerprint, labels_json, annotations_json, state, active_since,"
      " coalesce(fired_at, ''), coalesce(resolved_at, ''), coalesce(last_sent_at, '')"
      " FROM alert_state ORDER BY fingerprint");
  while (statement.Step()) {
    each({statement.Text(0), statement.Text(1), statement.Text(2), statement.Text(3),
          statement.Text(4), statement.Text(5), statement.Text(6), statement.Text(7)});
  }
  return statement.status();
}

Result<std::vector<AlertRecord>> AlertStore::LoadAlerts() {
  std::vector<AlertRecord> alerts;
  if (Status read = ForEachAlert([&](AlertRecord alert) { alerts.push_back(std::move(alert)); });
      !read.ok())
    return read;
  return alerts;
}

Status AlertStore::SaveAlerts(const std::vector<AlertRecord>& changed,
                              const std::vector<std::string>& removed) {
  if (changed.empty() && removed.empty()) return Status::Ok();
  return InTransaction([&]() -> Status {
    Statement upsert(
        db_,
        "INSERT OR REPLACE INTO alert_state (fingerprint, labels_json, annotations_json,"
        " state, active_since, fired_at, resolved_at, last_sent_at)"
        " VALUES (?, ?, ?, ?, ?, nullif(?, ''), nullif(?, ''), nullif(?, ''))");
    for (const auto& alert : changed) {
      upsert.Reset();
      upsert.Bind(1, alert.fingerprint).Bind(2, alert.labels_json).Bind(3, alert.annotations_json);
      upsert.Bind(4, alert.state).Bind(5, alert.active_since).Bind(6, alert.fired_at);
      upsert.Bind(7, alert.resolved_at).Bind(8, alert.last_sent_at);
      if (Status run = upsert.Run(); !run.ok()) return run.WithContext("saving alert state");
    }
    Statement remove(db_, "DELETE FROM alert_state WHERE fingerprint = ?");
    for (const auto& fingerprint : removed) {
      remove.Reset();
      remove.Bind(1, fingerprint);
      if (Status run = remove.Run(); !run.ok()) return run.WithContext("removing alert state");
    }
    return Status::Ok();
  });
}

}  // namespace ptmon
