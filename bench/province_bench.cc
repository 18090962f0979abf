// A province's catalogue, shaped like the real one: the embedded catalogue (山西省社会保险局's ten
// projects, their Chinese names and published targets) repeated N times with ids of real length
// (`building-maintenance-00042`), and ten months of values as managers write them — two
// decimals, units on some, rates as percentages, grades for qualitative indicators, spending
// rows, a reason on every tenth row — then a revision of every value. For N = 100 and 1,000 it
// measures, each beside its baseline from the same run:
//   - ingest of a revision, the catalogue already loaded      vs sqlite3 :memory: .import
//   - the first ingest, parsing and validating the YAML first  vs the same
//   - check-config alone (the YAML catalogue's cost)
//   - ptmon serve: start to ready with four revisions stored — the first start after
//     `ptmon ingest` wrote them (nothing folded yet), then the median of three starts after the
//     daemon folded them — and peak RSS once /metrics and /api/v1/status have been asked
//   - GET /api/v1/status beside GET /metrics, per byte
//   - GET /metrics, plain and gzip, beside node_exporter's textfile collector serving the same
// and prints the goals of the province-scale issue beside them. Medians of three runs.
// Usage: province_bench PTMON [N...]   (default: 100 1000)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>

#include <signal.h>

#include <ptmon/config/catalog_loader.h>

#include "../tests/support/daemon.h"
#include "../tests/support/process.h"
#include "../tests/support/province_data.h"
#include "bench_support.h"

