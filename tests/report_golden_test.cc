// Both official reports and the status JSON on the embedded catalogue with a fixed month of
// actuals, compared byte for byte with reviewed files (scripts/update-golden.sh writes them).
#include <gtest/gtest.h>

#include "support/process.h"

namespace ptmon {
namespace {

using testing_support::ReadFile;
using testing_support::RunPtmon;
using testing_support::TempDir;

const std::string kGolden = std::string(PTMON_TEST_DATA) + "/golden";

class ReportGoldenTest : public testing::TestWithParam<std::vector<std::string>> {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir();
    const auto ingest = RunPtmon({"ingest", "--data-dir", data_->path(), "--now", "2026-08-15",
                                  kGolden + "/actuals-2026-07.csv"});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  }
  static void TearDownTestSuite() { delete data_; }
  static TempDir* data_;
};

TempDir* ReportGoldenTest::data_ = nullptr;

TEST_P(ReportGoldenTest, MatchesTheReviewedFile) {
  const auto& param = GetParam();  // golden file name, then the arguments
  std::vector<std::string> args(param.begin() + 1, param.end());
  args.insert(args.end(), {"--data-dir", data_->path(), "--now", "2026-08-15"});
  const auto result = RunPtmon(args);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, ReadFile(kGolden + "/" + param[0]))
      << "regenerate with scripts/update-golden.sh and review";
}

// The workbook holds the same tables as the CSV, cell for cell, laid out to print: read back as
// Excel reads it (openpyxl) by tests/tools/check_xlsx_report.py.
TEST_F(ReportGoldenTest, TheWorkbookHasTheSameCellsAsTheCsvAndPrintsAsTheForms) {
  for (const std::string kind : {"monitor", "self-eval"}) {
    TempDir out;
    for (const std::string format : {"csv", "xlsx"}) {
      const auto result = RunPtmon({"report", "--kind", kind, "--format", format, "--out",
                                    out / ("report." + format), "--data-dir", data_->path(),
                                    "--now", "2026-08-15"});
      ASSERT_EQ(result.exit_code, 0) << result.err;
    }
    const auto check = testing_support::RunProcess(
        {"/usr/bin/python3", std::string(PTMON_SOURCE_DIR) + "/tests/tools/check_xlsx_report.py",
         out / "report.xlsx", out / "report.csv", "山西省社会保险局"});
    EXPECT_EQ(check.exit_code, 0) << kind << ": " << check.out << check.err;
  }
}

std::vector<std::vector<std::string>> Cases() {
  std::vector<std::vector<std::string>> cases;
  for (const std::string kind : {"monitor", "self-eval"}) {
    for (const std::string format : {"md", "csv", "html"}) {
      cases.push_back({kind + "-2026-07." + format, "report", "--as-of", "2026-07", "--kind", kind,
                       "--format", format});
    }
  }
  cases.push_back({"status-2026-07.json", "status", "--format", "json"});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Embedded, ReportGoldenTest, testing::ValuesIn(Cases()));

TEST(StatusCliTest, RejectsAMonthOutsideTheYearAndAnUnknownProject) {
  TempDir dir;
  auto bad_month = RunPtmon({"status", "--data-dir", dir.path(), "--as-of", "2025-07"});
  EXPECT_EQ(bad_month.exit_code, 2);
  EXPECT_NE(bad_month.err.find("--as-of 2025-07 is not a month of 2026"), std::string::npos);
  auto unknown = RunPtmon({"status", "--data-dir", dir.path(), "--project", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no project is called 'nope'"), std::string::npos);
}

}  // namespace
}  // namespace ptmon
