// The Prometheus exposition (text format 0.0.4) of an evaluation: rendered once per evaluation
// and kept as gzip members, so a scrape costs no evaluation and no database query, and a
// province's 88 MB of text is held in 7 MB. A scraper that takes gzip (Prometheus does) gets
// the members as they are; another gets them inflated one at a time as they are sent. The
// service's own figures change between evaluations and are rendered per scrape (a few lines
// from atomics, and prometheus-cpp's registry of its request, ingest and evaluation histograms),
// then sent after the cached part as two more members.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <ptmon/http/gzip.h>
#include <ptmon/indicators/evaluation.h>

namespace prometheus {
class Counter;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

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

// What ptmon's own work looks like, for the process's lifetime whatever is reloaded: the few
// figures rendered by RenderServiceMetrics (atomics), and its operational instruments (request,
// ingest and evaluation durations as histograms, files, values and alert deliveries as counters)
// in one prometheus-cpp Registry, serialized per scrape by RenderOperational.
// Thread-safe: HTTP threads observe requests and render; the loop counts ingests and
// evaluations; the notifier thread counts deliveries.
class ServiceMetrics {
 public:
  ServiceMetrics();
  ~ServiceMetrics();
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  // A request answered: `route` one of a fixed set of names (never a client's raw path, so the
  // series stay few), `status` its code, `seconds` from its head admitted to its answer handed
  // to the server.
  void ObserveRequest(std::string_view route, int status, double seconds);
  // A file taken from `source` (inbox, api, console) with its result (applied, duplicate,
  // rejected, failed, deferred, …), `seconds` from taking it to its values served.
  void CountIngest(std::string_view source, std::string_view result, size_t values, double seconds,
                   double now_seconds);
  // An evaluation of `kind` (full, batch) from its start to its snapshot published.
  void ObserveEvaluation(std::string_view kind, double seconds);
  // The console's files count with the API's (the series has the labels inbox and api).
  void SetLastErrors(std::string_view source, int errors);  // inbox | api | console
  void SetLastIngestSuccess(double seconds) { last_ingest_success_.store(seconds); }
  // When a file was last applied (Unix seconds), 0 when none ever was.
  double last_ingest_success() const { return last_ingest_success_.load(); }
  // Files waiting to be tried again after an I/O failure: in the inbox, and claimed ones whose
  // move out of processing failed.
  void SetAwaitingRetry(size_t inbox, size_t moves) {
    retry_inbox_.store(inbox);
    retry_moves_.store(moves);
  }
  // Whether a reload is loading (the loop sets it while GenerationLoader works).
  void SetReloadInProgress(bool loading) { reload_in_progress_.store(loading); }
  // The registry's families as text 0.0.4 (prometheus-cpp's TextSerializer): none of their names
  // is one that RenderServiceMetrics or the cached exposition writes.
  std::string RenderOperational() const;

 private:
  friend class DeliveryCounters;
  friend std::string RenderServiceMetrics(const DaemonFacts&, const ServiceMetrics&);
  std::unique_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Histogram>* requests_;
  prometheus::Family<prometheus::Histogram>* ingests_;
  prometheus::Family<prometheus::Histogram>* evaluations_;
  prometheus::Family<prometheus::Counter>* files_;
  prometheus::Counter* values_;
  prometheus::Family<prometheus::Counter>* deliveries_;
  prometheus::Family<prometheus::Counter>* delivery_failures_;
  std::atomic<int> inbox_errors_{0}, api_errors_{0};
  std::atomic<double> last_ingest_success_{0};
  std::atomic<size_t> retry_inbox_{0}, retry_moves_{0};
  std::atomic<bool> reload_in_progress_{false};
};

// Deliveries to each Alertmanager of one configured list, as series of `metrics`' registry (kept
// alive by this object). A reload with another list makes a new object: an Alertmanager that
// stays keeps its series (its counters do not reset), one that goes loses them. `previous` must
// no longer be counted into. Thread-safe: counted on the notifier's thread.
class DeliveryCounters {
 public:
  DeliveryCounters(std::shared_ptr<ServiceMetrics> metrics, std::vector<std::string> alertmanagers,
                   const DeliveryCounters* previous = nullptr);
  void Count(size_t alertmanager, bool success);
  const std::vector<std::string>& alertmanagers() const { return alertmanagers_; }

 private:
  const std::shared_ptr<ServiceMetrics> metrics_;
  const std::vector<std::string> alertmanagers_;
  std::vector<prometheus::Counter*> deliveries_, failures_;
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
std::string RenderServiceMetrics(const DaemonFacts& facts, const ServiceMetrics& counters);

}  // namespace ptmon
