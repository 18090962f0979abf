// `ptmon import` of a province's budget-system export (issue #29): the embedded catalogue's ten
// projects repeated with distinct names as one 项目支出绩效目标表 CSV, one row per indicator.
// Prints the export's and the written catalogue's sizes, the import's time and its peak memory
// (VmHWM), one run per size; times go in docs/benchmarks.md with the machine, the memory bound is
// asserted by LimitsTest.ImportingAProvinceExportHoldsTheCatalogueNotTheFile.
//
//   import_bench PTMON_BINARY [COPIES...]   (default 4,000 copies: a 65 MB export)
#include <cstdio>
#include <filesystem>

#include <ptmon/config/catalog_loader.h>

#include "../tests/support/process.h"
#include "../tests/support/province_data.h"
#include "bench_support.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PTMON_BINARY [COPIES...]\n", argv[0]);
    return 2;
  }
  namespace fs = std::filesystem;
  ptmon::Diagnostics diagnostics;
  const auto embedded = ptmon::LoadCatalog({ptmon::EmbeddedCatalogSource()}, diagnostics);
  if (!embedded.ok()) return 1;
  ptmon::testing_support::TempDir dir;
  for (int copies : ptmon::bench::CopiesToMeasure(argc, argv, {4000})) {
    const std::string export_path = dir / "export.csv", out = dir / "catalog.yaml";
    const size_t bytes =
        ptmon::testing_support::WriteTargetTableExport(export_path, *embedded, copies);
    const ptmon::bench::Timed run =
        ptmon::bench::RunTimed({argv[1], "import", export_path, "--year", "2026", "--out", out});
    std::printf("%d copies: export %.1f MB, catalogue %.1f MB, exit %d, %.1f s, peak %.0f MB\n",
                copies, static_cast<double>(bytes) / 1e6,
                fs::exists(out) ? static_cast<double>(fs::file_size(out)) / 1e6 : 0.0,
                run.exit_code, run.seconds, run.peak_rss_mb);
    fs::remove(out);
  }
  return 0;
}
