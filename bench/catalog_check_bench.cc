// What a new catalogue costs the store while other writers wait: SaveCatalog on a province's
// store (the embedded catalogue repeated N times, ten months of every indicator stored, folded,
// and one batch after the fold), for a catalogue that changes the unit of a reported indicator
// (refused) and for one that changes only a name; in all, and how long the write lock is held,
// which logins, account changes and reports wait behind. Medians of three runs. Usage:
// catalog_check_bench [N...]   (default: 100 1000)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/storage/store.h>

#include "../tests/support/process.h"
#include "../tests/support/province_data.h"
#include "bench_support.h"

namespace {

namespace fs = std::filesystem;
using namespace ptmon;

constexpr int kMonths = 10;

Batch NewBatch(const std::string& sha) {
  Batch batch;
  batch.file_name = sha + ".csv";
  batch.sha256 = sha;
  batch.received_at = batch.applied_at = "2026-11-20T00:00:00Z";
  return batch;
}

// Every indicator of `catalog` for months 1..kMonths, numbers or grades as its kind asks.
Status StoreValues(Store& store, const Catalog& catalog, const std::string& sha) {
  std::vector<StoredValueView> values;
  for (const Project& project : catalog.projects) {
    for (const Indicator& indicator : project.indicators) {
      const bool graded = indicator.annual_target.kind == TargetKind::kQualitative;
      for (int month = 1; month <= kMonths; ++month) {
        StoredValueView value{};
        value.project_id = project.id;
        value.indicator_id = indicator.id;
        value.period = {catalog.year, month};
        if (graded) {
          value.grade = "达成";
        } else {
          value.value = month;
        }
        values.push_back(value);
      }
    }
  }
  auto applied =
      store.values().ApplyBatch(NewBatch(sha), values.size(), [&](size_t i) { return values[i]; });
  return applied.ok() ? Status::Ok() : applied.status();
}

// How long the store's write lock was last held: from a BEGIN IMMEDIATE to the end of its COMMIT
// or ROLLBACK, as SQLite's statement profile reports them.
struct LockClock {
  std::chrono::steady_clock::time_point begun;
  double held_ms = 0;
};

void WatchTheLock(Store& store, LockClock& clock) {
  sqlite3_trace_v2(
      store.handle(), SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE,
      [](unsigned event, void* context, void* statement, void*) {
        auto& lock = *static_cast<LockClock*>(context);
        const std::string_view sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
        const auto now = std::chrono::steady_clock::now();
        if (event == SQLITE_TRACE_STMT && sql == "BEGIN IMMEDIATE") lock.begun = now;
        if (event == SQLITE_TRACE_PROFILE && (sql == "COMMIT" || sql == "ROLLBACK"))
          lock.held_ms = std::chrono::duration<double, std::milli>(now - lock.begun).count();
        return 0;
      },
      &clock);
}

void Measure(const fs::path& work, int copies) {
  fs::remove_all(work);
  fs::create_directories(work);
  Diagnostics diagnostics;
  auto loaded = LoadCatalog(
      {CatalogSource{"province.yaml", testing_support::ProvinceCatalog(copies)}}, diagnostics);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n%s\n", loaded.status().message().c_str(),
                 diagnostics.ToString().c_str());
    std::exit(1);
  }
  Catalog catalog = std::move(loaded).value();
  auto opened = Store::Open((work / "ptmon.db").string());
  if (!opened.ok()) std::exit(1);
  Store& store = **opened;
  if (!store.catalogs().SaveCatalog(catalog, "2026-11-01T00:00:00Z").ok() ||
      !StoreValues(store, catalog, "first").ok() || !store.values().Fold().ok() ||
      !StoreValues(store, catalog, "after-the-fold").ok()) {
    std::fprintf(stderr, "cannot fill the store\n");
    std::exit(1);
  }
  std::printf("\n== N = %d: %zu indicators, %zu values stored (%d batches, one unfolded)\n", copies,
              catalog.IndicatorCount(), 2 * kMonths * catalog.IndicatorCount(), 2);
  LockClock lock;
  WatchTheLock(store, lock);
  std::vector<double> refused_held, renamed_held;
  Indicator& reported = catalog.projects.back().indicators.front();
  const std::string unit = reported.annual_target.unit;
  reported.annual_target.unit = unit == "%" ? "台" : "%";
  catalog.sha256 = "unit-changed";
  const double refused_ms = bench::MedianMs(3, [&] {
    if (store.catalogs().SaveCatalog(catalog, "2026-11-02T00:00:00Z").ok()) std::exit(1);
    refused_held.push_back(lock.held_ms);
  });
  reported.annual_target.unit = unit;
  int round = 0;
  const double renamed_ms = bench::MedianMs(3, [&] {
    reported.name += "（修订）";
    catalog.sha256 = "renamed-" + std::to_string(++round);
    if (!store.catalogs().SaveCatalog(catalog, "2026-11-03T00:00:00Z").ok()) std::exit(1);
    renamed_held.push_back(lock.held_ms);
  });
  std::printf("| catalogue saved | in all | the write lock held |\n");
  std::printf("| a unit changed on a reported indicator: refused | %.1f ms | %.2f ms |\n",
              refused_ms, bench::Median(refused_held));
  std::printf("| a name changed: one indicator row rewritten | %.1f ms | %.2f ms |\n", renamed_ms,
              bench::Median(renamed_held));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {100, 1000};
  testing_support::TempDir work;
  for (int copies : sizes) Measure(fs::path(work.path()) / std::to_string(copies), copies);
}
