#include "service.h"

#include <filesystem>
#include <future>
#include <mutex>

#include <asio.hpp>
#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <ptmon/base/sha256.h>
#include <ptmon/base/text.h>
#include <ptmon/config/catalog_cache.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/ingest/ingestor.h>
#include <ptmon/reports/reports.h>
#include <ptmon/storage/store.h>

#include "alerts.h"
#include "http_server.h"
#include "metrics.h"
#include "notifier.h"
#include "systemd_notify.h"
#include "write_api.h"

namespace ptmon {

namespace {

using Json = nlohmann::ordered_json;
using Clock_ = std::chrono::steady_clock;

double Seconds(Clock_::time_point since) {
  return std::chrono::duration<double>(Clock_::now() - since).count();
}

// What HTTP threads serve: immutable once published.
struct Snapshot {
  std::shared_ptr<const Catalog> catalog;
  std::shared_ptr<const Evaluation> evaluation;
  std::shared_ptr<const MetricsExposition::Parts> metrics;
  std::shared_ptr<const std::string> alerts;
};

class Service {
 public:
  Service(ServeOptions options, const Clock& clock)
      : options_(std::move(options)),
        config_(options_.config),
        clock_(clock),
        signals_(io_),
        evaluation_timer_(io_),
        rescan_timer_(io_),
        settle_timer_(io_),
        resend_timer_(io_),
        inotify_(io_) {}

  int Run() {
    const double started = UnixSeconds(clock_.Now());
    if (!LoadEverything(config_)) return 1;
    metrics_->SetReload(true, started);
    if (Status status = StartHttp(); !status.ok()) {
      spdlog::error("{}", status.message());
      return 1;
    }
    Evaluate();
    ready_ = true;
    StartWatching();
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    signals_.add(SIGHUP);
    WaitForSignal();
    ScheduleEvaluation();
    ScheduleRescan();
    ScheduleResend();
    ProcessInbox();
    spdlog::info("ptmon {} serving {} projects, {} indicators on {} (data in {})", options_.version,
                 catalog_->projects.size(), catalog_->IndicatorCount(), config_.listen,
                 config_.data_dir);
    NotifySystemd("READY=1\nSTATUS=serving " + std::to_string(catalog_->IndicatorCount()) +
                  " indicators");
    io_.run();
    return 0;
  }

 private:
  // --- loading and reloading -------------------------------------------------------------

  struct Loaded {
    std::shared_ptr<const Catalog> catalog;
    std::unique_ptr<ActualsIndex> actuals;
  };

  // Builds the catalogue and the actuals index for `config`; nothing changes on failure.
  std::optional<Loaded> Load(const DaemonConfig& config, Store& store) {
    auto sources = CatalogSources(config.catalogs);
    if (!sources.ok()) {
      spdlog::error("{}", sources.status().message());
      return std::nullopt;
    }
    Loaded loaded;
    Diagnostics diagnostics;
    auto catalog = LoadCatalogCached(store, *sources, FormatRfc3339(clock_.Now()), diagnostics);
    for (const auto& diagnostic : diagnostics.all()) {
      if (diagnostic.severity == Severity::kError)
        spdlog::error("{}", diagnostic.ToString());
      else
        spdlog::warn("{}", diagnostic.ToString());
    }
    if (!catalog.ok()) {
      spdlog::error("{}", catalog.status().message());
      return std::nullopt;
    }
    loaded.catalog = std::make_shared<const Catalog>(std::move(catalog).value());
    loaded.actuals = std::make_unique<ActualsIndex>(*loaded.catalog);
    if (auto values = store.LoadLatestValues(*loaded.actuals); !values.ok()) {
      spdlog::error("{}", values.status().message());
      return std::nullopt;
    }
    store.ReleaseMemory();  // the catalogue and all values were read once; keep the daemon small
    return loaded;
  }

  bool LoadEverything(const DaemonConfig& config) {
    std::error_code error;
    std::filesystem::create_directories(config.data_dir, error);
    auto store = Store::Open((std::filesystem::path(config.data_dir) / "ptmon.db").string());
    if (!store.ok()) {
      spdlog::error("{}", store.status().message());
      return false;
    }
    store_ = std::move(store).value();
    auto loaded = Load(config, *store_);
    if (!loaded) return false;
    layout_ = InboxLayout::ForDataDir(config.data_dir);
    if (Status created = layout_.Create(); !created.ok()) {
      spdlog::error("{}", created.message());
      return false;
    }
    Adopt(config, std::move(*loaded));
    if (Status loaded_alerts = alerts_->Load(*store_); !loaded_alerts.ok()) {
      spdlog::warn("alert state could not be read, starting afresh: {}", loaded_alerts.message());
    }
    auto last = store_->LastAppliedAt();
    last_ingest_ =
        last.ok() && last->has_value() ? ParseRfc3339(**last).value_or(clock_.Now()) : clock_.Now();
    metrics_->SetLastIngestSuccess(last.ok() && last->has_value() ? UnixSeconds(last_ingest_) : 0);
    return true;
  }

