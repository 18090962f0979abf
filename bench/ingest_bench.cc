// Ingest throughput: `ptmon ingest` of a 1,000,000-row CSV (10,000 projects × 10 indicators ×
// 10 months) end to end, beside the floor for getting the same CSV rows into SQLite at all:
// sqlite3 :memory: '.mode csv' '.import FILE t'. Target: within 1.5× of the floor, under 200 MB.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

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
  std::ofstream(catalog) << ptmon::bench::SyntheticCatalog(10000, 10);
  ptmon::bench::WriteSyntheticReport(report, 10000, 10, 10);
  std::printf("report: %s, %.1f MB, 1,000,000 rows\n", report.c_str(),
              static_cast<double>(fs::file_size(report)) / 1e6);

  const auto floor =
      ptmon::bench::RunTimed({"sqlite3", ":memory:", ".mode csv", ".import " + report + " t"});
  const auto ours =
      ptmon::bench::RunTimed({ptmon, "ingest", "--catalog", catalog, "--data-dir",
                              (work / "data").string(), "--now", "2026-12-20", report});
  if (ours.exit_code != 0 || floor.exit_code != 0) {
    std::fprintf(stderr, "a run failed: ptmon exit %d, sqlite3 exit %d\n", ours.exit_code,
                 floor.exit_code);
    return 1;
  }
  ptmon::bench::PrintComparison("ingest 1M rows (wall)", "ingest", ours.seconds,
                                "sqlite3 .import :memory:", floor.seconds, "s");
  std::printf("peak RSS: ptmon %.1f MB (target < 200), sqlite3 %.1f MB\n", ours.peak_rss_mb,
              floor.peak_rss_mb);
  if (std::getenv("PTMON_BENCH_KEEP") == nullptr) fs::remove_all(work);
  return 0;
}
