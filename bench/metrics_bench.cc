// Serving /metrics for 10,000 projects × 10 indicators (100,000 indicators, about 1.4 million
// series): ptmon (cached bytes, plain and gzip) beside node_exporter's textfile collector
// serving the same exposition from a .prom file, the way many teams export such numbers today.
// Target: at least 10× faster, ptmon's peak RSS under 300 MB. Then the latency from a file
// landing in the inbox to the changed value on /metrics (target < 1 s), for this catalogue and
// for the embedded default.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <signal.h>
#include <unistd.h>

#include "../tests/support/daemon.h"
#include "../tests/support/process.h"
#include "bench_support.h"

namespace {

namespace fs = std::filesystem;
using namespace ptmon::testing_support;
using ptmon::bench::MedianMs;
using ptmon::bench::RssMb;

// Drops a one-value file and returns how long until /metrics shows it.
double DropToMetricsMs(const std::string& inbox, const std::string& url, const std::string& row,
                       const std::string& expected) {
  const auto start = std::chrono::steady_clock::now();
  {
    std::ofstream(inbox + "/.latency.csv.tmp") << "project,indicator,period,value\n" << row << "\n";
  }
  fs::rename(inbox + "/.latency.csv.tmp", inbox + "/latency-" + std::to_string(getpid()) + "-" +
                                              std::to_string(start.time_since_epoch().count()) +
                                              ".csv");
  const bool seen = WaitFor([&] { return HttpGet(url).body.find(expected) != std::string::npos; },
                            std::chrono::seconds(30));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return seen ? ms : -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PTMON_BINARY\n", argv[0]);
    return 2;
  }
  const std::string ptmon = argv[1];
  const fs::path work = fs::temp_directory_path() / "ptmon-metrics-bench";
  fs::remove_all(work);
  fs::create_directories(work);
  std::ofstream(work / "catalog.yaml") << ptmon::testing_support::SyntheticCatalog(10000, 10);

  const int port = FreePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> serve = {ptmon,        "serve",
                                          "--catalog",  (work / "catalog.yaml").string(),
                                          "--data-dir", (work / "data").string(),
                                          "--listen",   "127.0.0.1:" + std::to_string(port),
                                          "--now",      "2026-08-15"};
  double cold_peak = 0;
  {
    // The first start parses the catalogue from YAML and caches it in the store.
    ChildProcess cold(serve, (work / "cold.log").string());
    if (!WaitFor([&] { return HttpGet(base + "/readyz").status == 200; },
                 std::chrono::seconds(120))) {
      std::fprintf(stderr, "ptmon did not start:\n%s", cold.Log().c_str());
      return 1;
    }
    cold_peak = RssMb(cold.pid());
    cold.Signal(SIGTERM);
    cold.Wait();
  }
  ChildProcess server(serve, (work / "ptmon.log").string());
  if (!WaitFor([&] { return HttpGet(base + "/readyz").status == 200; },
               std::chrono::seconds(120))) {
    std::fprintf(stderr, "ptmon did not start:\n%s", server.Log().c_str());
    return 1;
  }
  const std::string exposition = HttpGet(base + "/metrics").body;
  size_t series = 0;
  for (size_t at = 0; (at = exposition.find('\n', at)) != std::string::npos; ++at) {
    if (at + 1 < exposition.size() && exposition[at + 1] != '#') ++series;
  }
  std::printf("exposition: %.1f MB, %zu series\n", static_cast<double>(exposition.size()) / 1e6,
              series);

  // Bodies counted and dropped, as NodeExporterTimes does for the baseline.
  size_t bytes = 0;
  const double plain = MedianMs(9, [&] { HttpGetDiscarding(base + "/metrics", {}, bytes); });
  const double gzip =
      MedianMs(9, [&] { HttpGetDiscarding(base + "/metrics", {"Accept-Encoding: gzip"}, bytes); });
  const auto peer = ptmon::bench::NodeExporterTimes(work.string(), exposition, 3);
  if (!peer) return 1;
  const double peer_plain = peer->plain_ms, peer_gzip = peer->gzip_ms;
  ptmon::bench::PrintComparison("GET /metrics (median)", "plain", plain, "node_exporter textfile",
                                peer_plain, "ms");
  ptmon::bench::PrintComparison("GET /metrics gzip (median)", "gzip", gzip,
                                "node_exporter textfile gzip", peer_gzip, "ms");

  const double large =
      DropToMetricsMs((work / "data" / "inbox").string(), base + "/metrics", "p4242,i3,2026-07,777",
                      "ptmon_indicator_actual{project=\"p4242\",indicator=\"i3\"} 777\n");
  std::printf("drop -> /metrics, 100,000 indicators: %.0f ms (target < 1000 ms)\n", large);
  std::printf(
      "ptmon RSS: peak %.1f MB (target < 300), now %.1f MB; first start (YAML parse) peak %.1f MB; "
      "node_exporter peak %.1f MB\n",
      RssMb(server.pid()), RssMb(server.pid(), "VmRSS:"), cold_peak, peer->peak_rss_mb);
  std::printf("target 10x faster than node_exporter: plain %s (%.1fx), gzip %s (%.1fx)\n",
              peer_plain / plain >= 10 ? "met" : "MISSED", peer_plain / plain,
              peer_gzip / gzip >= 10 ? "met" : "MISSED", peer_gzip / gzip);
  server.Signal(SIGTERM);
  server.Wait();

  // The embedded default catalogue.
  const int small_port = FreePort();
  const std::string small_base = "http://127.0.0.1:" + std::to_string(small_port);
  ChildProcess small({ptmon, "serve", "--data-dir", (work / "small").string(), "--listen",
                      "127.0.0.1:" + std::to_string(small_port), "--now", "2026-08-15"},
                     (work / "small.log").string());
  if (!WaitFor([&] { return HttpGet(small_base + "/readyz").status == 200; })) return 1;
  std::vector<double> latencies;
  for (int round = 0; round < 5; ++round) {
    latencies.push_back(DropToMetricsMs(
        (work / "small" / "inbox").string(), small_base + "/metrics",
        "building-maintenance,devices-maintained,2026-07," + std::to_string(10 + round),
        "indicator=\"devices-maintained\"} " + std::to_string(10 + round) + "\n"));
  }
  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "drop -> /metrics, embedded catalogue: median %.0f ms, max %.0f ms (target < 1000 ms)\n",
      latencies[latencies.size() / 2], latencies.back());
  small.Signal(SIGTERM);
  small.Wait();
  fs::remove_all(work);
  return 0;
}
