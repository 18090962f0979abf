// What the console's routes need of the service that runs them, declared here so the console
// depends on no program: the daemon implements it over its published snapshots, its ingest loop
// and its reload (daemon/service/routes.h), and a test may implement it over fixed data.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <ptmon/config/daemon_config.h>
#include <ptmon/http/gzip.h>
#include <ptmon/http/request_body.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/indicators/evaluation.h>
#include <ptmon/ingest/ingestor.h>

namespace ptmon {

// What one request reads, fixed when it is taken: the catalogue, its evaluation and the alerts
// as one published state (never a mix of two loads), the configuration they were loaded with,
// and the service's facts of that moment. Immutable; it owns everything it points to, so an
// answer given later (after a write) may keep it.
struct ConsoleSnapshot {
  std::shared_ptr<const DaemonConfig> config;  // data_dir, console.*, max_body_bytes
  std::shared_ptr<const Catalog> catalog;
  std::shared_ptr<const Evaluation> evaluation;  // made from `catalog`
  std::shared_ptr<const GzipMembers> alerts_list;  // the JSON list of /api/v1/alerts, gzipped
  std::string version;
  bool reload_success = true;      // the last load of configuration and catalogue
  double reload_timestamp = 0;     // of the last successful load, Unix seconds; 0 for never
  double last_ingest_success = 0;  // when a file was last applied, Unix seconds; 0 for never
};

// Thread-safe: the console calls it from HTTP threads, concurrently.
class ConsoleService {
 public:
  using Done = std::function<void(IngestOutcome)>;

  virtual ~ConsoleService() = default;

  // The state published last; null until the service has published its first.
  virtual std::shared_ptr<const ConsoleSnapshot> Current() const = 0;
  // Ingests `body` as the file `name` from `who` where the store lives, with the same checks
  // and batches as the inbox and the API (the Ingestor decides what `who` may write), and calls
  // `done` with its outcome once, from any thread. Returns at once.
  virtual void Write(std::string name, RequestBody body, Submitter who, Done done) = 0;
  // Asks for the configuration and the catalogue to be loaded again, as SIGHUP does; its result
  // shows in a later snapshot's reload_success and reload_timestamp. Returns at once.
  virtual void Reload() = 0;
};

}  // namespace ptmon
