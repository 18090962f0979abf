// Ingest throughput: `ptmon ingest` of a 1,000,000-row CSV (10,000 projects × 10 indicators ×
// 10 months) end to end, beside the floor for getting the same CSV rows into SQLite at all:
// sqlite3 :memory: '.mode csv' '.import FILE t'. Target: within 1.5× of the floor, under 200 MB.
//
// Two ptmon figures: cold (a fresh data directory: the 100,000-indicator catalogue is parsed
// from YAML first) and warm (the catalogue is cached in the store, as for every ingest after
// the first; a second revision of the same rows).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "../tests/support/process.h"
#include "bench_support.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PTMON_BINARY [WORK_DIR]\n", argv[0]);
    return 2;
  }
  namespace fs = std::filesystem;
  const std::string ptmon = argv[1];
  const fs::path work =
      argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "ptmon-ingest-bench";
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string catalog = (work / "catalog.yaml").string();
  const std::string report = (work / "report.csv").string();
  const std::string second = (work / "report-2.csv").string();
  std::ofstream(catalog) << ptmon::testing_support::SyntheticCatalog(10000, 10);
  ptmon::bench::WriteSyntheticReport(report, 10000, 10, 10);
  ptmon::bench::WriteSyntheticReport(second, 10000, 10, 10, 1);
  std::printf("report: %.1f MB, 1,000,000 rows; catalogue 10,000 projects x 10 indicators\n",
              static_cast<double>(fs::file_size(report)) / 1e6);

  const auto floor =
      ptmon::bench::RunTimed({"sqlite3", ":memory:", ".mode csv", ".import " + report + " t"});
  auto ingest = [&](const std::string& file) {
    return ptmon::bench::RunTimed({ptmon, "ingest", "--catalog", catalog, "--data-dir",
                                   (work / "data").string(), "--now", "2026-12-20", file});
  };
  const auto cold = ingest(report);
  const auto warm = ingest(second);
  if (cold.exit_code != 0 || warm.exit_code != 0 || floor.exit_code != 0) {
    std::fprintf(stderr, "a run failed: ptmon exit %d/%d, sqlite3 exit %d\n", cold.exit_code,
                 warm.exit_code, floor.exit_code);
    return 1;
  }
  ptmon::bench::PrintComparison("ingest 1M rows, cold catalogue", "ingest", cold.seconds,
                                "sqlite3 .import :memory:", floor.seconds, "s");
  ptmon::bench::PrintComparison("ingest 1M rows, cached catalogue", "ingest", warm.seconds,
                                "sqlite3 .import :memory:", floor.seconds, "s");
  std::printf("peak RSS: ptmon cold %.1f MB, warm %.1f MB (target < 200); sqlite3 %.1f MB\n",
              cold.peak_rss_mb, warm.peak_rss_mb, floor.peak_rss_mb);
  std::printf("target 1.5x of the floor: cold %s, warm %s\n",
              cold.seconds <= 1.5 * floor.seconds ? "met" : "MISSED",
              warm.seconds <= 1.5 * floor.seconds ? "met" : "MISSED");
  if (std::getenv("PTMON_BENCH_KEEP") == nullptr) fs::remove_all(work);
  return 0;
}
