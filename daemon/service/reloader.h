// The catalogue generation and its reload: the first load at start, each reload after it, and
// the swap that puts a loaded Generation in the place of the one served.
//
// Threads: the loop runs every method; the loads themselves run on the GenerationLoader's
// thread, on a connection of their own, while the loop goes on serving the previous snapshot
// and applying files.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <asio/io_context.hpp>

#include <ptmon/base/clock.h>
#include <ptmon/base/file_system.h>
#include <ptmon/config/daemon_config.h>
#include <ptmon/exposition/metrics.h>

#include "generation.h"
#include "ingest_pipeline.h"
#include "publisher.h"
#include "store_keeper.h"

namespace ptmon {

class Reloader {
 public:
  // `reload_config` reads the configuration again (null: the same one again); `may_write` says
  // whether a reload may begin (it waits for the integrity check and is false once ptmon
  // stops). What is referred to must outlive the reloader.
  Reloader(const LoopParts& parts, Publisher& publisher, IngestPipeline& ingest,
           std::shared_ptr<ServiceMetrics> counters,
           std::function<Result<DaemonConfig>(Diagnostics&)> reload_config,
           std::function<bool()> may_write, const std::atomic<bool>& stopping);
  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  // Loads `config` off the loop while the loop turns (so a signal is handled as it comes), and
  // swaps the result in. After the keeper opened the store. Fails naming what was wrong, or
  // saying it stopped when ptmon began to stop meanwhile.
  Status LoadFirst(const DaemonConfig& config);
  // Starts a reload, or queues one behind the load in progress; the previous snapshot is
  // served until the new generation is swapped in whole (or the reload fails).
  void Reload();
  // Starts the reload asked for during the start, if any.
  void ReloadIfQueued();
  // Makes a load in progress end within about a second.
  void Cancel();
  // Waits for a cancelled load's thread to end.
  void Join();

 private:
  void FinishReload(Result<Generation> loaded, long long values_at_start,
                    std::chrono::steady_clock::time_point start);
  // Swaps in a loaded generation, with an ingestor of its own that takes over the moves
  // still waiting. The caller publishes next.
  void Adopt(Generation loaded);

  const LoopParts parts_;
  Publisher& publisher_;
  IngestPipeline& ingest_;
  const std::shared_ptr<ServiceMetrics> counters_;
  const std::function<Result<DaemonConfig>(Diagnostics&)> reload_config_;
  const std::function<bool()> may_write_;
  const std::atomic<bool>& stopping_;
  std::unique_ptr<GenerationLoader> loader_;  // once the store is open
  bool reload_queued_ = false;                // a reload asked for while one runs
};

}  // namespace ptmon