  AlertSettings AlertSettingsOf(const DaemonConfig& config) const {
    AlertSettings settings;
    settings.for_duration = config.alert_for;
    settings.resend_interval = config.alert_resend;
    settings.resolved_retention = config.alert_resolved_retention;
    settings.ingest_stale_after = config.ingest_stale_after;
    settings.external_url = config.ExternalUrl();
    return settings;
  }

  // Swaps in a validated configuration and catalogue (loop thread).
  void Adopt(const DaemonConfig& config, Loaded loaded) {
    const bool alertmanagers_changed = !metrics_ || config.alertmanagers != config_.alertmanagers;
    config_ = config;
    catalog_ = std::move(loaded.catalog);
    actuals_ = std::move(loaded.actuals);
    evaluator_ = std::make_unique<Evaluator>(*catalog_, config_.evaluation);
    IngestOptions ingest;
    ingest.max_file_bytes = config_.max_file_bytes;
    ingest.parse.encoding = config_.encoding == "gbk"     ? TextEncoding::kGb18030
                            : config_.encoding == "utf-8" ? TextEncoding::kUtf8
                                                          : TextEncoding::kAuto;
    ingestor_ = std::make_unique<Ingestor>(*store_, *catalog_, clock_, layout_, ingest);
    scanner_ = std::make_unique<InboxScanner>(layout_.inbox, clock_, config_.inbox_settle);
    if (!alerts_)
      alerts_ = std::make_unique<AlertBook>(AlertSettingsOf(config_));
    else
      alerts_->set_settings(AlertSettingsOf(config_));
    if (alertmanagers_changed) {
      notifier_.reset();
      auto metrics = std::make_shared<ServiceMetrics>(config_.alertmanagers);
      if (metrics_) {  // keep what the counters say across a reload
        metrics->SetLastIngestSuccess(UnixSeconds(last_ingest_));
      }
      metrics_ = metrics;
      notifier_ = std::make_unique<Notifier>(
          config_.alertmanagers,
          std::chrono::duration_cast<std::chrono::milliseconds>(config_.alert_resend),
          [metrics](size_t index, bool success) {
            metrics->CountDelivery(index, success);
            if (!success) spdlog::warn("alert delivery to Alertmanager {} failed; retrying", index);
          });
    }
  }

  void Reload() {
    NotifySystemd("RELOADING=1\nSTATUS=reloading");
    spdlog::info("reloading the configuration and catalogue");
    Diagnostics diagnostics;
    auto config = options_.reload_config ? options_.reload_config(diagnostics)
                                         : Result<DaemonConfig>(config_);
    for (const auto& diagnostic : diagnostics.all()) spdlog::error("{}", diagnostic.ToString());
    std::optional<Loaded> loaded;
    if (config.ok() && config->data_dir != config_.data_dir) {
      spdlog::error("data_dir cannot change on reload ({} → {}); restart ptmon for that",
                    config_.data_dir, config->data_dir);
    } else if (config.ok() && config->listen != config_.listen) {
      spdlog::error("listen cannot change on reload ({} → {}); restart ptmon for that",
                    config_.listen, config->listen);
    } else if (config.ok()) {
      loaded = Load(*config, *store_);
    } else {
      spdlog::error("{}", config.status().message());
    }
    if (!loaded) {
      metrics_->SetReload(false, UnixSeconds(clock_.Now()));
      spdlog::error("reload failed; still serving the previous configuration and catalogue");
      NotifySystemd("READY=1\nSTATUS=reload failed; serving the previous configuration");
      return;
    }
    Adopt(*config, std::move(*loaded));
    metrics_->SetReload(true, UnixSeconds(clock_.Now()));
    Evaluate();
    spdlog::info("reloaded: {} projects, {} indicators", catalog_->projects.size(),
                 catalog_->IndicatorCount());
    NotifySystemd("READY=1\nSTATUS=serving " + std::to_string(catalog_->IndicatorCount()) +
                  " indicators");
  }

  // --- evaluation and publishing --------------------------------------------------------

  Period AsOf() const { return DefaultAsOf(clock_.Today(), catalog_->year); }

