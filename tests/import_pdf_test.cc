// `ptmon import` on a real PDF: target tables laid out as a budget disclosure prints them —
// narrow columns that wrap long names over several lines, one-line cells centred beside them,
// a table continued on the next page under a repeated header — printed by Chromium and read
// back through poppler's layout analysis, come back as the catalogue they were made from.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace ptmon {
namespace {

using testing_support::RunProcess;
using testing_support::RunPtmon;
using testing_support::TempDir;

struct Row {
  std::string level1, level2, name, target;
};

const std::vector<Row> kRows = {
    {"产出指标", "数量指标", "年度培训覆盖基层经办人员人次", "≥1.2万人次"},
    {"产出指标", "数量指标", "档案数字化整理卷数", "≥300卷"},
    {"产出指标", "质量指标", "经办业务差错率", "≤0.5%"},
    {"产出指标", "时效指标", "城乡居民养老保险待遇按月足额发放", "按时发放"},
    {"产出指标", "成本指标", "人均培训成本", "≤800元/人"},
    {"效益指标", "社会效益", "参保群众办理各项业务便利程度", "明显提升"},
    {"满意度指标", "服务对象满意度", "参训人员满意度", "≥95%"},
};

std::string Cell(const std::string& text, int span = 1) {
  return "<td" + (span > 1 ? " colspan=\"" + std::to_string(span) + "\"" : std::string()) + ">" +
         text + "</td>";
}

std::string Header() {
  return "<tr>" + Cell("绩效指标") + Cell("一级指标") + Cell("二级指标") + Cell("三级指标") +
         Cell("指标值") + Cell("二级指标") + Cell("三级指标") + Cell("指标值") + "</tr>";
}

// One 项目支出绩效目标表; the indicator rows continue on a new page after `break_after`.
std::string Table(const std::string& project, const std::vector<Row>& rows, size_t break_after) {
  std::string html =
      "<p class=\"title\">山西省省级预算部门（单位）项目支出绩效目标表</p>"
      "<p class=\"title\">(2027年度)</p><table>";
  html += "<tr>" + Cell("项目名称") + Cell(project, 7) + "</tr>";
  html += "<tr>" + Cell("主管部门及代码") + Cell("301-山西省人力资源和社会保障厅", 3) +
          Cell("实施单位") + Cell("山西省社会保险中心", 3) + "</tr>";
  html += "<tr>" + Cell("项目属性") + Cell("经常性项目（长期开展）", 3) + Cell("项目期") +
          Cell("3年", 3) + "</tr>";
  html += "<tr>" + Cell("项目资金(元)") + Cell("实施期资金总额:") + Cell("3,000,000", 2) +
          Cell("年度资金总额:") + Cell("1,000,000.50", 3) + "</tr>";
  html += "<tr>" + Cell("") + Cell("省级财政资金") + Cell("3,000,000", 2) + Cell("省级财政资金") +
          Cell("1,000,000.50", 3) + "</tr>";
  html += "<tr>" + Cell("总体目标") + Cell("提升基层经办能力，方便群众办事。", 3) +
          Cell("完成年度培训和档案数字化任务，群众满意。", 4) + "</tr>";
  html += Header();
  std::string level1;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    if (i == break_after) html += "</table><table class=\"next\">" + Header();
    html += "<tr>" + Cell("") + Cell(row.level1 != level1 ? row.level1 : "") + Cell(row.level2) +
            Cell(row.name) + Cell(row.target) + Cell(row.level2) + Cell(row.name) +
            Cell(row.target) + "</tr>";
    level1 = row.level1;
  }
  html += "</table><p>负责人: 经办人: 联系电话: 填报日期: 20260713150557</p>";
  return html;
}

TEST(ImportPdfTest, APrintedDisclosureWithWrappedCellsAndAPageBreakImportsBack) {
  if (RunProcess({"sh", "-c", "command -v chromium && command -v pdftotext"}).exit_code != 0) {
    GTEST_SKIP() << "chromium and poppler-utils print and read the PDF "
                    "(scripts/install-deps.sh --with-test-peers)";
  }
  TempDir dir;
  const std::string html = dir.Write(
      "disclosure.html",
      "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><style>"
      "body{font-family:'WenQuanYi Micro Hei',sans-serif;font-size:11px}"
      "table{border-collapse:collapse;width:560px;table-layout:fixed;margin-bottom:8px}"
      "td{border:1px solid #000;padding:3px 4px;vertical-align:middle;word-break:break-all}"
      "table.next{break-before:page}.title{text-align:center}"
      "</style></head><body>" +
          Table("基层经办能力提升培训及档案数字化专项", kRows, 4) +
          "<div style=\"break-before:page\"></div>" +
          Table("档案数字化", {kRows[1], kRows[6]}, 99) + "</body></html>");
  const std::string pdf = dir / "disclosure.pdf";
  const auto printed =
      RunProcess({"timeout", "120", "chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                  "--no-pdf-header-footer", "--user-data-dir=" + (dir / "chromium"),
                  "--print-to-pdf=" + pdf, "file://" + html});
  ASSERT_TRUE(std::filesystem::exists(pdf)) << printed.err;

  const auto imported = RunPtmon({"import", pdf, "--out", dir / "catalog.yaml"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.err.find("2 projects, 9 indicators imported"), std::string::npos)
      << imported.err;
  const auto shown = RunPtmon({"catalog", "--catalog", dir / "catalog.yaml", "--format", "json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err << imported.err;
  const auto catalog = nlohmann::json::parse(shown.out);
  EXPECT_EQ(catalog["year"], 2027);
  ASSERT_EQ(catalog["projects"].size(), 2u);
  const auto& project = catalog["projects"][0];
  EXPECT_EQ(project["name"], "基层经办能力提升培训及档案数字化专项");
  EXPECT_EQ(project["department"], "301-山西省人力资源和社会保障厅");
  EXPECT_EQ(project["annual_funds_yuan"], 1000000.5);
  ASSERT_EQ(project["indicators"].size(), kRows.size());
  for (size_t i = 0; i < kRows.size(); ++i) {
    const auto& indicator = project["indicators"][i];
    EXPECT_EQ(indicator["level1"], kRows[i].level1) << i;
    EXPECT_EQ(indicator["level2"], kRows[i].level2) << i;
    EXPECT_EQ(indicator["name"], kRows[i].name) << i;
    EXPECT_EQ(indicator["target"]["text"], kRows[i].target) << i;
  }
}

}  // namespace
}  // namespace ptmon
