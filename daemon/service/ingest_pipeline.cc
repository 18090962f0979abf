#include "ingest_pipeline.h"

#include <asio/post.hpp>
#include <spdlog/spdlog.h>

#include <ptmon/base/text.h>
#include <ptmon/storage/store.h>

namespace ptmon {

namespace {

using Steady = std::chrono::steady_clock;

InboxWatcher::Timing InboxTiming(const DaemonConfig& config) {
  return {config.inbox_settle, config.inbox_rescan, config.inbox_retry_max};
}

}  // namespace

IngestPipeline::IngestPipeline(const LoopParts& parts, Publisher& publisher,
                               std::shared_ptr<ServiceMetrics> counters,
                               std::function<bool()> writes_allowed)
    : parts_(parts),
      publisher_(publisher),
      counters_(std::move(counters)),
      writes_allowed_(std::move(writes_allowed)),
      foreign_write_timer_(parts.loop),
      finish_moves_timer_(parts.loop) {}

Status IngestPipeline::Prepare(const std::string& data_dir) {
  layout_ = InboxLayout::ForDataDir(data_dir);
  if (Status created = layout_.Create(parts_.files); !created.ok()) return created;
  auto returned = ReturnClaimedFiles(parts_.files, layout_);
  if (!returned.ok()) return returned.status();
  if (*returned > 0)
    spdlog::info("{} file(s) claimed before a stop went back into the inbox", *returned);
  return Status::Ok();
}

void IngestPipeline::Start() {
  watcher_ = std::make_unique<InboxWatcher>(
      parts_.loop, layout_.inbox, parts_.clock, parts_.files,
      InboxTiming(*parts_.generation.config),
      [this](const std::string& path) { return TakeInboxFile(path); });
  watcher_->OnFailingFilesChanged([this](size_t) { PublishRetryCounts(); });
  watcher_->Start();
  ScheduleForeignWriteCheck();
  FoldSoon();
}

InboxWatcher::Handover IngestPipeline::TakeInboxFile(const std::string& path) {
  if (!writes_allowed_()) return InboxWatcher::Handover::kNotYet;
  // Whoever can write the inbox is trusted as the operator is.
  const auto start = Steady::now();
  const IngestOutcome outcome =
      parts_.generation.ingestor->IngestFile(path, Submitter::Everything("inbox"));
  Absorb(outcome, "inbox", start);
  if (parts_.generation.ingestor->unfinished_moves() > 0) {
    PublishRetryCounts();
    ScheduleFinishMoves();
  }
  switch (outcome.result) {
    case IngestResult::kDeferred:
      return InboxWatcher::Handover::kNotYet;
    case IngestResult::kFailed:
      return InboxWatcher::Handover::kFailed;
    default:
      return InboxWatcher::Handover::kTaken;
  }
}

void IngestPipeline::Reconfigure() {
  if (watcher_) watcher_->SetTiming(InboxTiming(*parts_.generation.config));
}

// The store belongs to the loop, so the body is ingested there and the answer goes back
// through `done` without any thread waiting for it.
void IngestPipeline::IngestOnLoop(std::string_view source, std::string name, RequestBody body,
                                  Submitter who, std::function<void(IngestOutcome)> done) {
  asio::post(parts_.loop, [this, source, name = std::move(name), body = std::move(body),
                           who = std::move(who), done = std::move(done)]() mutable {
    if (stopped_ || !writes_allowed_()) {
      IngestOutcome outcome;
      outcome.errors.push_back("ptmon is stopping; send it again later");
      done(std::move(outcome));
      return;
    }
    const auto start = Steady::now();
    IngestOutcome outcome = parts_.generation.ingestor->IngestBytes(name, body.view(), who);
    // Closed (a spool file gone) before the answer frees the sender's slot for the next body.
    body = RequestBody();
    Absorb(outcome, source, start);
    done(std::move(outcome));
  });
}

// Folds an outcome into the evaluation (when values were applied), logs and counters. The
// counters move after the snapshot is published: a scrape that counts a file applied also
// shows its values. `start`: when the file was taken.
void IngestPipeline::Absorb(const IngestOutcome& outcome, std::string_view source,
                            Steady::time_point start) {
  if (outcome.result == IngestResult::kRejected || outcome.result == IngestResult::kForbidden ||
      outcome.result == IngestResult::kFailed) {
    spdlog::warn("{}", outcome.Summary());
    for (const auto& error : outcome.errors) spdlog::warn("  {}", Quote(error));
  } else {
    spdlog::info("{}", outcome.Summary());
    // Applied or a duplicate, but the file could not be moved out of processing: tried again
    // (ScheduleFinishMoves), and said at error once the waits have grown to their longest.
    if (outcome.result != IngestResult::kDeferred) {
      for (const auto& error : outcome.errors) spdlog::warn("  {}", Quote(error));
    }
  }
  if (outcome.result == IngestResult::kApplied) {
    ++values_changed_;
    publisher_.SetLastIngest(parts_.clock.Now());
    publisher_.Reevaluate(outcome.batch_id);
    FoldSoon();
  }
  counters_->CountIngest(source, IngestResultName(outcome.result), outcome.values,
                         SecondsSince(start), UnixSeconds(parts_.clock.Now()));
  counters_->SetLastErrors(source, outcome.error_count);
}

// `ptmon ingest` beside the daemon writes to the same database; its values are evaluated and
// published within a second, as if the daemon had applied them.
void IngestPipeline::ScheduleForeignWriteCheck() {
  foreign_write_timer_.expires_after(std::chrono::seconds(1));
  foreign_write_timer_.async_wait([this](std::error_code error) {
    if (error) return;
    auto changed = parts_.keeper.store().ChangedElsewhere();
    if (!changed.ok()) {
      spdlog::error("{}", changed.status().message());
    } else if (*changed) {
      ReloadActuals("another process changed the database");
    }
    ScheduleForeignWriteCheck();
  });
}

void IngestPipeline::ReloadActuals(std::string_view why) {
  Store& store = parts_.keeper.store();
  auto actuals = ReadActuals(store, *parts_.generation.catalog);
  if (!actuals.ok()) {
    spdlog::error("{}", actuals.status().message());
    return;
  }
  if (parts_.generation.past_catalog) {
    auto past_actuals = ReadActuals(store, *parts_.generation.past_catalog);
    if (!past_actuals.ok()) {
      spdlog::error("{}", past_actuals.status().message());
      return;
    }
    parts_.generation.past_actuals = std::move(past_actuals).value();
  }
  ++values_changed_;
  spdlog::info("{}; values re-read", why);
  FoldSoon();
  parts_.generation.actuals = std::move(actuals).value();
  if (auto last = store.values().LastAppliedAt(); last.ok() && last->has_value()) {
    publisher_.SetLastIngest(ParseRfc3339(**last).value_or(publisher_.last_ingest()));
    counters_->SetLastIngestSuccess(UnixSeconds(publisher_.last_ingest()));
  }
  publisher_.Evaluate();
}

// Folds newly applied batches into the newest values (Store::Fold), so the next start reads
// one row per value. After the values are published, not before: a large batch's fold takes
// about as long as writing it did, and its values need not wait for that.
void IngestPipeline::FoldSoon() {
  if (fold_posted_) return;
  fold_posted_ = true;
  asio::post(parts_.loop, [this] {
    fold_posted_ = false;
    if (stopped_) return;
    Store& store = parts_.keeper.store();
    // Nothing to fold is the common case at a start: the loop need not wait for the check.
    if (auto unfolded = store.values().UnfoldedRows();
        !unfolded.ok() || *unfolded == 0 || !writes_allowed_())
      return;
    const auto start = Steady::now();
    auto folded = store.values().Fold();
    if (!folded.ok()) {
      spdlog::warn("newest values not folded (the next start reads more): {}",
                   folded.status().message());
    } else if (*folded > 0) {
      spdlog::info("{} value(s) folded into the newest values in {:.3f} s", *folded,
                   SecondsSince(start));
    }
  });
}

// Claimed files whose move failed (a full or failing disk, a folder made read-only) are moved
// once possible: tried after the settle time, then twice as long each time up to retry_max.
void IngestPipeline::ScheduleFinishMoves() {
  if (finish_moves_armed_ || stopped_) return;
  finish_moves_armed_ = true;
  const std::chrono::milliseconds wait =
      InboxTiming(*parts_.generation.config).RetryWait(finish_moves_failures_ + 1);
  finish_moves_timer_.expires_after(wait);
  finish_moves_timer_.async_wait([this, wait](std::error_code error) {
    finish_moves_armed_ = false;
    if (error) return;
    const size_t before = parts_.generation.ingestor->unfinished_moves();
    const std::vector<std::string> problems = parts_.generation.ingestor->FinishMoves();
    const size_t left = parts_.generation.ingestor->unfinished_moves();
    const bool longest = wait == parts_.generation.config->inbox_retry_max;
    for (const auto& problem : problems) {
      spdlog::log(left > 0 && longest ? spdlog::level::err : spdlog::level::warn, "{}",
                  Quote(problem));
    }
    if (left < before) spdlog::info("{} claimed file(s) moved out of processing", before - left);
    finish_moves_failures_ = left == 0 ? 0 : finish_moves_failures_ + 1;
    PublishRetryCounts();
    if (left > 0) ScheduleFinishMoves();
  });
}

void IngestPipeline::PublishRetryCounts() {
  counters_->SetAwaitingRetry(watcher_ ? watcher_->failing_files() : 0,
                              parts_.generation.ingestor->unfinished_moves());
}

void IngestPipeline::Stop() {
  stopped_ = true;
  foreign_write_timer_.cancel();
  finish_moves_timer_.cancel();
  if (watcher_) watcher_->Stop();
}

}  // namespace ptmon
