// A new year in the same data directory: 2026's values and a 2027 catalogue that reuses the
// project ids. Each year is evaluated from its own values only, a late December report goes to
// 2026's catalogue, and 2026's figures stay what they were, readable with --year.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace ptmon {
namespace {

using testing_support::ReadFile;
using testing_support::RunPtmon;
using testing_support::TempDir;

class YearRolloverTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string catalog = ReadFile(std::string(PTMON_SOURCE_DIR) + "/config/default-catalog.yaml");
    const std::string year = "\nyear: 2026\n";
    catalog.replace(catalog.find(year), year.size(), "\nyear: 2027\n");
    catalog_2027_ = dir_.Write("catalog-2027.yaml", catalog);
  }

  // ptmon on the shared data directory, at `now`, serving `catalog` (empty: the embedded 2026).
  testing_support::ProcessResult Run(std::vector<std::string> args, const std::string& now,
                                     const std::string& catalog = {}) {
    args.insert(args.end(), {"--data-dir", dir_ / "data", "--now", now});
    if (!catalog.empty()) args.insert(args.end(), {"--catalog", catalog});
    return RunPtmon(args);
  }
  nlohmann::json Status(std::vector<std::string> args, const std::string& now,
                        const std::string& catalog = {}) {
    args.insert(args.begin(), {"status", "--format", "json", "--project", "building-maintenance"});
    const auto result = Run(args, now, catalog);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out, nullptr, false);
  }
  std::string Report(const std::string& name, const std::string& rows) {
    return dir_.Write(name, "project,indicator,period,value\n" + rows);
  }

  TempDir dir_;
  std::string catalog_2027_;
};

TEST_F(YearRolloverTest, EachYearIsEvaluatedFromItsOwnValuesAndLastYearStaysReadable) {
  ASSERT_EQ(Run({"ingest", Report("2026-11.csv",
                                  "building-maintenance,devices-maintained,2026-01,2\n"
                                  "building-maintenance,devices-maintained,2026-11,28\n"
                                  "building-maintenance,spent,2026-11,400000\n")},
                "2026-12-20")
                .exit_code,
            0);
  const nlohmann::json november = Status({"--as-of", "2026-11"}, "2026-12-20");
  const auto& devices = november["projects"][0]["indicators"][0];
  ASSERT_EQ(devices["actual"], 28);

  // January 2027: the new catalogue, its first value, and December's report arriving late.
  const auto january =
      Run({"ingest", Report("2027-01.csv", "building-maintenance,devices-maintained,2027-01,3\n")},
          "2027-02-15", catalog_2027_);
  ASSERT_EQ(january.exit_code, 0) << january.err;
  const auto late =
      Run({"ingest", Report("2026-12.csv", "building-maintenance,devices-maintained,2026-12,31\n")},
          "2027-02-15", catalog_2027_);
  ASSERT_EQ(late.exit_code, 0) << late.out << late.err;

  // 2027 counts from its own January only: December's 31 is not this year's progress.
  const nlohmann::json y2027 = Status({}, "2027-02-15", catalog_2027_);
  EXPECT_EQ(y2027["as_of"], "2027-01");
  EXPECT_EQ(y2027["projects"][0]["indicators"][0]["actual"], 3);
  EXPECT_EQ(y2027["projects"][0]["indicators"][0]["period"], "2027-01");
  // Beside it, January 2026's figure, as the daemon's status API shows it.
  const auto& a_year_ago = y2027["projects"][0]["indicators"][0]["last_year"];
  ASSERT_TRUE(a_year_ago.is_object()) << a_year_ago;
  EXPECT_EQ(a_year_ago["period"], "2026-01");
  EXPECT_EQ(a_year_ago["value"], 2);
  EXPECT_EQ(a_year_ago["text"], "2台");

  // 2026 is read through its own catalogue, December included, up to the year end.
  const nlohmann::json y2026 = Status({"--year", "2026"}, "2027-02-15", catalog_2027_);
  EXPECT_EQ(y2026["as_of"], "2026-12");
  EXPECT_EQ(y2026["projects"][0]["indicators"][0]["actual"], 31);
  EXPECT_TRUE(y2026["projects"][0]["indicators"][0]["last_year"].is_null());  // no 2025 here
  // And 2026 as of November is exactly what it was before 2027 began.
  const nlohmann::json again =
      Status({"--year", "2026", "--as-of", "2026-11"}, "2027-02-15", catalog_2027_);
  EXPECT_EQ(again["projects"], november["projects"]);

  const auto report = Run({"report", "--year", "2026", "--kind", "self-eval", "--format", "csv",
                           "--project", "building-maintenance"},
                          "2027-02-15", catalog_2027_);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("项目支出绩效自评表（2026年度）"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("设备维护数量,≥,30,台,31,"), std::string::npos) << report.out;

  const auto history = Run({"history", "--year", "2026", "--project", "building-maintenance",
                            "--indicator", "devices-maintained", "--format", "json"},
                           "2027-02-15", catalog_2027_);
  EXPECT_EQ(nlohmann::json::parse(history.out).size(), 4u);  // the history is the series'

  const auto unknown = Run({"status", "--year", "2025"}, "2027-02-15", catalog_2027_);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--year 2025: no catalogue of 2025 was ever loaded in this data "
                             "directory (it holds 2026, 2027)"),
            std::string::npos)
      << unknown.err;
}

// A unit changed under stored values would misread them; values of another year are not read
// through the catalogue, so a new year may measure a reused id differently.
TEST_F(YearRolloverTest, ANewYearMayMeasureAReusedIdDifferently) {
  ASSERT_EQ(
      Run({"ingest", Report("2026-11.csv", "building-maintenance,devices-maintained,2026-11,28\n")},
          "2026-12-20")
          .exit_code,
      0);
  auto in_percent = [&](const std::string& year) {
    std::string catalog = ReadFile(catalog_2027_);
    catalog.replace(catalog.find("\nyear: 2027\n"), 12, "\nyear: " + year + "\n");
    const std::string target = "target: \"≥30台\"";
    catalog.replace(catalog.find(target), target.size(), "target: \"≥95%\"");
    return dir_.Write("catalog-" + year + "-percent.yaml", catalog);
  };
  const auto same_year = Run({"status"}, "2026-12-20", in_percent("2026"));
  EXPECT_NE(same_year.exit_code, 0);
  EXPECT_NE(same_year.err.find("building-maintenance/devices-maintained from 台 to %"),
            std::string::npos)
      << same_year.err;
  const auto next_year = Run({"status", "--format", "json"}, "2027-02-15", in_percent("2027"));
  EXPECT_EQ(next_year.exit_code, 0) << next_year.err;
}

TEST_F(YearRolloverTest, AFileForAYearWithoutACatalogueIsRefusedAsBefore) {
  const auto refused =
      Run({"ingest", Report("2025.csv", "building-maintenance,devices-maintained,2025-12,3\n")},
          "2026-02-15");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("period 2025-12 is not in the catalogue year 2026"), std::string::npos)
      << refused.err;
}

}  // namespace
}  // namespace ptmon
