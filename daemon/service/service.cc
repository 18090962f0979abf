#include "service.h"

#include <csignal>
#include <optional>
#include <thread>

#include <asio.hpp>
#include <curl/curl.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <ptmon/base/file_system.h>
#include <ptmon/exposition/metrics.h>
#include <ptmon/http/http_server.h>
#include <ptmon/ingest/ingestor.h>
#include <ptmon/storage/store.h>

#include "ingest_pipeline.h"
#include "publisher.h"
#include "reloader.h"
#include "routes.h"
#include "store_keeper.h"
#include "systemd_notify.h"

namespace ptmon {

namespace {

sigset_t ServiceSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

}  // namespace

void BlockServiceSignals() {
  const sigset_t signals = ServiceSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

void UnblockServiceSignals() {
  const sigset_t signals = ServiceSignals();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
}

struct Service::Impl {
  Impl(ServeOptions options_in, const Clock& clock_in)
      : options(std::move(options_in)),
        clock(clock_in),
        signals(io),
        routes(
            snapshots, *counters,
            [this](std::string name, RequestBody body, Submitter who,
                   std::function<void(IngestOutcome)> done) {
              ingest.IngestOnLoop("api", std::move(name), std::move(body), std::move(who),
                                  std::move(done));
            },
            [this](std::string name, RequestBody body, Submitter who,
                   std::function<void(IngestOutcome)> done) {
              ingest.IngestOnLoop("console", std::move(name), std::move(body), std::move(who),
                                  std::move(done));
            },
            [this] { asio::post(io, [this] { reloader.Reload(); }); }, clock,
            SessionLimits{
                std::chrono::duration_cast<std::chrono::seconds>(options.config.session_idle),
                std::chrono::duration_cast<std::chrono::seconds>(options.config.session_lifetime)},
            !options.config.tls_cert_file.empty()) {}

  // --- the launch sequence --------------------------------------------------------------------

  Status Start() {
    const DaemonConfig& config = options.config;
    if (options.handle_signals) {
      // The handlers exist from here on; a signal that arrived earlier was held pending (main
      // blocked them) and is delivered now, to be handled once the loop runs.
      signals.add(SIGTERM);
      signals.add(SIGINT);
      signals.add(SIGHUP);
      UnblockServiceSignals();
      WaitForSignal();
    }
    if (Status status = StartHttp(config); !status.ok()) return status.WithContext("starting HTTP");
    if (Status status = OpenStore(config); !status.ok()) return status;
    if (Status prepared = ingest.Prepare(config.data_dir); !prepared.ok()) return prepared;
    Status loaded = reloader.LoadFirst(config);
    if (stopping) return Status::Ok();  // Run finishes the stop
    if (!loaded.ok()) {
      if (Status checked = keeper.CheckNow(); !checked.ok()) return checked;
      return loaded.WithContext("loading the catalogue");
    }
    keeper.StartCheck([this] { StoreCheckPassed(); });
    ingest.Start();
    publisher.StartTimers();
    spdlog::info("ptmon {} ({}) serving {} projects, {} indicators on {} (data in {})",
                 options.version, options.revision, generation.catalog->projects.size(),
                 generation.catalog->IndicatorCount(), config.listen, config.data_dir);
    NotifySystemd("READY=1\nSTATUS=serving " +
                  std::to_string(generation.catalog->IndicatorCount()) + " indicators");
    asio::post(io, [this] { reloader.ReloadIfQueued(); });  // a SIGHUP during the start
    return Status::Ok();
  }

  Status StartHttp(const DaemonConfig& config) {
    HttpServerOptions http_options;
    http_options.listen = config.listen;
    http_options.threads = config.http_threads;
    http_options.max_body_bytes = config.max_body_bytes;
    // Created with the data directory (OpenStore); no body is read before the first snapshot.
    http_options.spool_dir = SpoolDirectory(config);
    http_options.max_bodies_per_account = config.max_bodies_per_account;
    http_options.max_bodies_per_address = config.max_bodies_per_address;
    http_options.header_timeout = config.http_request_timeout;
    http_options.tls_cert_file = config.tls_cert_file;
    http_options.tls_key_file = config.tls_key_file;
    auto server = HttpServer::Start(http_options, routes);
    if (!server.ok()) return server.status();
    http = std::move(server).value();
    return Status::Ok();
  }

  Status OpenStore(const DaemonConfig& config) {
    if (Status opened = keeper.Open(config); !opened.ok()) return opened;
    // From here on, what another process commits is noticed (ScheduleForeignWriteCheck).
    if (auto seeded = keeper.store().ChangedElsewhere(); !seeded.ok()) return seeded.status();
    return Status::Ok();
  }

  // Whether writes may go ahead: takes the integrity check's result, waiting for it if it is
  // still running (the loop waits; HTTP reads go on from the snapshot). A failed check stops
  // ptmon, naming what SQLite found and how to recover, as a failure at start would.
  bool StoreCheckPassed() {
    if (const std::optional<Status> checked = keeper.TakeCheck(); checked.has_value()) {
      if (!checked->ok()) {
        spdlog::error("{}", checked->message());
        exit_code = 1;
        Stop("the database check failed");
      } else if (!stopping) {
        publisher.Republish();  // the check's figures on /metrics
      }
    }
    return !stopping;
  }

  // --- signals and the stop --------------------------------------------------------------------

  void WaitForSignal() {
    signals.async_wait([this](std::error_code error, int signal) {
      if (error) return;
      if (signal == SIGHUP) {
        reloader.Reload();
        WaitForSignal();
        return;
      }
      Stop(signal == SIGTERM ? "SIGTERM" : "SIGINT");
    });
  }

  void Stop(const char* why) {
    if (stopping) return;
    spdlog::info("{}: stopping", why);
    NotifySystemd("STOPPING=1\nSTATUS=stopping");
    stopping = true;
    reloader.Cancel();  // a load in progress ends within about a second
    routes.SetStopping();
    publisher.Stop();
    ingest.Stop();
    std::error_code ignored;
    signals.cancel(ignored);
    // Requests in flight may wait for this loop (the write API): shut HTTP down elsewhere and
    // keep the loop turning (the guard) until it is.
    auto guard = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
        io.get_executor());
    stopper = std::thread([this, guard] {
      if (http) http->Shutdown(std::chrono::seconds(5));
      asio::post(io, [this, guard] {
        if (stopper.joinable()) stopper.join();
        guard->reset();
        http.reset();
        publisher.FlushAlerts();
        reloader.Join();  // a cancelled load's thread ends
        keeper.Close();
        spdlog::info("stopped");
        io.stop();
      });
    });
  }

  // Fixed at construction.
  ServeOptions options;
  const Clock& clock;

  // Loop thread only.
  asio::io_context io;
  asio::signal_set signals;
  StoreKeeper keeper{io, clock};  // after io, which its check posts to
  Generation generation;
  int exit_code = 0;
  std::thread stopper;
  std::atomic<bool> stopping{false};  // also read by the write API's posted work

  // Shared with other threads, each thread-safe itself.
  std::shared_ptr<ServiceMetrics> counters = std::make_shared<ServiceMetrics>();
  SnapshotBox snapshots;
  // Loop thread only; after what it refers to.
  Publisher publisher{io,        clock,    generation,      keeper,
                      snapshots, counters, options.version, options.revision};
  const LoopParts parts{io, clock, *options.files, generation, keeper};
  IngestPipeline ingest{parts, publisher, counters, [this] { return StoreCheckPassed(); }};
  Reloader reloader{parts,
                    publisher,
                    ingest,
                    counters,
                    options.reload_config,
                    [this] { return StoreCheckPassed(); },
                    stopping};
  ServiceRoutes routes;
  std::unique_ptr<HttpServer> http;  // last: its threads use the routes and snapshots above
};

Service::Service(ServeOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), clock)) {}

Service::~Service() {
  if (impl_->stopper.joinable()) impl_->stopper.join();
  impl_->http.reset();  // before the routes and snapshots its threads read
}

Status Service::Start() { return impl_->Start(); }

int Service::Run() {
  impl_->io.run();
  return impl_->exit_code;
}

void Service::RequestReload() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->reloader.Reload(); });
}

void Service::RequestStop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->Stop("requested"); });
}

int Service::port() const { return impl_->http ? impl_->http->port() : 0; }

std::shared_ptr<const Snapshot> Service::snapshot() const { return impl_->snapshots.Current(); }

int Serve(ServeOptions options, const Clock& clock) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int code = 0;
  {
    Service service(std::move(options), clock);
    if (Status status = service.Start(); !status.ok()) {
      spdlog::error("{}", status.message());
      code = 1;
    } else {
      code = service.Run();
    }
  }
  curl_global_cleanup();
  return code;
}

}  // namespace ptmon
