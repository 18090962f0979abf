// Delivers alert payloads to every configured Alertmanager (POST /api/v2/alerts), off the
// service loop, as Prometheus does: each Alertmanager separately (HA pairs dedupe), retrying
// with exponential backoff, always with the latest payload. An Alertmanager that is down never
// blocks ingest or scraping. Thread-safe: Submit from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ptmon {

class Notifier {
 public:
  // `on_delivery(index, success)` is called on the notifier's thread after each attempt.
  Notifier(std::vector<std::string> alertmanagers, std::chrono::milliseconds max_backoff,
           std::function<void(size_t, bool)> on_delivery);
  ~Notifier();  // stops the thread; pending payloads are dropped
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  bool HasTargets() const { return !targets_.empty(); }
  // Replaces whatever was waiting: every Alertmanager receives this payload next.
  void Submit(std::string payload);
  // Waits until every Alertmanager has the latest payload or `timeout` passes; for shutdown.
  bool Flush(std::chrono::milliseconds timeout);

 private:
  struct Target {
    std::string url;  // …/api/v2/alerts
    bool pending = false;
    std::chrono::milliseconds backoff{0};
    std::chrono::steady_clock::time_point next_attempt;
  };
  void Run();
  static bool Post(const std::string& url, const std::string& payload);

  std::vector<Target> targets_;
  std::chrono::milliseconds max_backoff_;
  std::function<void(size_t, bool)> on_delivery_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string payload_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ptmon