namespace {

namespace fs = std::filesystem;
using ptmon::bench::CpuMs;
using ptmon::bench::Median;
using ptmon::bench::MedianMs;
using ptmon::bench::MedianOfThree;
using ptmon::bench::MedianOfThreeInTurn;
using ptmon::bench::MillisecondsOf;
using ptmon::bench::RssMb;
using ptmon::bench::RunTimed;
using ptmon::bench::Timed;
using namespace ptmon::testing_support;

constexpr int kRuns = 3;

void Measure(const std::string& ptmon, const fs::path& work, int copies) {
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string catalog_path = (work / "catalog.yaml").string();
  std::ofstream(catalog_path) << ProvinceCatalog(copies);
  ptmon::Diagnostics diagnostics;
  const auto embedded = ptmon::LoadCatalog({ptmon::EmbeddedCatalogSource()}, diagnostics);
  auto report = [&](int revision) {
    const std::string path = (work / ("report-" + std::to_string(revision) + ".csv")).string();
    if (!fs::exists(path)) WriteReport(path, *embedded, copies, revision);
    return path;
  };
  size_t indicators = 0;
  for (const auto& project : embedded->projects) indicators += project.indicators.size();
  std::printf("\n== N = %d: %d projects, %zu indicators; catalogue %.1f MB, report %.1f MB\n",
              copies, copies * 10, indicators * copies,
              static_cast<double>(fs::file_size(catalog_path)) / 1e6,
              static_cast<double>(fs::file_size(report(0))) / 1e6);

  // The baseline runs in turn with each ingest it is compared with: a shared machine's minute
  // can be a third slower than the one before, and SQLite in memory writes nothing to disk.
  const auto floor = [&](int) {
    return RunTimed({"sqlite3", ":memory:", ".mode csv", ".import " + report(1) + " t"});
  };
  const Timed check = MedianOfThree([&](int) {
    return RunTimed({ptmon, "check-config", "--catalog", catalog_path});
  });
  auto ingest = [&](const std::string& dir, const std::string& file) {
    return RunTimed({ptmon, "ingest", "--catalog", catalog_path, "--data-dir", dir, "--now",
                     "2026-11-20", file});
  };
  const auto first_with_catalog = MedianOfThreeInTurn(
      [&](int run) { return ingest((work / ("cold-" + std::to_string(run))).string(), report(0)); },
      floor);
  // The warm store: catalogue loaded, the first file in; then revisions of every value.
  const std::string data = (work / "data").string();
  if (ingest(data, report(0)).exit_code != 0) std::exit(1);
  const auto revision =
      MedianOfThreeInTurn([&](int run) { return ingest(data, report(run + 1)); }, floor);

  // The daemon on the store holding every revision.
  const int port = FreePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> serve = {
      ptmon,        "serve",     "--catalog", catalog_path,
      "--data-dir", data,        "--listen",  "127.0.0.1:" + std::to_string(port),
      "--now",      "2026-11-20"};
  std::vector<double> starts;
  double first_start = 0;
  double peak_rss = 0;
  double status_ms = 0, status_first_ms = 0, metrics_ms = 0, metrics_gzip_ms = 0;
  double status_cpu_ms = 0, metrics_cpu_ms = 0;  // the server's, over the seven rounds
  size_t status_bytes = 0, metrics_bytes = 0;
  std::string exposition;
  for (int run = 0; run <= kRuns; ++run) {
    ChildProcess server(serve, (work / "serve.log").string());
    const double start = MillisecondsOf([&] {
      WaitFor([&] { return HttpGet(base + "/readyz").status == 200; }, std::chrono::seconds(300));
    });
    if (run == 0) {
      first_start = start;
    } else {
      starts.push_back(start);
    }
    if (run == kRuns) {
      // The steady state: after the first scrape, and once the start-up check of the store,
      // which runs beside the first snapshot, has ended (its CPU is not the requests').
      WaitFor(
          [&] {
            constexpr std::string_view kChecked = "\nptmon_store_check_timestamp_seconds ";
            const std::string body = HttpGet(base + "/metrics").body;
            const size_t check = body.find(kChecked);
            return check != std::string::npos &&
                   body.compare(check + kChecked.size(), 2, "0\n") != 0;
          },
          std::chrono::seconds(300));
      // Bodies counted and dropped, as for node_exporter below: the server's cost, not the
      // client's copying of 88 MB into memory.
      size_t gzip_bytes = 0;
      metrics_gzip_ms = MedianMs(
          3, [&] { HttpGetDiscarding(base + "/metrics", {"Accept-Encoding: gzip"}, gzip_bytes); });
      // The first request writes the snapshot's document; later ones send it as written.
      status_first_ms = MillisecondsOf([&] { HttpGet(base + "/api/v1/status"); });
      // Status and /metrics in turn, so that both see the machine as it is in that moment: on a
      // shared 2-core machine, a minute can run a third slower than the one before.
      // The server's CPU per request is counted too: what ptmon spends, apart from the client's
      // share of the time and the machine's moods.
      std::vector<double> status_times, metrics_times;
      for (int round = 0; round < 7; ++round) {
        const double before_status = CpuMs(server.pid());
        status_times.push_back(
            MillisecondsOf([&] { HttpGetDiscarding(base + "/api/v1/status", {}, status_bytes); }));
        const double before_metrics = CpuMs(server.pid());
        metrics_times.push_back(
            MillisecondsOf([&] { HttpGetDiscarding(base + "/metrics", {}, metrics_bytes); }));
        status_cpu_ms += before_metrics - before_status;
        metrics_cpu_ms += CpuMs(server.pid()) - before_metrics;
      }
      status_ms = Median(status_times);
      metrics_ms = Median(metrics_times);
      peak_rss = RssMb(server.pid());
      exposition = HttpGet(base + "/metrics").body;
    }
    server.Signal(SIGTERM);  // after run 0, once the daemon has folded what ptmon ingest wrote
    server.Wait();
  }
  const auto peer = ptmon::bench::NodeExporterTimes(work.string(), exposition, 3);
  if (!peer) std::exit(1);

  using ptmon::bench::PrintComparison;
  PrintComparison("ingest, a revision of every value", "ingest", revision.ours.seconds,
                  "sqlite3 .import :memory:", revision.baseline.seconds, "s");
  PrintComparison("first ingest, YAML catalogue parsed", "ingest", first_with_catalog.ours.seconds,
                  "sqlite3 .import :memory:", first_with_catalog.baseline.seconds, "s");
  std::printf("check-config alone: %.3f s\n", check.seconds);
  std::printf(
      "serve: start to ready %.3f s (median of %d, values folded); the first start after "
      "ptmon ingest, nothing folded: %.3f s; peak RSS %.1f MB after /metrics and "
      "/api/v1/status\n",
      Median(starts) / 1000, kRuns, first_start / 1000, peak_rss);
  PrintComparison("GET /metrics plain (median of 7)", "plain", metrics_ms, "node_exporter textfile",
                  peer->plain_ms, "ms");
  PrintComparison("GET /metrics gzip (median)", "gzip", metrics_gzip_ms,
                  "node_exporter textfile gzip", peer->gzip_ms, "ms");
  const double status_per_mb = status_ms / (static_cast<double>(status_bytes) / 1e6);
  const double metrics_per_mb = metrics_ms / (static_cast<double>(metrics_bytes) / 1e6);
  std::printf(
      "GET /api/v1/status %.1f MB in %.1f ms (the snapshot's first: %.1f ms); GET /metrics "
      "%.1f MB in %.1f ms; per byte %.2fx\n",
      static_cast<double>(status_bytes) / 1e6, status_ms, status_first_ms,
      static_cast<double>(metrics_bytes) / 1e6, metrics_ms, status_per_mb / metrics_per_mb);
  const double status_cpu_per_mb = status_cpu_ms / (7 * static_cast<double>(status_bytes) / 1e6);
  const double metrics_cpu_per_mb = metrics_cpu_ms / (7 * static_cast<double>(metrics_bytes) / 1e6);
  std::printf("server CPU per MB sent: GET /api/v1/status %.3f ms, GET /metrics %.3f ms; %.2fx\n",
              status_cpu_per_mb, metrics_cpu_per_mb, status_cpu_per_mb / metrics_cpu_per_mb);
  std::printf(
      "goals: revision <= 1.5x %s; first ingest <= 2x %s; RSS < 250 MB %s; ready < 1 s %s; "
      "status per byte <= 1x /metrics %s; /metrics >= 100x node_exporter: plain %s (%.0fx), "
      "gzip %s (%.0fx)\n",
      revision.ours.seconds <= 1.5 * revision.baseline.seconds ? "met" : "MISSED",
      first_with_catalog.ours.seconds <= 2 * first_with_catalog.baseline.seconds ? "met" : "MISSED",
      peak_rss < 250 ? "met" : "MISSED", Median(starts) < 1000 ? "met" : "MISSED",
      status_per_mb <= metrics_per_mb ? "met" : "MISSED",
      peer->plain_ms >= 100 * metrics_ms ? "met" : "MISSED", peer->plain_ms / metrics_ms,
      peer->gzip_ms >= 100 * metrics_gzip_ms ? "met" : "MISSED", peer->gzip_ms / metrics_gzip_ms);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PTMON_BINARY [N...]\n", argv[0]);
    return 2;
  }
  const std::vector<int> sizes = ptmon::bench::CopiesToMeasure(argc, argv, {100, 1000});
  const fs::path work = fs::temp_directory_path() / "ptmon-province-bench";
  for (int copies : sizes) Measure(argv[1], work / std::to_string(copies), copies);
  if (std::getenv("PTMON_BENCH_KEEP") == nullptr) fs::remove_all(work);
  return 0;
}
