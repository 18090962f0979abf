// A whole budget year played through the real `ptmon serve`, checked after every step against
// an oracle that computes every figure itself from ../shared/reference/monitoring-rules.md —
// never by calling ptmon's evaluator.
//
// The scenario comes from a seed: each month every project's manager reports (on time, late,
// partly or not at all, with and without reasons), through the inbox or the write API, with
// corrections, duplicates, bad files and spending rows; mid-year the catalogue is edited and
// reloaded, a broken reload is tried, the Alertmanager list changes; the daemon restarts every
// month (its date is --now). All along, readers scrape /metrics and read the status and alerts
// APIs, including while it starts. After each step the daemon's /api/v1/status, /metrics,
// `ptmon status --format json` and the alerts a real Alertmanager holds must equal the oracle.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ptmon::testing_support {

struct ReplayOptions {
  uint64_t seed = 1;
  std::string ptmon_binary;
  std::string default_catalog_yaml;  // path of config/default-catalog.yaml (edited mid-year)
  bool with_alertmanager = true;     // start Debian's prometheus-alertmanager as a peer
  int months = 12;
};

struct ReplayResult {
  int steps = 0;                        // files delivered, reloads and restarts
  long long checks = 0;                 // figures compared
  std::vector<std::string> mismatches;  // empty when the daemon agreed with the oracle
  std::string log_tail;                 // the daemon's last log lines, for failures
};

ReplayResult ReplayYear(const ReplayOptions& options);

}  // namespace ptmon::testing_support
