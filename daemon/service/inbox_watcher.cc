#include "inbox_watcher.h"

#include <algorithm>
#include <filesystem>

#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <ptmon/base/text.h>

namespace ptmon {

InboxWatcher::InboxWatcher(asio::io_context& io, std::string inbox, const Clock& clock,
                           FileSystem& files, Timing timing, OnReady on_ready)
    : io_(io),
      inbox_(std::move(inbox)),
      clock_(clock),
      files_(files),
      timing_(timing),
      on_ready_(std::move(on_ready)),
      scanner_(std::make_unique<InboxScanner>(inbox_, clock_, files_, timing_.settle)),
      inotify_(io),
      settle_timer_(io),
      rescan_timer_(io) {}

std::chrono::milliseconds InboxWatcher::Timing::RetryWait(int failures) const {
  std::chrono::milliseconds wait = settle;
  for (int i = 1; i < failures && wait < retry_max; ++i) wait *= 2;
  return std::min(wait, retry_max);
}

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
  auto ready = scanner_->Ready();
  if (!ready.ok()) {
    // Looked at again every rescan; said once until it changes or heals.
    if (ready.status().message() != list_problem_) {
      list_problem_ = ready.status().message();
      spdlog::error("{}; looking again every {} ms", Quote(list_problem_), timing_.rescan.count());
    }
    return;
  }
  if (!list_problem_.empty()) {
    spdlog::info("the inbox {} can be listed again", inbox_);
    list_problem_.clear();
  }
  for (auto& path : *ready) {
    if (std::find(queued_.begin(), queued_.end(), path) == queued_.end())
      queued_.push_back(std::move(path));
  }
  ForgetVanished();
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
  const std::string name = std::filesystem::path(path).filename().string();
  // Its writer may have taken it back meanwhile.
  const bool vanished = files_.Stat(path).status().code() == StatusCode::kNotFound;
  const Handover handover = vanished ? Handover::kTaken : on_ready_(path);
  if (handover == Handover::kTaken) {
    SetFailures(name, 0);
  } else if (!stopped_) {
    std::chrono::milliseconds wait = timing_.settle;
    if (handover == Handover::kFailed) {
      const int failures = failures_.count(name) ? failures_[name] + 1 : 1;
      SetFailures(name, failures);
      wait = timing_.RetryWait(failures);
      // Worth a person's attention once the waits have grown to their longest.
      spdlog::log(wait == timing_.retry_max ? spdlog::level::err : spdlog::level::warn,
                  "{}: failed {} time(s) in a row; trying again in {} ms", Quote(name), failures,
                  wait.count());
    }
    scanner_->Defer(name, wait);
    ArmSettleTimer();
  }
  if (!queued_.empty() && !stopped_) {
    taking_ = true;
    asio::post(io_, [this] { TakeNext(); });
  }
}

void InboxWatcher::ForgetVanished() {
  std::vector<std::string> vanished;
  for (const auto& [name, count] : failures_) {
    if (files_.Stat(inbox_ + "/" + name).status().code() == StatusCode::kNotFound)
      vanished.push_back(name);
  }
  for (const auto& name : vanished) SetFailures(name, 0);
}

void InboxWatcher::SetFailures(const std::string& name, int count) {
  const size_t before = failures_.size();
  if (count == 0)
    failures_.erase(name);
  else
    failures_[name] = count;
  if (failures_.size() != before && on_failing_changed_) on_failing_changed_(failures_.size());
}

void InboxWatcher::SetTiming(Timing timing) {
  if (timing.settle != timing_.settle) {
    // The scanner measures settling with its own setting; a new one forgets what it saw, which
    // only means files still settling (or waiting to be retried) wait one more settle time.
    scanner_ = std::make_unique<InboxScanner>(inbox_, clock_, files_, timing.settle);
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
