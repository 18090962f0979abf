// What a new catalogue costs the store while other writers wait: SaveCatalog on a province's
// store (the embedded catalogue repeated N times, ten months of every indicator stored, folded,
// and one batch after the fold), for a catalogue that changes the unit of a reported indicator
// (refused: the check alone) and for one that changes only a name (the check and the tables
// replaced). Medians of three runs. Usage: catalog_check_bench [N...]   (default: 100 1000)
#include <cstdio>
#include <filesystem>

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
      store.ApplyBatch(NewBatch(sha), values.size(), [&](size_t i) { return values[i]; });
  return applied.ok() ? Status::Ok() : applied.status();
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
  if (!store.SaveCatalog(catalog, "2026-11-01T00:00:00Z").ok() ||
      !StoreValues(store, catalog, "first").ok() || !store.Fold().ok() ||
      !StoreValues(store, catalog, "after-the-fold").ok()) {
    std::fprintf(stderr, "cannot fill the store\n");
    std::exit(1);
  }
  std::printf("\n== N = %d: %zu indicators, %zu values stored (%d batches, one unfolded)\n", copies,
              catalog.IndicatorCount(), 2 * kMonths * catalog.IndicatorCount(), 2);
  Indicator& reported = catalog.projects.back().indicators.front();
  const std::string unit = reported.annual_target.unit;
  reported.annual_target.unit = unit == "%" ? "台" : "%";
  catalog.sha256 = "unit-changed";
  const double refused_ms = bench::MedianMs(3, [&] {
    if (store.SaveCatalog(catalog, "2026-11-02T00:00:00Z").ok()) std::exit(1);
  });
  reported.annual_target.unit = unit;
  int round = 0;
  const double renamed_ms = bench::MedianMs(3, [&] {
    reported.name += "（修订）";
    catalog.sha256 = "renamed-" + std::to_string(++round);
    if (!store.SaveCatalog(catalog, "2026-11-03T00:00:00Z").ok()) std::exit(1);
  });
  std::printf("| a unit changed on a reported indicator: refused | %.1f ms |\n", refused_ms);
  std::printf("| a name changed: the check and the catalogue tables replaced | %.1f ms |\n",
              renamed_ms);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {100, 1000};
  testing_support::TempDir work;
  for (int copies : sizes) Measure(fs::path(work.path()) / std::to_string(copies), copies);
}
