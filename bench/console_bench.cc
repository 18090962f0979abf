// The web console at a unit's scale and beyond: the province-shaped catalogue (the embedded ten
// projects repeated) with ten months of values, a logged-in session, and the median time of
// the board (`GET /`), a project page with its charts and history, and the board sorted by
// score — each beside GET /metrics and GET /healthz of the same daemon in the same run.
// Goal (issue #13): the board for 1,000 projects and a project page under 50 ms on the server.
// Usage: console_bench PTMON [N...]   (copies of the ten projects; default 100 = 1,000 projects)
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <signal.h>

#include <ptmon/config/catalog_loader.h>

#include "../tests/support/daemon.h"
#include "../tests/support/process.h"
#include "../tests/support/province_data.h"
#include "bench_support.h"

namespace {

namespace fs = std::filesystem;
using ptmon::bench::MedianMs;
using namespace ptmon::testing_support;

constexpr int kRounds = 21;

int Measure(const std::string& ptmon, const fs::path& work, int copies) {
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string catalog = (work / "catalog.yaml").string();
  std::ofstream(catalog) << ProvinceCatalog(copies);
  ptmon::Diagnostics diagnostics;
  const auto embedded = ptmon::LoadCatalog({ptmon::EmbeddedCatalogSource()}, diagnostics);
  const std::string report = (work / "report.csv").string();
  WriteReport(report, *embedded, copies, 0);
  const std::string data = (work / "data").string();
  const std::string password = (work / "password").string();
  std::ofstream(password) << "benchmark password\n";
  if (RunProcess({ptmon, "ingest", "--catalog", catalog, "--data-dir", data, "--now", "2026-11-20",
                  report})
              .exit_code != 0 ||
      RunProcess({ptmon, "user", "add", "bench", "--role", "admin", "--password-file", password,
                  "--catalog", catalog, "--data-dir", data})
              .exit_code != 0) {
    std::fprintf(stderr, "preparing the data directory failed\n");
    return 1;
  }
  const int port = FreePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ChildProcess server({ptmon, "serve", "--catalog", catalog, "--data-dir", data, "--listen",
                       "127.0.0.1:" + std::to_string(port), "--now", "2026-11-20"},
                      (work / "serve.log").string());
  if (!WaitFor([&] { return HttpGet(base + "/readyz").status == 200; },
               std::chrono::seconds(300))) {
    std::fprintf(stderr, "ptmon did not start:\n%s", server.Log().c_str());
    return 1;
  }
  const std::string cookie =
      "Cookie: ptmon_session=" + ConsoleLogin(base, "bench", "benchmark+password");
  auto timed = [&](const std::string& path, size_t& bytes, int& status) {
    HttpGet(base + path, {cookie});  // the first request after a start is not the steady state
    return MedianMs(kRounds, [&] {
      const HttpResult result = HttpGet(base + path, {cookie});
      bytes = result.body.size();
      status = static_cast<int>(result.status);
    });
  };
  struct Row {
    const char* what;
    std::string path;
    double ms = 0;
    size_t bytes = 0;
    int status = 0;
  };
  const std::string project = "/projects/building-maintenance" + Copy(copies / 2);
  std::vector<Row> rows = {{"board", "/"},
                           {"board sorted by score", "/?sort=score&dir=desc"},
                           {"board, red projects only", "/?light=red"},
                           {"project page (charts, history)", project},
                           {"indicator history", project + "/history/devices-maintained"},
                           {"GET /metrics (baseline)", "/metrics"},
                           {"GET /healthz (floor)", "/healthz"}};
  for (Row& row : rows) row.ms = timed(row.path, row.bytes, row.status);
  const double metrics_ms = rows[rows.size() - 2].ms;
  std::printf("\n== %d projects, %zu indicators, 10 months of values\n", copies * 10,
              embedded->IndicatorCount() * static_cast<size_t>(copies));
  bool met = true;
  for (const Row& row : rows) {
    std::printf("%-32s %4d %9.1f KB %8.2f ms  %.2fx /metrics\n", row.what, row.status,
                static_cast<double>(row.bytes) / 1e3, row.ms, row.ms / metrics_ms);
    if (row.status != 200) met = false;
  }
  const bool fast = rows[0].ms < 50 && rows[3].ms < 50;
  std::printf("goal: board and project page < 50 ms: %s\n", fast ? "met" : "MISSED");
  server.Signal(SIGTERM);
  server.Wait();
  return met ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PTMON_BINARY [N...]\n", argv[0]);
    return 2;
  }
  const std::vector<int> sizes = ptmon::bench::CopiesToMeasure(argc, argv, {100});
  const fs::path work = fs::temp_directory_path() / "ptmon-console-bench";
  int code = 0;
  for (int copies : sizes) code |= Measure(argv[1], work / std::to_string(copies), copies);
  fs::remove_all(work);
  return code;
}
