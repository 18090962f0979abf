// The Prometheus exposition (text format 0.0.4) of an evaluation: rendered once per evaluation
// and kept as gzip members, so a scrape costs no evaluation and no database query, and a
// province's 88 MB of text is held in 7 MB. A scraper that takes gzip (Prometheus does) gets
// the members as they are; another gets them inflated one at a time as they are sent. The
// service's own counters change between evaluations and are rendered per scrape from atomics
// (a few lines), then sent after the cached part as one more member.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <ptmon/indicators/evaluation.h>

#include "gzip.h"

namespace ptmon {

// Escapes a label value for the text format: backslash, double quote, newline.
std::string EscapeLabelValue(std::string_view value);
// A sample value as Prometheus reads it: shortest round-trip, NaN, +Inf, -Inf.
std::string FormatSampleValue(double value);

// The exposition of the catalogue and evaluation as immutable gzip members: for each family,
// one per block of projects (the first with the family's HELP and TYPE). A batch that touched
// a few projects re-renders and re-compresses only their blocks; the members in order are the
// whole exposition. Loop thread only; parts() may be handed to other threads.
class MetricsExposition {
 public:
  struct Parts {
    GzipMembers gzip;
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
  std::vector<GzipMembers> gzip_;  // [family][block]
  std::shared_ptr<const Parts> parts_;
};

// The whole exposition as one string (tests and tools).
std::string RenderEvaluationMetrics(const Catalog& catalog, const Evaluation& evaluation,
                                    double evaluation_seconds, double evaluated_at_seconds);

struct DaemonFacts;
class DeliveryCounters;

// Counters about ptmon's work that live as long as the process, whatever is reloaded.
// Thread-safe: updated by the service loop, read by HTTP threads.
class ServiceMetrics {
 public:
  void CountIngest(std::string_view result, size_t values, double now_seconds);
  void SetLastErrors(std::string_view source, int errors);  // inbox | api
  void SetLastIngestSuccess(double seconds) { last_ingest_success_.store(seconds); }
  // When a file was last applied (Unix seconds), 0 when none ever was.
  double last_ingest_success() const { return last_ingest_success_.load(); }
  // Files waiting to be tried again after an I/O failure: in the inbox, and claimed ones whose
  // move out of processing failed.
  void SetAwaitingRetry(size_t inbox, size_t moves) {
    retry_inbox_.store(inbox);
    retry_moves_.store(moves);
  }

 private:
  friend std::string RenderServiceMetrics(const DaemonFacts&, const ServiceMetrics&,
                                          const DeliveryCounters&);
  std::atomic<long long> files_applied_{0}, files_duplicate_{0}, files_rejected_{0},
      files_failed_{0}, files_deferred_{0};
  std::atomic<long long> values_{0};
  std::atomic<int> inbox_errors_{0}, api_errors_{0};
  std::atomic<double> last_ingest_success_{0};
  std::atomic<size_t> retry_inbox_{0}, retry_moves_{0};
};

// Deliveries to each Alertmanager of one configured list. A reload with another list makes a
// new object, which starts from the counts the previous one had for the URLs it keeps (counters
// do not reset for an Alertmanager that stays). Thread-safe: counted on the notifier's thread.
class DeliveryCounters {
 public:
  explicit DeliveryCounters(std::vector<std::string> alertmanagers,
                            const DeliveryCounters* previous = nullptr);
  void Count(size_t alertmanager, bool success);
  const std::vector<std::string>& alertmanagers() const { return alertmanagers_; }

 private:
  friend std::string RenderServiceMetrics(const DaemonFacts&, const ServiceMetrics&,
                                          const DeliveryCounters&);
  const std::vector<std::string> alertmanagers_;
  std::unique_ptr<std::atomic<long long>[]> deliveries_, failures_;
};

// What a published snapshot says about the daemon itself; fixed with the snapshot, so a scrape
// never pairs one catalogue's series with another load's reload result.
struct DaemonFacts {
  std::string version;
  std::string revision;
  std::string catalog_sha256;
  int year = 0;
  bool reload_success = true;
  double reload_timestamp = 0;  // of the last successful load
  int alerts_pending = 0, alerts_firing = 0, alerts_resolved = 0;
  double store_check_timestamp = 0;  // the start-up integrity check of the database
  double store_check_seconds = 0;
};

// What the kernel says about this process (/proc/self), for the standard process_* series.
struct ProcessFacts {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;
  double open_fds = 0;
  double max_fds = 0;
};
ProcessFacts ReadProcessFacts();

// The few lines about ptmon itself and its process, rendered per scrape.
std::string RenderServiceMetrics(const DaemonFacts& facts, const ServiceMetrics& counters,
                                 const DeliveryCounters& deliveries);

}  // namespace ptmon
