// Delivers alert payloads to every configured Alertmanager (POST /api/v2/alerts), off the
// service loop, as Prometheus does: each Alertmanager separately (HA pairs dedupe), retrying
// with exponential backoff, always with the latest payload. An Alertmanager that is down never
// blocks ingest or scraping. Thread-safe: Submit from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <ptmon/base/mutex.h>

namespace ptmon {

class Notifier {
 public:
  // `on_delivery(index, success)` is called on the notifier's thread after each attempt.
  Notifier(std::vector<std::string> alertmanagers, std::chrono::milliseconds max_backoff,
           std::function<void(size_t, bool)> on_delivery);
  ~Notifier();  // stops the thread; pending payloads are dropped
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  bool HasTargets() const { return !urls_.empty(); }
  // Replaces whatever was waiting: every Alertmanager receives this payload next.
  void Submit(std::string payload);
  // For shutdown: tries every Alertmanager that lacks the latest payload once more, now,
  // whatever its backoff, and waits for those attempts or `timeout`. True when all have it.
  // An Alertmanager that is down costs one failed attempt, not the timeout.
  bool Flush(std::chrono::milliseconds timeout) EXCLUDES(mutex_);

 private:
  struct Target {
    bool pending = false;
    std::chrono::milliseconds backoff{0};
    std::chrono::steady_clock::time_point next_attempt;
    uint64_t attempted_in_flush = 0;  // the last flush an attempt *started* in
  };
  void Run() EXCLUDES(mutex_);
  static bool Post(const std::string& url, const std::string& payload);
  bool AllDelivered() const REQUIRES(mutex_);
  bool FlushAttemptsDone(uint64_t flush) const REQUIRES(mutex_);

  // Fixed at construction.
  const std::vector<std::string> urls_;  // …/api/v2/alerts, one per Alertmanager
  const std::chrono::milliseconds max_backoff_;
  const std::function<void(size_t, bool)> on_delivery_;

  mutable Mutex mutex_;
  std::condition_variable_any changed_;
  std::vector<Target> targets_ GUARDED_BY(mutex_);  // parallel to urls_
  std::string payload_ GUARDED_BY(mutex_);
  uint64_t flush_ GUARDED_BY(mutex_) = 0;  // counts Flush calls
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace ptmon
