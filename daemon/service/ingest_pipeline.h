// The ingest pipeline: the inbox watcher, the reports the write API and the console hand in,
// the fold of applied batches, claimed files whose move out of processing waits for the disk,
// and values another process (`ptmon ingest`) wrote to the same database.
//
// Threads: the loop runs every method except IngestOnLoop, which HTTP threads call: it posts
// the work to the loop and answers through `done` from there. Applied values go to the
// Publisher on the loop, so a snapshot never shows a file half applied.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <ptmon/base/clock.h>
#include <ptmon/base/file_system.h>
#include <ptmon/exposition/metrics.h>
#include <ptmon/http/request_body.h>
#include <ptmon/ingest/ingestor.h>

#include "generation.h"
#include "inbox_watcher.h"
#include "publisher.h"
#include "store_keeper.h"

namespace ptmon {

// What the loop's parts that load and ingest share: the loop, the clock, the inbox's file
// system, the generation served and the store's keeper.
struct LoopParts {
  asio::io_context& loop;
  const Clock& clock;
  FileSystem& files;
  Generation& generation;
  StoreKeeper& keeper;
};

class IngestPipeline {
 public:
  // `writes_allowed` says whether a write may go ahead now (it waits for the integrity check,
  // and is false once ptmon stops). What is referred to must outlive the pipeline.
  IngestPipeline(const LoopParts& parts, Publisher& publisher,
                 std::shared_ptr<ServiceMetrics> counters, std::function<bool()> writes_allowed);
  IngestPipeline(const IngestPipeline&) = delete;
  IngestPipeline& operator=(const IngestPipeline&) = delete;

  // Creates the inbox's folders under `data_dir` and puts back files a stop left claimed.
  // Before the first load.
  Status Prepare(const std::string& data_dir);
  const InboxLayout& layout() const { return layout_; }
  // Watches the inbox, notices other processes' writes and folds what is unfolded; after the
  // first snapshot is published.
  void Start();
  // Takes the inbox timing of the generation's configuration (after each adoption).
  void Reconfigure();
  // Applies a report the write API (`source` api) or the console (console) received.
  void IngestOnLoop(std::string_view source, std::string name, RequestBody body, Submitter who,
                    std::function<void(IngestOutcome)> done);
  // Re-reads the values of both years and publishes them evaluated; `why` is logged.
  void ReloadActuals(std::string_view why);
  // How many times values were applied or re-read: a load that began at another count read
  // values older than the store's.
  long long values_changed() const { return values_changed_; }
  // Stops watching and retrying; a report handed in afterwards is refused.
  void Stop();

 private:
  InboxWatcher::Handover TakeInboxFile(const std::string& path);
  void Absorb(const IngestOutcome& outcome, std::string_view source,
              std::chrono::steady_clock::time_point start);
  void ScheduleForeignWriteCheck();
  void FoldSoon();
  void ScheduleFinishMoves();
  void PublishRetryCounts();

  const LoopParts parts_;
  Publisher& publisher_;
  const std::shared_ptr<ServiceMetrics> counters_;
  const std::function<bool()> writes_allowed_;
  InboxLayout layout_;
  std::unique_ptr<InboxWatcher> watcher_;
  asio::steady_timer foreign_write_timer_, finish_moves_timer_;
  bool finish_moves_armed_ = false;
  int finish_moves_failures_ = 0;  // attempts in a row that left moves unfinished
  bool fold_posted_ = false;
  bool stopped_ = false;
  long long values_changed_ = 0;
};

}  // namespace ptmon