  void Evaluate() {
    const auto start = Clock_::now();
    evaluation_ = evaluator_->EvaluateAll(*actuals_, AsOf(), clock_.Today());
    evaluation_seconds_ = Seconds(start);
    UpdateAlerts();
    Publish();
  }

  void UpdateAlerts() {
    const auto now = clock_.Now();
    auto conditions = EvaluateAlertRules(*catalog_, evaluation_, last_ingest_, now,
                                         alerts_->settings(), *alerts_);
    auto changed = alerts_->Update(conditions, now, *store_);
    if (!changed.ok()) {
      spdlog::error("alert state not saved: {}", changed.status().message());
      return;
    }
    metrics_->SetAlerts(alerts_->Count(AlertPhase::kPending), alerts_->Count(AlertPhase::kFiring),
                        alerts_->Count(AlertPhase::kResolved));
    if (!*changed && alerts_json_) return;
    alerts_json_ = std::make_shared<const std::string>(AlertsJson());
    if (notifier_->HasTargets() && alerts_->HasAlertsToSend())
      notifier_->Submit(alerts_->Payload(now));
  }

  std::string AlertsJson() const {
    Json list = Json::array();
    for (const auto& [fingerprint, alert] : alerts_->alerts()) {
      list.push_back(
          {{"labels", alert.labels},
           {"annotations", alert.annotations},
           {"state", AlertPhaseName(alert.phase)},
           {"activeSince", FormatRfc3339(alert.active_since)},
           {"startsAt", alert.phase == AlertPhase::kPending ? Json(nullptr)
                                                            : Json(FormatRfc3339(alert.fired_at))},
           {"endsAt", alert.phase == AlertPhase::kResolved ? Json(FormatRfc3339(alert.resolved_at))
                                                           : Json(nullptr)},
           {"generatorURL", alert.generator_url}});
    }
    return Json{{"alerts", list}}.dump(2);
  }

  // Publishes what HTTP threads serve; `touched` (when given) limits the metrics re-rendering
  // to those projects' blocks.
  void Publish(const std::vector<uint32_t>* touched = nullptr) {
    const double at = UnixSeconds(clock_.Now());
    if (touched == nullptr) {
      exposition_.Render(*catalog_, evaluation_, evaluation_seconds_, at);
    } else {
      exposition_.Rerender(*catalog_, evaluation_, *touched, evaluation_seconds_, at);
    }
    auto snapshot = std::make_shared<Snapshot>();
    snapshot->catalog = catalog_;
    snapshot->evaluation = std::make_shared<const Evaluation>(evaluation_);
    snapshot->metrics = exposition_.parts();
    snapshot->alerts = alerts_json_;
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = std::move(snapshot);
  }

  std::shared_ptr<const Snapshot> CurrentSnapshot() const {
    std::lock_guard lock(snapshot_mutex_);
    return snapshot_;
  }

  // --- ingest -----------------------------------------------------------------------------

  // Folds an outcome into metrics, logs and, when values were applied, the evaluation.
  void Absorb(const IngestOutcome& outcome, std::string_view source) {
    const double now = UnixSeconds(clock_.Now());
    metrics_->CountIngest(IngestResultName(outcome.result), outcome.values, now);
    metrics_->SetLastErrors(source, outcome.error_count);
    if (outcome.result == IngestResult::kRejected || outcome.result == IngestResult::kFailed) {
      spdlog::warn("{}", outcome.Summary());
      for (const auto& error : outcome.errors) spdlog::warn("  {}", Quote(error));
    } else {
      spdlog::info("{}", outcome.Summary());
    }
    if (outcome.result != IngestResult::kApplied) return;
    last_ingest_ = clock_.Now();
    auto touched = store_->LoadBatchValues(outcome.batch_id, *actuals_);
    if (!touched.ok()) {
      spdlog::error("{}", touched.status().message());
      Evaluate();
      return;
    }
    if (evaluation_.as_of != AsOf()) {
      Evaluate();
      return;
    }
    evaluator_->Reevaluate(evaluation_, *actuals_, *touched, clock_.Today());
    UpdateAlerts();
    Publish(&*touched);
  }

  void ProcessInbox() {
    if (stopping_) return;
    for (const auto& path : scanner_->Ready()) {
      if (stopping_) break;  // the file in progress finished; the rest wait for the next start
      Absorb(ingestor_->IngestFile(path), "inbox");
    }
    if (scanner_->HasWaiting() && !stopping_) {
      settle_timer_.expires_after(config_.inbox_settle);
      settle_timer_.async_wait([this](std::error_code error) {
        if (!error) ProcessInbox();
      });
    }
  }

