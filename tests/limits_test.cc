// Limits for what a person writes (issue #29), through the real binary: a file made to be huge
// in one name, or in the number of its problems, gets a short answer with its places and exact
// counts, and `ptmon import` of a province's export holds the catalogue, not the file.
#include <algorithm>
#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include <ptmon/config/catalog_loader.h>

#include "support/process.h"
#include "support/province_data.h"

namespace ptmon {
namespace {

using testing_support::RunPtmon;
using testing_support::TempDir;

const std::string kCatalog = std::string(PTMON_TEST_DATA) + "/reports/catalog.yaml";

// What a person reads on a terminal: the first problems and the exact count, not megabytes.
constexpr size_t kBoundedOutput = 100'000;

constexpr std::string_view kProject = R"(  - id: p
    name: 项目
    department: d
    funds:
      period: {total: 1, provincial: 1}
      annual: {total: 1, provincial: 1}
    indicators:
      - {id: i, level1: 产出指标, level2: 数量指标, name: 指标, target: "≥1台"}
)";

TEST(LimitsTest, MillionsOfUnknownKeysAreCountedExactlyAndListedBriefly) {
  TempDir dir;
  const std::string path = dir / "catalog.yaml";
  {
    std::ofstream out(path);
    out << "unit: {id: u, name: 单位}\nyear: 2026\n";
    char line[32];
    for (int k = 0; k < 2'000'000; ++k) {
      out.write(line, std::snprintf(line, sizeof line, "typo%07d: 1\n", k));
    }
    out << "projects:\n" << kProject;
  }
  const auto result = RunPtmon({"check-config", "--catalog", path});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_LT(result.err.size(), kBoundedOutput);
  EXPECT_NE(result.err.find(path + ":3:1: unknown key 'typo0000000' in the catalogue"),
            std::string::npos)
      << result.err.substr(0, 2000);
  EXPECT_NE(result.err.find("… 另有 1999800 处问题未列出（共 2000000 处错误、0 处警告）/ and "
                            "1999800 more not listed (2000000 error(s), 0 warning(s) in all)"),
            std::string::npos)
      << result.err.substr(result.err.size() - std::min<size_t>(result.err.size(), 2000));
}

TEST(LimitsTest, AFiftyMegabyteProjectNameIsRefusedAtItsPlace) {
  TempDir dir;
  const std::string path = dir / "catalog.yaml";
  {
    std::ofstream out(path);
    out << "unit: {id: u, name: 单位}\nyear: 2026\nprojects:\n  - id: huge\n    name: "
        << std::string(50'000'000, 'x') << "\n"
        << kProject.substr(kProject.find("    department"));
  }
  const auto result = RunPtmon({"check-config", "--catalog", path});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_LT(result.err.size(), kBoundedOutput);
  EXPECT_NE(result.err.find(path +
                            ":5:11: 项目名称太长: 50000000 个字, 最多 200 个字, 请缩短 / 'name' is "
                            "50000000 characters long; shorten it to at most 200"),
            std::string::npos)
      << result.err.substr(0, 2000);
}

TEST(LimitsTest, AReportWithThousandsOfBadRowsCountsEveryProblem) {
  TempDir dir;
  std::string report =
      "project,indicator,period,value,reason_category,reason,action,likelihood,reporter\n";
  const std::string essay(501, 'x');
  for (int row = 0; row < 5000; ++row) {
    // Three problems each: no such category, no such likelihood, a reason past 500 characters.
    report += "devices,devices-maintained,2026-07,12,天气," + essay + ",,也许,张三\n";
  }
  const std::string path = dir.Write("july.csv", report);
  const auto result = RunPtmon(
      {"ingest", "--catalog", kCatalog, "--data-dir", dir / "data", "--now", "2026-08-05", path});
  EXPECT_EQ(result.exit_code, 1) << result.err.substr(0, 2000);
  EXPECT_NE(result.out.find("rejected, 15000 problem(s)"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("… and 14800 more"), std::string::npos)
      << result.err.substr(result.err.size() - std::min<size_t>(result.err.size(), 2000));
  EXPECT_NE(result.err.find(path + ":2:6: 'reason': 太长: 501 个字, 最多 500 个字, 请缩短"),
            std::string::npos)
      << result.err.substr(0, 2000);
  EXPECT_LT(result.err.size(), kBoundedOutput);
}

// A province's export, 1,000 copies of the embedded catalogue's ten projects (27 MB, 66,000
// indicator rows): ptmon import held it as rows of strings beside the catalogue it built (229 MB
// where loading the 18 MB catalogue it writes takes 151); it must now need less than one more
// copy of the file (162 MB).
TEST(LimitsTest, ImportingAProvinceExportHoldsTheCatalogueNotTheFile) {
#if defined(PTMON_SANITIZED)
  // A sanitizer's allocator keeps freed blocks in quarantine or pads every one: its peak RSS
  // measures the sanitizer, not what ptmon holds. The plain build checks the bound.
  GTEST_SKIP() << "peak memory is compared in the build without sanitizers";
#endif
  TempDir dir;
  Diagnostics diagnostics;
  const auto embedded = LoadCatalog({EmbeddedCatalogSource()}, diagnostics);
  ASSERT_TRUE(embedded.ok());
  const std::string export_path = dir / "export.csv";
  const size_t export_bytes = testing_support::WriteTargetTableExport(export_path, *embedded, 1000);
  ASSERT_GT(export_bytes, size_t{15} << 20);
  const auto result =
      RunPtmon({"import", export_path, "--year", "2026", "--out", dir / "catalog.yaml"});
  ASSERT_EQ(result.exit_code, 0) << result.err.substr(0, 2000);
  EXPECT_NE(result.err.find("ptmon: 10000 projects, 66000 indicators imported"), std::string::npos)
      << result.err.substr(0, 2000);
  // Every review is beside its line in the catalogue; the terminal gets the first 200.
  EXPECT_LT(result.err.size(), kBoundedOutput);
  EXPECT_NE(result.err.find("more, each a # REVIEW: line in the catalogue"), std::string::npos);
  // Loading the catalogue it writes back is the floor.
  const auto loading = RunPtmon({"check-config", "--catalog", dir / "catalog.yaml"});
  ASSERT_EQ(loading.exit_code, 0) << loading.err;
  const long export_mb = static_cast<long>(export_bytes >> 20);
  EXPECT_LT(result.peak_rss_kb / 1024, loading.peak_rss_kb / 1024 + export_mb)
      << "import " << result.peak_rss_kb / 1024 << " MB, loading its catalogue "
      << loading.peak_rss_kb / 1024 << " MB, export " << export_mb << " MB";
}

}  // namespace
}  // namespace ptmon
