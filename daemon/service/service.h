// `ptmon serve`: one process, one asio loop that owns all state that changes — the store, the
// loaded configuration and catalogue (a Generation, replaced whole on reload), the actuals
// index, the evaluation and the alert book. The loop applies files from the inbox watcher and
// the write API, re-evaluates, and publishes an immutable Snapshot; HTTP threads read only
// snapshots (snapshot.h), the notifier thread only the payloads handed to it. Signals are events
// on the loop: SIGHUP reloads (loaded and checked off the loop, swapped in whole only on
// success), SIGTERM/SIGINT cancel a load in progress, finish the file in progress and stop.
//
// The parts, each with a header saying what it owns and which thread runs it: StoreKeeper (the
// data directory's lock, the database, its integrity check), Generation + GenerationLoader
// (a configuration load, built on a thread of its own), IngestPipeline (inbox watcher, write
// API, fold, unfinished moves, other processes' writes), Publisher (evaluation, exposition,
// alerts, notifier, snapshot), HttpServer + ServiceRoutes (HTTP threads, reading snapshots).
// Service::Impl keeps the order of launch, the reload's swap, signals and the stop.
#pragma once

#include <functional>
#include <memory>

#include <ptmon/base/clock.h>
#include <ptmon/base/file_system.h>
#include <ptmon/base/location.h>
#include <ptmon/config/daemon_config.h>

#include "snapshot.h"

namespace ptmon {

struct ServeOptions {
  DaemonConfig config;
  // Reads the configuration again for a reload (the file plus the command-line overrides);
  // problems go to the diagnostics. Without it a reload re-reads the same configuration.
  std::function<Result<DaemonConfig>(Diagnostics&)> reload_config;
  std::string version;
  std::string revision;  // the git commit built
  // SIGHUP, SIGTERM and SIGINT drive the service. In-process tests turn this off and call
  // RequestReload and RequestStop instead.
  bool handle_signals = true;
  // Every filesystem call of the inbox and the ingest path; tests inject failures here. Must
  // outlive the service.
  FileSystem* files = &PosixFileSystem();
};

class Service {
 public:
  // `clock` must outlive the service.
  Service(ServeOptions options, const Clock& clock);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The launch sequence: listen (every endpoint but /healthz answers 503 until the first
  // snapshot), open and check the store, load the catalogue and stored values, evaluate and
  // publish, restore alerts, watch the inbox. Fails naming the step and what went wrong.
  Status Start();
  // Runs the loop until stopped; returns the process exit code. Call after Start succeeded.
  int Run();

  // Thread-safe: handled on the loop, in order.
  void RequestReload();
  void RequestStop();

  int port() const;  // the HTTP port (useful with listen port 0)
  // The snapshot HTTP readers see now; null before the first one.
  std::shared_ptr<const Snapshot> snapshot() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Start and Run with the process's signals; returns the exit code. The caller blocked SIGHUP,
// SIGTERM and SIGINT (BlockServiceSignals) before starting any thread.
int Serve(ServeOptions options, const Clock& clock);

// Blocks SIGHUP, SIGTERM and SIGINT in the calling thread (and the threads it starts later), so
// that a signal during start-up waits for the service's handlers instead of killing the
// process; UnblockServiceSignals undoes it for commands that have no loop.
void BlockServiceSignals();
void UnblockServiceSignals();

}  // namespace ptmon
