#include <ptmon/storage/store.h>

#include "schema.h"
#include "statement.h"
#include "store_rows.h"

namespace ptmon {

using storage_internal::Statement;

Status AlertStore::ForEachAlert(const std::function<void(AlertRecord)>& each) {
  Statement statement(db_,
                      "SELECT rule, budget_unit, project, indicator, owner, phase, active_since,"
                      " fired_at, resolved_at, generator_url, annotations_json FROM alert"
                      " ORDER BY rule, budget_unit, project, indicator, owner");
  while (statement.Step()) {
    AlertRecord record;
    record.key = {static_cast<int>(statement.Int(0)), statement.Text(1), statement.Text(2),
                  statement.Text(3), statement.Text(4)};
    record.phase = static_cast<int>(statement.Int(5));
    record.active_since = statement.Int(6);
    if (!statement.IsNull(7)) record.fired_at = statement.Int(7);
    if (!statement.IsNull(8)) record.resolved_at = statement.Int(8);
    record.generator_url = statement.Text(9);
    record.annotations_json = statement.Text(10);
    each(std::move(record));
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

namespace {

void BindKey(Statement& statement, const AlertRecordKey& key) {
  statement.Bind(1, static_cast<long long>(key.rule)).BindView(2, key.budget_unit);
  statement.BindView(3, key.project).BindView(4, key.indicator).BindView(5, key.owner);
}

}  // namespace

Status AlertStore::SaveAlerts(const std::vector<AlertRecord>& changed,
                              const std::vector<AlertRecordKey>& removed) {
  if (changed.empty() && removed.empty()) return Status::Ok();
  return InTransaction([&]() -> Status {
    Statement upsert(db_,
                     "INSERT OR REPLACE INTO alert (rule, budget_unit, project, indicator, owner,"
                     " phase, active_since, fired_at, resolved_at, generator_url,"
                     " annotations_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& alert : changed) {
      upsert.Reset();
      BindKey(upsert, alert.key);
      upsert.Bind(6, static_cast<long long>(alert.phase)).Bind(7, alert.active_since);
      if (alert.fired_at)
        upsert.Bind(8, *alert.fired_at);
      else
        upsert.BindNull(8);
      if (alert.resolved_at)
        upsert.Bind(9, *alert.resolved_at);
      else
        upsert.BindNull(9);
      upsert.BindView(10, alert.generator_url).BindView(11, alert.annotations_json);
      if (Status run = upsert.Run(); !run.ok()) return run.WithContext("saving alert state");
    }
    Statement remove(db_,
                     "DELETE FROM alert WHERE rule = ? AND budget_unit = ? AND project = ? AND"
                     " indicator = ? AND owner = ?");
    for (const auto& key : removed) {
      remove.Reset();
      BindKey(remove, key);
      if (Status run = remove.Run(); !run.ok()) return run.WithContext("removing alert state");
    }
    return Status::Ok();
  });
}

}  // namespace ptmon
