// The Prometheus exposition (text format 0.0.4) of an evaluation: rendered once per evaluation
// and served as cached bytes, so a scrape costs no evaluation and no database query. The
// service's own counters change between evaluations and are rendered per scrape from atomics
// (a few lines), then sent after the cached part — as a second gzip member when compressed.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <ptmon/indicators/evaluation.h>

namespace ptmon {

// Escapes a label value for the text format: backslash, double quote, newline.
std::string EscapeLabelValue(std::string_view value);
// A sample value as Prometheus reads it: shortest round-trip, NaN, +Inf, -Inf.
std::string FormatSampleValue(double value);

// gzip (one member) of `text`, at the fastest level: scrapes are frequent, bytes are cheap.
std::string Gzip(std::string_view text);

// The exposition of the catalogue and evaluation as immutable chunks: for each family, one
// chunk per block of projects (the first with the family's HELP and TYPE), each with its own
// gzip member. A batch that touched a few projects re-renders and re-compresses only their
// blocks; concatenating the chunks (or the gzip members) gives the whole exposition. Loop
// thread only; parts() may be handed to other threads.
class MetricsExposition {
 public:
  struct Parts {
    std::vector<std::shared_ptr<const std::string>> text;
    std::vector<std::shared_ptr<const std::string>> gzip;
  };

  explicit MetricsExposition(size_t projects_per_block = 64);
  void Render(const Catalog& catalog, const Evaluation& evaluation, double evaluation_seconds,
              double evaluated_at_seconds);
  // `evaluation` must have the same projects as the last Render.
  void Rerender(const Catalog& catalog, const Evaluation& evaluation,
                const std::vector<uint32_t>& projects, double evaluation_seconds,
                double evaluated_at_seconds);
  std::shared_ptr<const Parts> parts() const { return parts_; }

 private:
  void RenderBlock(const Catalog& catalog, const Evaluation& evaluation, size_t block);
  void Publish(const Evaluation& evaluation, double evaluation_seconds,
               double evaluated_at_seconds);

  size_t projects_per_block_;
  std::vector<std::vector<std::shared_ptr<const std::string>>> text_;  // [family][block]
  std::vector<std::vector<std::shared_ptr<const std::string>>> gzip_;
  std::shared_ptr<const Parts> parts_;
};

// The whole exposition as one string (tests and tools).
std::string RenderEvaluationMetrics(const Catalog& catalog, const Evaluation& evaluation,
                                    double evaluation_seconds, double evaluated_at_seconds);

// Counters and gauges about ptmon itself. Thread-safe: updated by the service loop and the
// notifier, rendered by HTTP threads.
class ServiceMetrics {
 public:
  explicit ServiceMetrics(std::vector<std::string> alertmanagers);

  void CountIngest(std::string_view result, size_t values, double now_seconds);
  void SetLastErrors(std::string_view source, int errors);  // inbox | api
  void SetLastIngestSuccess(double seconds) { last_ingest_success_.store(seconds); }
  void SetReload(bool success, double now_seconds);
  void SetAlerts(int pending, int firing, int resolved);
  void CountDelivery(size_t alertmanager, bool success);

  std::string Render(std::string_view version, std::string_view catalog_sha256, int year) const;

 private:
  std::vector<std::string> alertmanagers_;
  std::atomic<long long> files_applied_{0}, files_duplicate_{0}, files_rejected_{0},
      files_failed_{0};
  std::atomic<long long> values_{0};
  std::atomic<int> inbox_errors_{0}, api_errors_{0};
  std::atomic<double> last_ingest_success_{0};
  std::atomic<int> reload_success_{1};
  std::atomic<double> reload_timestamp_{0};
  std::atomic<int> pending_{0}, firing_{0}, resolved_{0};
  std::unique_ptr<std::atomic<long long>[]> deliveries_, failures_;
};

}  // namespace ptmon
