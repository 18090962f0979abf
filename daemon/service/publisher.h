// Evaluation and publishing: the evaluation the daemon serves, the metrics exposition rendered
// from it, the alert book and its delivery to Alertmanager, and the snapshot HTTP threads read.
//
// Threads: the loop runs every method. HTTP threads see only the immutable Snapshot each
// Publish hands to the SnapshotBox. The notifier delivers on a thread of its own; the
// exposition renders on a second thread beside the alert rules, within one call.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <ptmon/base/clock.h>

#include "alerts.h"
#include "generation.h"
#include "metrics.h"
#include "notifier.h"
#include "reminders.h"
#include "snapshot.h"
#include "store_keeper.h"

namespace ptmon {

// Seconds on the steady clock since `since`.
inline double SecondsSince(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

class Publisher {
 public:
  // `generation` is the loop's (replaced in place on reload, its values changed as files are
  // applied); `keeper` holds the store alerts persist to and the check's figures. All must
  // outlive the publisher.
  Publisher(asio::io_context& loop, const Clock& clock, Generation& generation, StoreKeeper& keeper,
            SnapshotBox& snapshots, std::shared_ptr<ServiceMetrics> counters, std::string version,
            std::string revision);
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Takes the alert settings and Alertmanagers of the generation's configuration (after each
  // adoption): a changed list of Alertmanagers gets a new notifier and its own counters.
  void Configure();
  // Reads the alert state the store kept from the last run.
  Status LoadAlerts();

  // When values were last applied; alerts on a stale inbox measure from here.
  void SetLastIngest(TimePoint when) { last_ingest_ = when; }
  TimePoint last_ingest() const { return last_ingest_; }
  // Whether the last load or reload succeeded (and, when it did, that it happened now); shown
  // by the next Publish.
  void SetLoaded(bool success);

  // Evaluates every indicator of both years, updates alerts and publishes.
  void Evaluate();
  // Serves the evaluation the generation's load made. `start`: when that load began.
  void PublishLoaded(std::chrono::steady_clock::time_point start);
  // Re-evaluates what a batch applied touched (read from the store into the generation's
  // values) and publishes.
  void Reevaluate(long long batch_id);
  // Publishes the same evaluation again, with the facts (reload, check) as they are now.
  void Republish() { Publish(nullptr); }

  // Re-evaluates every evaluation interval (month rollover, due days passing) and resends
  // firing alerts every resend interval, until Stop.
  void StartTimers();
  void Stop();
  // Sends the alerts still to send and waits (up to five seconds) for their delivery; then
  // ends the notifier. At shutdown.
  void FlushAlerts();

 private:
  Period AsOf() const;
  void RenderAndPublish(std::chrono::steady_clock::time_point start);
  void EvaluatePastYear();
  void UpdateAlerts();
  // `touched` (when given) re-renders only those projects' metrics blocks.
  void Publish(const std::vector<uint32_t>* touched);
  void ScheduleEvaluation();
  void ScheduleResend();

  const Clock& clock_;
  Generation& generation_;
  StoreKeeper& keeper_;
  SnapshotBox& snapshots_;
  const std::shared_ptr<ServiceMetrics> counters_;
  const std::string version_, revision_;
  asio::steady_timer evaluation_timer_, resend_timer_;
  std::unique_ptr<AlertBook> alerts_;
  ProjectOwners owners_;  // as last read from the accounts
  std::shared_ptr<const std::string> alerts_json_;
  std::shared_ptr<DeliveryCounters> deliveries_;  // replaced when the list changes
  std::unique_ptr<Notifier> notifier_;
  std::shared_ptr<const Evaluation> evaluation_;       // the one the last snapshot published
  std::shared_ptr<const Evaluation> past_evaluation_;  // of generation.past_catalog, if any
  double evaluation_seconds_ = 0;
  MetricsExposition exposition_;
  TimePoint last_ingest_;
  bool reload_success_ = true;
  double reload_timestamp_ = 0;
};

}  // namespace ptmon