  void StartWatching() {
    const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0 || inotify_add_watch(fd, layout_.inbox.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
      spdlog::warn("cannot watch {} for changes; relying on the rescan every {} ms", layout_.inbox,
                   config_.inbox_rescan.count());
      if (fd >= 0) close(fd);
      return;
    }
    inotify_.assign(fd);
    ReadEvents();
  }

  void ReadEvents() {
    inotify_.async_read_some(asio::buffer(events_), [this](std::error_code error, size_t length) {
      if (error) return;
      for (size_t offset = 0; offset + sizeof(inotify_event) <= length;) {
        const auto* event = reinterpret_cast<const inotify_event*>(events_.data() + offset);
        if (event->len > 0) scanner_->MarkComplete(event->name);
        offset += sizeof(inotify_event) + event->len;
      }
      ProcessInbox();
      ReadEvents();
    });
  }

  // --- timers and signals -------------------------------------------------------------------

  void ScheduleEvaluation() {
    evaluation_timer_.expires_after(config_.evaluation_interval);
    evaluation_timer_.async_wait([this](std::error_code error) {
      if (error) return;
      Evaluate();  // month rollover and due days passing change lights without new data
      ScheduleEvaluation();
    });
  }

  void ScheduleRescan() {
    rescan_timer_.expires_after(config_.inbox_rescan);
    rescan_timer_.async_wait([this](std::error_code error) {
      if (error) return;
      ProcessInbox();  // network shares send no inotify events
      ScheduleRescan();
    });
  }

  void ScheduleResend() {
    resend_timer_.expires_after(config_.alert_resend);
    resend_timer_.async_wait([this](std::error_code error) {
      if (error) return;
      if (alerts_->HasAlertsToSend()) notifier_->Submit(alerts_->Payload(clock_.Now()));
      ScheduleResend();
    });
  }

  void WaitForSignal() {
    signals_.async_wait([this](std::error_code error, int signal) {
      if (error) return;
      if (signal == SIGHUP) {
        Reload();
        WaitForSignal();
        return;
      }
      Stop(signal == SIGTERM ? "SIGTERM" : "SIGINT");
    });
  }

  void Stop(const char* why) {
    spdlog::info("{}: stopping", why);
    NotifySystemd("STOPPING=1\nSTATUS=stopping");
    stopping_ = true;
    for (auto* timer : {&evaluation_timer_, &rescan_timer_, &settle_timer_, &resend_timer_})
      timer->cancel();
    std::error_code ignored;
    inotify_.close(ignored);
    signals_.cancel(ignored);
    // Stopping civetweb waits for requests in flight, which may wait for this loop (the write
    // API): stop it elsewhere and keep the loop turning (the guard) until it is down.
    auto guard = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
        io_.get_executor());
    stopper_ = std::thread([this, guard] {
      http_.reset();
      asio::post(io_, [this, guard] {
        if (stopper_.joinable()) stopper_.join();
        guard->reset();
        if (alerts_->HasAlertsToSend()) {
          notifier_->Submit(alerts_->Payload(clock_.Now()));
          notifier_->Flush(std::chrono::seconds(5));
        }
        notifier_.reset();
        store_.reset();
        spdlog::info("stopped");
        io_.stop();
      });
    });
  }

  // --- HTTP ---------------------------------------------------------------------------------

  Status StartHttp() {
    HttpServerOptions options;
    options.listen = config_.listen;
    options.threads = config_.http_threads;
    options.max_body_bytes = config_.max_body_bytes;
    options.request_timeout_ms = static_cast<int>(config_.http_request_timeout.count());
    auto server =
        HttpServer::Start(options, [this](const HttpRequest& request) { return Handle(request); });
    if (!server.ok()) return server.status();
    http_ = std::move(server).value();
    return Status::Ok();
  }

  HttpResponse Handle(const HttpRequest& request) {
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (request.path == "/metrics") return get ? Metrics(request) : NotAllowed("GET");
    if (request.path == "/healthz")
      return get ? HttpResponse::Text(200, "ok\n") : NotAllowed("GET");
    if (request.path == "/readyz") {
      if (!get) return NotAllowed("GET");
      return ready_ ? HttpResponse::Text(200, "ready\n") : HttpResponse::Text(503, "not ready\n");
    }
    if (request.path == "/api/v1/status") return get ? StatusResponse(request) : NotAllowed("GET");
    if (request.path == "/api/v1/alerts") {
      if (!get) return NotAllowed("GET");
      auto snapshot = CurrentSnapshot();
      HttpResponse response = HttpResponse::Json(200, "");
      response.body_parts = {snapshot->alerts};
      return response;
    }
    if (request.path == "/api/v1/actuals")
      return request.method == "POST" ? PostActuals(request) : NotAllowed("POST");
    if (request.path == "/") {
      return HttpResponse::Text(
          200, "ptmon " + options_.version +
                   "\n/metrics /healthz /readyz /api/v1/status /api/v1/alerts /api/v1/actuals\n");
    }
    return HttpResponse::Json(404, "{\"error\":\"no such endpoint\"}");
  }

