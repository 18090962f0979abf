// Watches the inbox on the service loop: inotify for files closed after writing or renamed in,
// a periodic rescan for shares that send no events, and a settle timer for files still being
// written. Hands each ready file to the callback on the loop, one file per turn of the loop, so
// that a signal, a reload or a write-API request waits for at most one file, not for a whole
// backlog. Loop thread only.
#pragma once

#include <array>
#include <chrono>
#include <deque>
#include <functional>
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
  };
  // Returns false when the file was not taken (still being written): it is offered again once
  // it has settled anew.
  using OnReady = std::function<bool(const std::string& path)>;

  InboxWatcher(asio::io_context& io, std::string inbox, const Clock& clock, Timing timing,
               OnReady on_ready);

  // Starts watching and takes what is already there.
  void Start();
  // Queues every file that is ready now and takes the first (the rest follow, one per turn);
  // re-arms the settle timer for files still settling.
  void Poll();
  // Keeps the files seen so far; new timings apply from the next wait.
  void SetTiming(Timing timing);
  // Stops every timer and the watch; a file being handed over finishes first.
  void Stop();

 private:
  void ReadEvents();
  void ScheduleRescan();
  void TakeNext();
  void ArmSettleTimer();

  asio::io_context& io_;
  const std::string inbox_;
  const Clock& clock_;
  Timing timing_;
  OnReady on_ready_;
  std::unique_ptr<InboxScanner> scanner_;
  asio::posix::stream_descriptor inotify_;
  std::array<char, 16384> events_{};
  asio::steady_timer settle_timer_, rescan_timer_;
  std::deque<std::string> queued_;  // ready files not yet handed over, in name order
  bool taking_ = false;             // a TakeNext is posted
  bool stopped_ = false;
};

}  // namespace ptmon
