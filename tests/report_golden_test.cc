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
const std::string kSource = PTMON_SOURCE_DIR;

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

// Both tables of all ten projects in CSV, HTML and XLSX, re-derived by an independent
// calculation from the catalogue and the reported values (tests/tools/check_official_tables.py):
// the budget's columns add up to 总额, 执行率 is 执行数 ÷ 调整后预算数, 全年预计执行数 is never
// above the budget, weights total 100 with the budget's 10, scores stay within their weights and
// add up to 合计, figures are in their published units, and the workbook's figures are numbers.
TEST_F(ReportGoldenTest, EveryFigureIsReDerivedFromTheCatalogueAndTheReports) {
  for (const std::string kind : {"monitor", "self-eval"}) {
    TempDir out;
    for (const std::string format : {"csv", "html", "xlsx"}) {
      const auto result = RunPtmon({"report", "--kind", kind, "--format", format, "--out",
                                    out / ("report." + format), "--data-dir", data_->path(),
                                    "--now", "2026-08-15", "--as-of", "2026-07"});
      ASSERT_EQ(result.exit_code, 0) << result.err;
    }
    const auto check = testing_support::RunProcess(
        {"/usr/bin/python3", kSource + "/tests/tools/check_official_tables.py",
         kSource + "/config/default-catalog.yaml", kGolden + "/actuals-2026-07.csv", "2026-07",
         kind, out / "report.csv", out / "report.html", out / "report.xlsx"});
    EXPECT_EQ(check.exit_code, 0) << kind << ": " << check.out << check.err;
  }
}

// LibreOffice prints the workbooks with every row as tall as its wrapped text: no line of text
// runs into another (tests/tools/check_pdf_text.py reads the PDF's text boxes).
TEST_F(ReportGoldenTest, TheWorkbooksPrintWithoutOverlappingText) {
  TempDir out;
  std::vector<std::string> convert = {
      "/usr/bin/soffice", "--headless", "-env:UserInstallation=file://" + (out / "profile"),
      "--convert-to",     "pdf",        "--outdir",
      out / "pdf"};
  std::vector<std::string> check = {"/usr/bin/python3", kSource + "/tests/tools/check_pdf_text.py"};
  for (const std::string kind : {"monitor", "self-eval"}) {
    const auto result =
        RunPtmon({"report", "--kind", kind, "--format", "xlsx", "--out", out / (kind + ".xlsx"),
                  "--data-dir", data_->path(), "--now", "2026-08-15", "--as-of", "2026-07"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    convert.push_back(out / (kind + ".xlsx"));
    check.push_back(out / ("pdf/" + kind + ".pdf"));
  }
  const auto pdf = testing_support::RunProcess(convert);
  ASSERT_EQ(pdf.exit_code, 0) << pdf.out << pdf.err;
  const auto result = testing_support::RunProcess(check);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

// 工伤档案用房租赁费 paid its whole year's rent (26.30万元) in July: 执行率 is what was spent
// over the budget (100.00%), and the year-end forecast is the budget, not 12/7 of the rent.
TEST_F(ReportGoldenTest, ARentPaidInOneSumIsExecutedAtItsBudgetNotForecastAboveIt) {
  for (const std::string kind : {"monitor", "self-eval"}) {
    const auto result =
        RunPtmon({"report", "--kind", kind, "--format", "csv", "--project", "archive-rent",
                  "--data-dir", data_->path(), "--now", "2026-08-15", "--as-of", "2026-07"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("\n总额,26.30,26.30,26.30,100.00%,26.30,"), std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find("45.09"), std::string::npos) << result.out;
    // 171.43% is how far spending runs ahead of time: the monitor's 执行进度与时间进度之比 only.
    const size_t ahead = result.out.find("171.43%");
    if (kind == "monitor") {
      EXPECT_NE(result.out.find("100.00%,26.30,171.43%,"), std::string::npos) << result.out;
      EXPECT_EQ(ahead, result.out.rfind("171.43%")) << result.out;
    } else {
      EXPECT_EQ(ahead, std::string::npos) << result.out;
    }
  }
}

// The finance office edits the 自评表's drafted texts before printing: --draft-texts writes
// them as YAML, --texts prints the edited ones; a field left out keeps its draft, and a wrong
// project or field is refused with its place, printing nothing.
TEST_F(ReportGoldenTest, TheConclusionsAreDraftedFromTheManagersAndEditedBeforePrinting) {
  TempDir dir;
  const std::vector<std::string> common = {"--kind", "self-eval",  "--data-dir", data_->path(),
                                           "--now",  "2026-08-15", "--as-of",    "2026-07"};
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "report");
    args.insert(args.end(), common.begin(), common.end());
    return RunPtmon(args);
  };
  const auto draft = run({"--draft-texts"});
  ASSERT_EQ(draft.exit_code, 0) << draft.err;
  EXPECT_NE(draft.out.find(
                "building-maintenance:  # 维修维护费\n  评价结论: \"自评得分86.91分，等级良。"),
            std::string::npos)
      << draft.out;
  EXPECT_NE(draft.out.find("设备维护数量：人员保障: 技术人员不足"), std::string::npos) << draft.out;
  EXPECT_NE(draft.out.find("工作正常运转保障度：制定更换计划"), std::string::npos) << draft.out;

  const std::string texts =
      dir.Write("texts.yaml",
                "building-maintenance:\n  评价结论: 经复核，项目总体完成年度目标。\n"
                "  项目负责人: 张三\n  财务负责人: 李四\n");
  const auto edited = run({"--texts", texts, "--format", "csv"});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_NE(edited.out.find("评价结论,经复核，项目总体完成年度目标。"), std::string::npos);
  EXPECT_NE(edited.out.find("项目负责人：张三,财务负责人：李四"), std::string::npos);
  EXPECT_NE(edited.out.find("存在问题,1. 预算执行率39.92%"), std::string::npos) << edited.out;
  EXPECT_NE(edited.out.find("评价结论,自评得分"), std::string::npos) << "the others keep drafts";

  std::string too_long;
  for (int i = 0; i < 2001; ++i) too_long += "长";
  const std::string bad = dir.Write("bad.yaml",
                                    "building-maintenance:\n  结论: 好\nno-such-project:\n"
                                    "  评价结论: 好\narchive-rent:\n  存在问题: " +
                                        too_long + "\n");
  const auto refused = run({"--texts", bad, "--format", "csv"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(refused.err.find("bad.yaml:2:3"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("bad.yaml:3:1"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("no-such-project"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("bad.yaml:6:9: 存在问题太长: 2001 个字, 最多 2000 个字"),
            std::string::npos)
      << refused.err;
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