  static HttpResponse NotAllowed(const std::string& allowed) {
    HttpResponse response = HttpResponse::Json(405, "{\"error\":\"method not allowed\"}");
    response.headers.emplace_back("Allow", allowed);
    return response;
  }

  HttpResponse Metrics(const HttpRequest& request) {
    auto snapshot = CurrentSnapshot();
    const std::string service =
        metrics_->Render(options_.version, snapshot->catalog->sha256, snapshot->catalog->year);
    HttpResponse response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (request.Header("Accept-Encoding").find("gzip") != std::string::npos) {
      // Concatenated gzip members: the cached chunks, then this scrape's few service lines.
      response.headers.emplace_back("Content-Encoding", "gzip");
      response.body_parts = snapshot->metrics->gzip;
      response.body_parts.push_back(std::make_shared<const std::string>(Gzip(service)));
    } else {
      response.body_parts = snapshot->metrics->text;
      response.body_parts.push_back(std::make_shared<const std::string>(service));
    }
    return response;
  }

  HttpResponse StatusResponse(const HttpRequest& request) {
    auto snapshot = CurrentSnapshot();
    const std::string project = request.QueryParameter("project");
    if (!project.empty() && snapshot->catalog->FindProject(project) == nullptr) {
      return HttpResponse::Json(404, Json{{"error", "no project " + project}}.dump());
    }
    return HttpResponse::Json(200, StatusJson(*snapshot->evaluation, project).dump(2));
  }

  HttpResponse PostActuals(const HttpRequest& request) {
    return HandleWriteRequest(request, config_.api_token, clock_.Now(),
                              [this](const std::string& name, const std::string& body) {
                                return IngestOnLoop(name, body);
                              });
  }

  // The loop thread owns the store: hand the body over and wait for its answer.
  IngestOutcome IngestOnLoop(const std::string& name, const std::string& body) {
    auto promise = std::make_shared<std::promise<IngestOutcome>>();
    auto answer = promise->get_future();
    asio::post(io_, [this, promise, name, body] {
      if (stopping_) {
        IngestOutcome outcome;
        outcome.errors.push_back("ptmon is stopping; send it again later");
        promise->set_value(outcome);
        return;
      }
      IngestOutcome outcome = ingestor_->IngestBytes(name, body);
      Absorb(outcome, "api");
      promise->set_value(std::move(outcome));
    });
    if (answer.wait_for(std::chrono::seconds(120)) != std::future_status::ready) {
      IngestOutcome busy;
      busy.errors.push_back("ptmon is busy; send it again later");
      return busy;
    }
    return answer.get();
  }

  ServeOptions options_;
  DaemonConfig config_;
  const Clock& clock_;
  asio::io_context io_;
  asio::signal_set signals_;
  asio::steady_timer evaluation_timer_, rescan_timer_, settle_timer_, resend_timer_;
  asio::posix::stream_descriptor inotify_;
  std::array<char, 16384> events_{};

  std::unique_ptr<Store> store_;
  InboxLayout layout_;
  std::shared_ptr<const Catalog> catalog_;
  std::unique_ptr<ActualsIndex> actuals_;
  std::unique_ptr<Evaluator> evaluator_;
  std::unique_ptr<Ingestor> ingestor_;
  std::unique_ptr<InboxScanner> scanner_;
  std::unique_ptr<AlertBook> alerts_;
  std::shared_ptr<ServiceMetrics> metrics_;
  std::unique_ptr<Notifier> notifier_;
  Evaluation evaluation_;
  double evaluation_seconds_ = 0;
  MetricsExposition exposition_;
  std::shared_ptr<const std::string> alerts_json_;
  TimePoint last_ingest_;
  std::unique_ptr<HttpServer> http_;
  std::thread stopper_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopping_{false};

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace

int Serve(ServeOptions options, const Clock& clock) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Service service(std::move(options), clock);
  const int code = service.Run();
  curl_global_cleanup();
  return code;
}

}  // namespace ptmon
