// Watches the inbox on the service loop: inotify for files closed after writing or renamed in,
// a periodic rescan for shares that send no events, and a settle timer for files still being
// written. Hands each ready file to the callback on the loop, one file per turn of the loop, so
// that a signal, a reload or a write-API request waits for at most one file, not for a whole
// backlog. A file whose ingest failed on I/O is tried again after a wait that doubles with each
// failure in a row (from the settle time up to retry_max). Loop thread only.
#pragma once

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <asio.hpp>

#include <ptmon/base/clock.h>
#include <ptmon/ingest/ingestor.h>

namespace ptmon {

class InboxWatcher {
 public:
  struct Timing {
    std::chrono::milliseconds settle{2000};
    std::chrono::milliseconds rescan{10000};
    std::chrono::milliseconds retry_max{300000};
    // The wait before the next attempt after `failures` failures in a row (1 or more): settle,
    // then twice as long each time, up to retry_max.
    std::chrono::milliseconds RetryWait(int failures) const;
  };
  enum class Handover {
    kTaken,   // done with, whatever the result
    kNotYet,  // still being written: offered again once it has settled anew
    kFailed,  // an I/O failure: offered again after the back-off
  };
  using OnReady = std::function<Handover(const std::string& path)>;

  InboxWatcher(asio::io_context& io, std::string inbox, const Clock& clock, FileSystem& files,
               Timing timing, OnReady on_ready);

  // Starts watching and takes what is already there.
  void Start();
  // Queues every file that is ready now and takes the first (the rest follow, one per turn);
  // re-arms the settle timer for files still settling.
  void Poll();
  // Keeps the files seen so far; new timings apply from the next wait.
  void SetTiming(Timing timing);
  // Stops every timer and the watch; a file being handed over finishes first.
  void Stop();
  // Files whose last attempt failed on I/O and that wait for another; `on_change` hears each
  // new count.
  size_t failing_files() const { return failures_.size(); }
  void OnFailingFilesChanged(std::function<void(size_t)> on_change) {
    on_failing_changed_ = std::move(on_change);
  }

 private:
  void ReadEvents();
  void ScheduleRescan();
  void TakeNext();
  void ArmSettleTimer();
  // Forgets the failures of files no longer in the inbox.
  void ForgetVanished();
  void SetFailures(const std::string& name, int count);  // 0 forgets

  asio::io_context& io_;
  const std::string inbox_;
  const Clock& clock_;
  FileSystem& files_;
  Timing timing_;
  OnReady on_ready_;
  std::unique_ptr<InboxScanner> scanner_;
  asio::posix::stream_descriptor inotify_;
  std::array<char, 16384> events_{};
  asio::steady_timer settle_timer_, rescan_timer_;
  std::deque<std::string> queued_;  // ready files not yet handed over, in name order
  bool taking_ = false;             // a TakeNext is posted
  bool stopped_ = false;
  std::map<std::string, int> failures_;  // file name → I/O failures in a row
  std::function<void(size_t)> on_failing_changed_;
  std::string list_problem_;  // why the inbox could not be listed, logged once
};

}  // namespace ptmon
