// Watches the inbox on the service loop: inotify for files closed after writing or renamed in,
// a periodic rescan for shares that send no events, and a settle timer for files still being
// written. Hands each ready file to the callback, one at a time, on the loop. Loop thread only.
#pragma once

#include <array>
#include <chrono>
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
  using OnReady = std::function<void(const std::string& path)>;

  InboxWatcher(asio::io_context& io, std::string inbox, const Clock& clock, Timing timing,
               OnReady on_ready);

  // Starts watching and takes what is already there.
  void Start();
  // Takes every file that is ready now (and re-arms the settle timer for the rest).
  void Poll();
  // Keeps the files seen so far; new timings apply from the next wait.
  void SetTiming(Timing timing);
  // Stops every timer and the watch; a file being handed over finishes first.
  void Stop();

 private:
  void ReadEvents();
  void ScheduleRescan();

  const std::string inbox_;
  const Clock& clock_;
  Timing timing_;
  OnReady on_ready_;
  std::unique_ptr<InboxScanner> scanner_;
  asio::posix::stream_descriptor inotify_;
  std::array<char, 16384> events_{};
  asio::steady_timer settle_timer_, rescan_timer_;
  bool stopped_ = false;
};

}  // namespace ptmon
