// What HTTP threads read: a snapshot built on the service loop, immutable once published, that
// owns everything it points to — the catalogue the evaluation was made from (its statuses point
// into it), the evaluation with the managers' notes, the rendered metrics, the alerts, and the
// configuration the routes obey (the token among it). A reload publishes a new snapshot with all
// of them changed together, so a reader sees the old one or the new one, never a mix.
#pragma once

#include <memory>
#include <string>

#include <ptmon/base/mutex.h>
#include <ptmon/config/daemon_config.h>
#include <ptmon/exposition/metrics.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/indicators/evaluation.h>

namespace ptmon {

struct Snapshot {
  std::shared_ptr<const DaemonConfig> config;
  std::shared_ptr<const Catalog> catalog;
  std::shared_ptr<const Evaluation> evaluation;  // made from `catalog`
  // Last year, once the next year's catalogue is served: its catalogue as the store last loaded
  // it and its evaluation as of December, made from `past_catalog`; null when none is stored.
  std::shared_ptr<const Catalog> past_catalog;
  std::shared_ptr<const Evaluation> past_evaluation;
  // The whole status documents of `evaluation` and `past_evaluation` (33 MB for a province,
  // 3 MB compressed), as gzip members: written with the evaluation, before the snapshot is
  // published, so no request waits for one; null only where the evaluation is.
  std::shared_ptr<const GzipMembers> status_document;
  std::shared_ptr<const GzipMembers> past_status_document;
  std::shared_ptr<const MetricsExposition::Parts> metrics;
  std::shared_ptr<const GzipMembers> alerts_list;  // /api/v1/alerts, as gzip members
  std::shared_ptr<const ServiceMetrics> counters;  // one object for the life of the process
  DaemonFacts facts;
};

// Where the loop publishes and readers take the current snapshot. Thread-safe.
class SnapshotBox {
 public:
  void Publish(std::shared_ptr<const Snapshot> snapshot) EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    current_ = std::move(snapshot);
  }
  // Null until the first snapshot is published.
  std::shared_ptr<const Snapshot> Current() const EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    return current_;
  }

 private:
  mutable Mutex mutex_;
  std::shared_ptr<const Snapshot> current_ GUARDED_BY(mutex_);
};

}  // namespace ptmon
