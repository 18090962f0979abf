// Values and batches as the store tests write them: the embedded catalogue's first project, in
// 2026.
#pragma once

#include <string>

#include <ptmon/storage/store.h>

namespace ptmon::store_values {

inline ActualValue Value(const std::string& indicator, int month, double value) {
  ActualValue actual;
  actual.project_id = "building-maintenance";
  actual.indicator_id = indicator;
  actual.period = {2026, month};
  actual.value = value;
  return actual;
}

// An applied batch named after its content hash `sha`.
inline Batch NewBatch(const std::string& sha) {
  Batch batch;
  batch.file_name = "report-" + sha + ".csv";
  batch.sha256 = sha;
  batch.size_bytes = 10;
  batch.received_at = "2026-07-10T00:00:00Z";
  batch.applied_at = "2026-07-10T00:00:01Z";
  return batch;
}

}  // namespace ptmon::store_values
