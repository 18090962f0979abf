// Ingest throughput: `ptmon ingest` of a 1,000,000-row CSV (10,000 projects × 10 indicators ×
// 10 months) end to end, process start to exit, beside the floor for getting the same CSV rows
// into SQLite at all: sqlite3 :memory: '.mode csv' '.import FILE t'. Target: within 1.5× of the
// floor, under 200 MB.
//
// The catalogue is loaded once, as a deployment does when it changes (here by `ptmon status`);
// every ingest after that reads it back validated from the store. Two ingests are measured:
// the first file for the catalogue (it creates the 100,000 series) and a revision of every
// value. Each figure is the median of three runs, the floor's too. For the record, the program
// also times the one-time catalogue load and an ingest that has to parse the new catalogue
// itself.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "../tests/support/process.h"
#include "bench_support.h"

namespace {

namespace fs = std::filesystem;
using ptmon::bench::MedianOfThree;
using ptmon::bench::RunTimed;
using ptmon::bench::Timed;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PTMON_BINARY [WORK_DIR]\n", argv[0]);
    return 2;
  }
  const std::string ptmon = argv[1];
  const fs::path work =
      argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "ptmon-ingest-bench";
  fs::remove_all(work);
  fs::create_directories(work);
  const std::string catalog = (work / "catalog.yaml").string();
  std::ofstream(catalog) << ptmon::testing_support::SyntheticCatalog(10000, 10);
  auto report = [&](int revision) {
    const std::string path = (work / ("report-" + std::to_string(revision) + ".csv")).string();
    if (!fs::exists(path)) ptmon::bench::WriteSyntheticReport(path, 10000, 10, 10, revision);
    return path;
  };
  std::printf(
      "report: %.1f MB, 1,000,000 rows; catalogue: %.1f MB, 10,000 projects x 10 "
      "indicators\n",
      static_cast<double>(fs::file_size(report(0))) / 1e6,
      static_cast<double>(fs::file_size(catalog)) / 1e6);

  auto data_dir = [&](int run) { return (work / ("data-" + std::to_string(run))).string(); };
  auto ingest = [&](const std::string& dir, const std::string& file) {
    return RunTimed(
        {ptmon, "ingest", "--catalog", catalog, "--data-dir", dir, "--now", "2026-12-20", file});
  };
  const Timed floor = MedianOfThree([&](int) {
    return RunTimed({"sqlite3", ":memory:", ".mode csv", ".import " + report(0) + " t"});
  });
  const Timed catalog_load = MedianOfThree([&](int run) {
    return RunTimed({ptmon, "status", "--catalog", catalog, "--data-dir", data_dir(run), "--now",
                     "2026-12-20"});
  });
  const Timed first = MedianOfThree([&](int run) { return ingest(data_dir(run), report(0)); });
  const Timed revision =
      MedianOfThree([&](int run) { return ingest(data_dir(0), report(run + 1)); });
  const Timed with_catalog = MedianOfThree([&](int run) {
    return ingest((work / ("cold-" + std::to_string(run))).string(), report(0));
  });

  using ptmon::bench::PrintComparison;
  PrintComparison("ingest 1M rows, first file", "ingest", first.seconds,
                  "sqlite3 .import :memory:", floor.seconds, "s");
  PrintComparison("ingest 1M rows, a revision", "ingest", revision.seconds,
                  "sqlite3 .import :memory:", floor.seconds, "s");
  std::printf(
      "once per catalogue change: loading it %.3f s; an ingest that parses it first "
      "%.3f s (%.2fx)\n",
      catalog_load.seconds, with_catalog.seconds, with_catalog.seconds / floor.seconds);
  std::printf(
      "peak RSS: first %.1f MB, revision %.1f MB, catalogue load %.1f MB, ingest with "
      "catalogue %.1f MB (target < 200); sqlite3 %.1f MB\n",
      first.peak_rss_mb, revision.peak_rss_mb, catalog_load.peak_rss_mb, with_catalog.peak_rss_mb,
      floor.peak_rss_mb);
  const double peak = std::max({first.peak_rss_mb, revision.peak_rss_mb, catalog_load.peak_rss_mb,
                                with_catalog.peak_rss_mb});
  std::printf("target 1.5x of the floor: first %s, revision %s; memory %s\n",
              first.seconds <= 1.5 * floor.seconds ? "met" : "MISSED",
              revision.seconds <= 1.5 * floor.seconds ? "met" : "MISSED",
              peak < 200 ? "met" : "MISSED");
  if (std::getenv("PTMON_BENCH_KEEP") == nullptr) fs::remove_all(work);
  return 0;
}
