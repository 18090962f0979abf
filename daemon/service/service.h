// `ptmon serve`: one process on one asio::io_context. The loop thread owns the store, the
// catalogue, the actuals index, the evaluation and the alert book; it watches the inbox
// (inotify plus a periodic rescan), applies files, re-evaluates, renders the metrics once per
// evaluation and publishes an immutable snapshot that civetweb's threads serve. Alert delivery
// runs on the notifier's thread. Signals are events on the loop: SIGHUP reloads (validate
// completely, swap only on success), SIGTERM/SIGINT finish the file in progress and stop.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <ptmon/base/clock.h>
#include <ptmon/base/location.h>
#include <ptmon/config/daemon_config.h>

namespace ptmon {

struct ServeOptions {
  DaemonConfig config;
  // Reads the configuration again for SIGHUP (the file plus the command-line overrides);
  // problems go to the diagnostics.
  std::function<Result<DaemonConfig>(Diagnostics&)> reload_config;
  std::string version;
};

// Runs until SIGTERM or SIGINT; returns the process exit code. `clock` must outlive the call.
int Serve(ServeOptions options, const Clock& clock);

}  // namespace ptmon
