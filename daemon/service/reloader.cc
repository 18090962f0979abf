#include "reloader.h"

#include <optional>

#include <asio/executor_work_guard.hpp>
#include <spdlog/spdlog.h>

#include <ptmon/storage/store.h>

#include "logging.h"
#include "systemd_notify.h"

namespace ptmon {

using Steady = std::chrono::steady_clock;

Reloader::Reloader(const LoopParts& parts, Publisher& publisher, IngestPipeline& ingest,
                   std::shared_ptr<ServiceMetrics> counters,
                   std::function<Result<DaemonConfig>(Diagnostics&)> reload_config,
                   std::function<bool()> may_write, const std::atomic<bool>& stopping)
    : parts_(parts),
      publisher_(publisher),
      ingest_(ingest),
      counters_(std::move(counters)),
      reload_config_(std::move(reload_config)),
      may_write_(std::move(may_write)),
      stopping_(stopping) {}

Status Reloader::LoadFirst(const DaemonConfig& config) {
  loader_ = std::make_unique<GenerationLoader>(parts_.loop, parts_.keeper.path());
  spdlog::info("loading the catalogue and stored values");
  const auto start = Steady::now();
  auto result = std::make_shared<std::optional<Result<Generation>>>();
  loader_->Start([config] { return Result<DaemonConfig>(config); }, parts_.clock.Today(),
                 parts_.clock.Now(),
                 [result](Result<Generation> loaded) { *result = std::move(loaded); });
  {
    const auto busy = asio::make_work_guard(parts_.loop);
    while (!result->has_value() && !stopping_) parts_.loop.run_one();
  }
  // Without other work (no signal handlers in-process), the guard's end stopped the loop.
  if (parts_.loop.stopped()) parts_.loop.restart();
  if (stopping_) return Status::Error("stopped");
  if (!result->value().ok()) return result->value().status();
  Adopt(std::move(**result).value());
  publisher_.SetLoaded(true);
  if (Status restored = publisher_.LoadAlerts(); !restored.ok()) {
    spdlog::warn("alert state could not be read, starting afresh: {}", restored.message());
  }
  auto last = parts_.keeper.store().values().LastAppliedAt();
  const TimePoint last_ingest = last.ok() && last->has_value()
                                    ? ParseRfc3339(**last).value_or(parts_.clock.Now())
                                    : parts_.clock.Now();
  publisher_.SetLastIngest(last_ingest);
  counters_->SetLastIngestSuccess(last.ok() && last->has_value() ? UnixSeconds(last_ingest) : 0);
  publisher_.PublishLoaded(start);  // the first snapshot: every endpoint answers from here on
  return Status::Ok();
}

void Reloader::Adopt(Generation loaded) {
  AttachIngestor(loaded, parts_.keeper.store(), parts_.clock, parts_.files, ingest_.layout());
  if (parts_.generation.ingestor) {
    loaded.ingestor->AdoptUnfinishedMoves(parts_.generation.ingestor->TakeUnfinishedMoves());
  }
  parts_.generation = std::move(loaded);
  publisher_.Configure();
  ingest_.Reconfigure();
}

void Reloader::ReloadIfQueued() {
  if (!reload_queued_) return;
  reload_queued_ = false;
  Reload();
}

void Reloader::Reload() {
  if (stopping_) return;
  if (!parts_.generation.catalog || loader_->busy()) {
    reload_queued_ = true;
    return;
  }
  if (!may_write_()) return;
  NotifySystemd("RELOADING=1\nSTATUS=reloading");
  spdlog::info("reloading the configuration and catalogue");
  counters_->SetReloadInProgress(true);
  const long long values_at_start = ingest_.values_changed();
  auto read = [reload_config = reload_config_,
               current = *parts_.generation.config]() -> Result<DaemonConfig> {
    Diagnostics diagnostics;
    auto config = reload_config ? reload_config(diagnostics) : Result<DaemonConfig>(current);
    LogDiagnostics(diagnostics);
    if (!config.ok()) return config.status();
    if (config->data_dir != current.data_dir) {
      return Status::Error("data_dir cannot change on reload (" + current.data_dir + " → " +
                           config->data_dir + "); restart ptmon for that");
    }
    if (config->listen != current.listen) {
      return Status::Error("listen cannot change on reload (" + current.listen + " → " +
                           config->listen + "); restart ptmon for that");
    }
    return config;
  };
  loader_->Start(read, parts_.clock.Today(), parts_.clock.Now(),
                 [this, values_at_start, start = Steady::now()](Result<Generation> loaded) {
                   FinishReload(std::move(loaded), values_at_start, start);
                 });
}

// `values_at_start`: ingest_.values_changed() when the load began.
void Reloader::FinishReload(Result<Generation> loaded, long long values_at_start,
                            Steady::time_point start) {
  counters_->SetReloadInProgress(false);
  if (stopping_) return;
  if (!loaded.ok()) {
    spdlog::error("{}", loaded.status().message());
    spdlog::error("reload failed; still serving the previous configuration and catalogue");
    publisher_.SetLoaded(false);
    publisher_.Republish();  // the same catalogue, now saying the reload failed
    NotifySystemd("READY=1\nSTATUS=reload failed; serving the previous configuration");
  } else {
    Adopt(std::move(loaded).value());
    publisher_.SetLoaded(true);
    // Files applied while the loader read were not in what it read. Either way the new
    // catalogue's series are published with reload_success 1, together.
    if (ingest_.values_changed() != values_at_start)
      ingest_.ReloadActuals("files were applied during the reload");
    else
      publisher_.PublishLoaded(start);
    spdlog::info("reloaded: {} projects, {} indicators", parts_.generation.catalog->projects.size(),
                 parts_.generation.catalog->IndicatorCount());
    NotifySystemd("READY=1\nSTATUS=serving " +
                  std::to_string(parts_.generation.catalog->IndicatorCount()) + " indicators");
  }
  ReloadIfQueued();
}

void Reloader::Cancel() {
  if (loader_) loader_->Cancel();
}

void Reloader::Join() { loader_.reset(); }

}  // namespace ptmon
