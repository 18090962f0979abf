#include "inbox_watcher.h"

#include <algorithm>
#include <filesystem>

#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace ptmon {

InboxWatcher::InboxWatcher(asio::io_context& io, std::string inbox, const Clock& clock,
                           Timing timing, OnReady on_ready)
    : io_(io),
      inbox_(std::move(inbox)),
      clock_(clock),
      timing_(timing),
      on_ready_(std::move(on_ready)),
      scanner_(std::make_unique<InboxScanner>(inbox_, clock_, timing_.settle)),
      inotify_(io),
      settle_timer_(io),
      rescan_timer_(io) {}

void InboxWatcher::Start() {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || inotify_add_watch(fd, inbox_.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
    spdlog::warn("cannot watch {} for changes; relying on the rescan every {} ms", inbox_,
                 timing_.rescan.count());
    if (fd >= 0) close(fd);
  } else {
    inotify_.assign(fd);
    ReadEvents();
  }
  ScheduleRescan();
  Poll();
}

void InboxWatcher::Poll() {
  if (stopped_) return;
  for (auto& path : scanner_->Ready()) {
    if (std::find(queued_.begin(), queued_.end(), path) == queued_.end())
      queued_.push_back(std::move(path));
  }
  if (!queued_.empty() && !taking_) {
    taking_ = true;
    asio::post(io_, [this] { TakeNext(); });
  }
  if (scanner_->HasWaiting()) ArmSettleTimer();
}

void InboxWatcher::ArmSettleTimer() {
  if (stopped_) return;
  settle_timer_.expires_after(timing_.settle);
  settle_timer_.async_wait([this](std::error_code error) {
    if (!error) Poll();
  });
}

void InboxWatcher::TakeNext() {
  taking_ = false;
  if (stopped_ || queued_.empty()) return;  // stopped: the rest wait for the next start
  const std::string path = std::move(queued_.front());
  queued_.pop_front();
  std::error_code error;
  // Its writer may have taken it back meanwhile.
  if (std::filesystem::exists(path, error) && !on_ready_(path) && !stopped_) {
    scanner_->Defer(std::filesystem::path(path).filename().string());
    ArmSettleTimer();
  }
  if (!queued_.empty() && !stopped_) {
    taking_ = true;
    asio::post(io_, [this] { TakeNext(); });
  }
}

void InboxWatcher::SetTiming(Timing timing) {
  if (timing.settle != timing_.settle) {
    // The scanner measures settling with its own setting; a new one forgets what it saw, which
    // only means files still settling wait one more settle time.
    scanner_ = std::make_unique<InboxScanner>(inbox_, clock_, timing.settle);
  }
  timing_ = timing;
}

void InboxWatcher::Stop() {
  stopped_ = true;
  std::error_code ignored;
  settle_timer_.cancel();
  rescan_timer_.cancel();
  inotify_.close(ignored);
}

void InboxWatcher::ReadEvents() {
  inotify_.async_read_some(asio::buffer(events_), [this](std::error_code error, size_t length) {
    if (error || stopped_) return;
    for (size_t offset = 0; offset + sizeof(inotify_event) <= length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(events_.data() + offset);
      if (event->len > 0) scanner_->MarkComplete(event->name);
      offset += sizeof(inotify_event) + event->len;
    }
    Poll();
    ReadEvents();
  });
}

void InboxWatcher::ScheduleRescan() {
  rescan_timer_.expires_after(timing_.rescan);
  rescan_timer_.async_wait([this](std::error_code error) {
    if (error || stopped_) return;
    Poll();  // network shares send no inotify events
    ScheduleRescan();
  });
}

}  // namespace ptmon
