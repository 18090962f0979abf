// The daemon's HTTP endpoints as a table (the web console answers every other path): each path with
// its methods, whether it needs a snapshot, and its handler. Everything a handler reads comes from
// the snapshot it took once at the start of the request. Until the first snapshot is published
// every endpoint but /healthz answers 503; a wrong method, an unknown path or a missing token is
// answered from the head, before any of the body is read.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include <ptmon/console/console_routes.h>
#include <ptmon/http/http_server.h>
#include <ptmon/ingest/ingestor.h>

#include "snapshot.h"

namespace ptmon {

class ServiceRoutes final : public HttpServer::Routes {
 public:
  // Runs an ingest where the store lives (the service loop), as `who` (authenticated by the
  // caller, who decides nothing else: the Ingestor checks the file against `who`'s scope), and
  // calls `done` with its outcome, from any thread, once. The body is the request's own (a
  // spooled file for a large one), so writes waiting for the loop hold files, not memory.
  using WriteSink = std::function<void(std::string name, RequestBody body, Submitter who,
                                       std::function<void(IngestOutcome)> done)>;

  // `write` ingests the API's bodies, `console_write` the console's forms and uploads; `reload`
  // asks the service for a reload (the console's admins may). Every request answered is
  // observed in `metrics`, which must outlive the routes.
  ServiceRoutes(const SnapshotBox& snapshots, ServiceMetrics& metrics, WriteSink write,
                WriteSink console_write, std::function<void()> reload, const Clock& clock,
                SessionLimits sessions, bool secure_cookies)
      : snapshots_(snapshots),
        metrics_(metrics),
        write_(std::move(write)),
        clock_(clock),
        console_service_(snapshots, std::move(console_write), std::move(reload)),
        console_(console_service_, clock, sessions, secure_cookies) {}

  // /readyz answers 503 from now on (the service is draining).
  void SetStopping() { stopping_ = true; }

  std::optional<HttpResponse> Admit(HttpRequest& head) override;
  void Handle(HttpRequest request, HttpServer::Respond respond) override;

  // What GET /metrics serves for `accept_encoding` (exposed for benchmarks and tests).
  static HttpResponse Metrics(const Snapshot& snapshot, std::string_view accept_encoding);

 private:
  std::optional<HttpResponse> Answer(HttpRequest& head);

  const SnapshotBox& snapshots_;
  ServiceMetrics& metrics_;
  const WriteSink write_;
  const Clock& clock_;
  // What the console reads and asks of the service: the published snapshots, the loop's
  // ingest, the reload.
  class Console final : public ConsoleService {
   public:
    Console(const SnapshotBox& snapshots, WriteSink write, std::function<void()> reload)
        : snapshots_(snapshots), write_(std::move(write)), reload_(std::move(reload)) {}
    std::shared_ptr<const ConsoleSnapshot> Current() const override;
    void Write(std::string name, RequestBody body, Submitter who, Done done) override {
      write_(std::move(name), std::move(body), std::move(who), std::move(done));
    }
    void Reload() override { reload_(); }

   private:
    const SnapshotBox& snapshots_;
    const WriteSink write_;
    const std::function<void()> reload_;
  };
  Console console_service_;
  ConsoleRoutes console_;  // every path the API does not answer
  std::atomic<bool> stopping_{false};
};

}  // namespace ptmon
