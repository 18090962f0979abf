// `ptmon import`: the seed disclosure becomes the default catalogue, synthetic disclosures laid
// out as extraction lays them out come back as the catalogue they were made from, and budget
// systems' exports import with their weights — with every undecidable cell marked for review,
// never turned into a silently wrong target.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include <ptmon/base/text.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/import/catalog_import.h>

#include "support/process.h"
#include "support/spreadsheet.h"

namespace ptmon {
namespace {

using testing_support::RunPtmon;
using testing_support::TempDir;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Catalog MustLoad(const std::string& name, const std::string& yaml) {
  Diagnostics diagnostics;
  auto catalog = LoadCatalog({{name, yaml}}, diagnostics);
  EXPECT_TRUE(catalog.ok()) << diagnostics.ToString() << "\n" << yaml;
  return catalog.ok() ? std::move(catalog).value() : Catalog{};
}

// The lines of `yaml` from `from` (1-based) up to, not including, `to`.
std::string Lines(const std::string& yaml, int from, int to) {
  std::istringstream in(yaml);
  std::string line, out;
  for (int number = 1; std::getline(in, line); ++number) {
    if (number >= from && number < to) out += line + "\n";
  }
  return out;
}

// Whether the comments written just above an indicator (and inside it) contain `mark`.
bool Remarked(const std::string& yaml, const Project& project, size_t index,
              std::string_view mark) {
  const int from = index == 0 ? project.place.line : project.indicators[index - 1].place.line + 1;
  const int to = index + 1 < project.indicators.size() ? project.indicators[index + 1].place.line
                                                       : project.place.line + 100000;
  return Lines(yaml, from, to).find(mark) != std::string::npos;
}

struct Key {
  std::string level1, level2, name, target;
  auto operator<=>(const Key&) const = default;
};

Key KeyOf(const Indicator& indicator) {
  return {indicator.level1, indicator.level2, indicator.name, indicator.annual_target.text};
}

TEST(ImportDisclosureTest, TheSeedDisclosureImportsToTheDefaultCatalogue) {
  const std::string text = Slurp(std::string(PTMON_TEST_DATA) + "/import/disclosure-2026.txt");
  const std::string default_yaml =
      Slurp(std::string(PTMON_SOURCE_DIR) + "/config/default-catalog.yaml");
  auto imported = ImportDisclosureText(text, "disclosure-2026.txt");
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  const std::string yaml = WriteCatalogYaml(*imported);
  const std::vector<std::string> reviews = ReviewList(*imported);
  const Catalog catalog = MustLoad("imported.yaml", yaml);
  const Catalog expected = MustLoad("default-catalog.yaml", default_yaml);
  EXPECT_EQ(catalog.year, 2026);
  ASSERT_EQ(catalog.projects.size(), expected.projects.size());
  EXPECT_EQ(catalog.IndicatorCount(), expected.IndicatorCount());
  EXPECT_EQ(catalog.units[0].name, "山西省社会保险局");
  size_t same = 0;
  long long annual_fen = 0;
  for (size_t p = 0; p < catalog.projects.size(); ++p) {
    const Project& got = catalog.projects[p];
    const Project& want = expected.projects[p];
    SCOPED_TRACE(want.id);
    // 职数 for 职教幼教 is an OCR slip; the document's budget table spells the name rightly, and
    // the import says so instead of guessing which is right.
    if (got.name != want.name) {
      const std::string expected = "names the project with this budget '" + want.name + "'";
      EXPECT_TRUE(std::any_of(reviews.begin(), reviews.end(), [&](const auto& review) {
        return review.find(expected) != std::string::npos;
      })) << got.name;
    }
    for (auto [funds, expected_funds] : {std::pair{got.period_funds, want.period_funds},
                                         std::pair{got.annual_funds, want.annual_funds}}) {
      EXPECT_EQ(funds.total_fen, expected_funds.total_fen);
      EXPECT_EQ(funds.central_fen, expected_funds.central_fen);
      EXPECT_EQ(funds.provincial_fen, expected_funds.provincial_fen);
      EXPECT_EQ(funds.self_raised_fen, expected_funds.self_raised_fen);
    }
    annual_fen += got.annual_funds.total_fen;
    std::set<Key> wanted;
    for (const auto& indicator : want.indicators) wanted.insert(KeyOf(indicator));
    std::set<Key> found;
    for (size_t i = 0; i < got.indicators.size(); ++i) {
      const Key key = KeyOf(got.indicators[i]);
      found.insert(key);
      if (wanted.count(key)) {
        ++same;
        continue;
      }
      // Every difference is one the importer marked for review.
      EXPECT_TRUE(Remarked(yaml, got, i, "# REVIEW:")) << key.name << " " << key.target;
    }
    // And the default catalogue records a repair for each of them: no silent disagreement.
    for (size_t i = 0; i < want.indicators.size(); ++i) {
      if (found.count(KeyOf(want.indicators[i]))) continue;
      EXPECT_TRUE(Remarked(default_yaml, want, i, "# REPAIR:")) << want.indicators[i].name;
    }
  }
  EXPECT_EQ(annual_fen, 50913280000);  // 50913.28万元, as the disclosure states
  // Measured: 52 of the 66 indicators come out identical; docs/catalogue.md gives the figure.
  EXPECT_GE(same, 52u);
}

// A disclosure table as the document's text has it: the period group and the annual group
// side by side, tab-separated, names cut to `cut` characters in the annual column.
struct Row {
  std::string level1, level2, name, target;
};

std::string Cut(const std::string& text, size_t characters) {
  size_t i = 0;
  for (size_t n = 0; i < text.size() && n < characters; ++n) {
    const auto lead = static_cast<unsigned char>(text[i]);
    i += lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  }
  return text.substr(0, i);
}

std::string DisclosureTable(const std::string& project, const std::vector<Row>& rows, size_t cut,
                            bool double_qualitative, int repeat_row) {
  std::string text = "山西省省级预算部门（单位）项目支出绩效目标表\n\n(2027年度)\n\n";
  text += "项目名称\t\t" + project + "\t\t\t\t\n";
  text += "主管部门及代码\t\t301-山西省某厅\t\t实施单位\t\t山西省某中心\t\n";
  text += "项目属性\t\t经常性项目（长期开展）\t\t项目期\t\t3年\t\n";
  text += "项目资金 (元)\t\t实施期资金总额:\t\t3,000,000\t\t年度资金总额:\t\t1,000,000.50\t\n";
  text += "\t\t其中: 中央财政资金\t\t0\t\t其中: 中央财政资金\t\t0\t\n";
  text += "\t\t省级财政资金\t\t3,000,000\t\t省级财政资金\t\t1,000,000.50\t\n";
  text += "\t\t其他资金\t\t\t\t其他资金\t\t\t\n";
  text += "总体目标\t\t三年目标\t\t\t\t年度目标\t\t\n";
  text += "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值\n";
  std::string level1, level2;
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    std::string target = row.target;
    if (double_qualitative && target.find_first_of("0123456789") == std::string::npos) {
      target += target;
    }
    // Labels only where they change, as merged cells extract.
    const std::string l1 = row.level1 != level1 ? row.level1 : "";
    const std::string l2 = row.level2 != level2 ? row.level2 : "";
    level1 = row.level1;
    level2 = row.level2;
    std::string line = "\t" + l1 + "\t" + l2 + "\t" + row.name + "\t" + target + "\t" + l2 + "\t" +
                       Cut(row.name, cut) + "\t" + target + "\n";
    text += line;
    if (static_cast<int>(i) == repeat_row) text += "- 7 -\n\f" + line;  // a page break
  }
  text += "负责人:\t\t经办人:\t\t联系电话:\t\t填报日期:\t20260713150557\n\n";
  return text;
}

TEST(ImportDisclosureTest, SyntheticDisclosuresImportBackToTheirCatalogue) {
  const std::vector<Row> rows = {
      {"产出指标", "数量指标", "年度培训覆盖基层经办人员人次", "≥1.2万人次"},
      {"产出指标", "数量指标", "档案数字化", "≥300卷"},
      {"产出指标", "质量指标", "经办业务差错率", "≤0.5%"},
      {"产出指标", "时效指标", "待遇按月足额发放", "按时发放"},
      {"产出指标", "成本指标", "人均培训成本", "≤800元/人"},
      {"效益指标", "社会效益", "群众办事便利程度", "明显提升"},
      {"满意度指标", "服务对象满意度", "参训人员满意度", "≥95%"},
  };
  for (size_t cut : {5u, 8u, 40u}) {
    for (bool doubled : {false, true}) {
      for (int repeat : {-1, 2}) {
        SCOPED_TRACE("cut " + std::to_string(cut) + (doubled ? " doubled" : "") +
                     (repeat >= 0 ? " page break" : ""));
        const std::string text = DisclosureTable("基层经办能力提升", rows, cut, doubled, repeat) +
                                 DisclosureTable("档案数字化", {rows[1], rows[6]}, cut, false, -1);
        auto imported = ImportDisclosureText(text, "synthetic.txt");
        ASSERT_TRUE(imported.ok()) << imported.status().message();
        const Catalog catalog = MustLoad("synthetic.yaml", WriteCatalogYaml(*imported));
        ASSERT_EQ(catalog.projects.size(), 2u);
        EXPECT_EQ(catalog.year, 2027);
        EXPECT_EQ(catalog.units[0].name, "山西省某中心");
        const Project& project = catalog.projects[0];
        EXPECT_EQ(project.name, "基层经办能力提升");
        EXPECT_EQ(project.annual_funds.total_fen, 100000050);
        EXPECT_EQ(project.period_funds.provincial_fen, 300000000);
        EXPECT_EQ(project.period_years, 3);
        ASSERT_EQ(project.indicators.size(), rows.size());
        for (size_t i = 0; i < rows.size(); ++i) {
          EXPECT_EQ(KeyOf(project.indicators[i]),
                    (Key{rows[i].level1, rows[i].level2, rows[i].name, rows[i].target}));
        }
      }
    }
  }
}

// A disclosure's table is read as an export's is (tables/ TableLayout): the year in the title
// line, 单位名称 and 金额单位：万元 above the table, a note and a signature footer below it,
// whose three cells once made an indicator of 联系电话.
TEST(ImportDisclosureTest, ATablesTitleYearAmountUnitAndFooterAreReadAsAnExportsAre) {
  const std::vector<Row> rows = {
      {"产出指标", "数量指标", "档案数字化", "≥300卷"},
      {"满意度指标", "服务对象满意度", "查档群众满意度", "≥95%"},
  };
  std::string text = DisclosureTable("档案数字化", rows, 40, false, -1);
  auto replace = [&](const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  replace("山西省省级预算部门（单位）项目支出绩效目标表\n\n(2027年度)\n\n",
          "2027年度某县部门项目支出绩效目标表\n单位名称：301001-某县档案馆  金额单位：万元\n");
  replace("主管部门及代码\t\t301-山西省某厅\t\t实施单位\t\t山西省某中心\t\n",
          "主管部门及代码\t\t301-某县档案局\t\t实施单位\t\t\t\n");
  replace("项目资金 (元)", "项目资金");
  replace("3,000,000", "300");
  replace("3,000,000", "300");
  replace("1,000,000.50", "100.00005");
  replace("1,000,000.50", "100.00005");
  replace("负责人:\t\t经办人:\t\t联系电话:\t\t填报日期:\t20260713150557\n",
          "注：本表金额为年初预算数\n填报人：王五\t审核人：李华\t联系电话：0351-1234567\n");
  auto imported = ImportDisclosureText(text, "county.txt");
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  const Catalog catalog = MustLoad("county.yaml", WriteCatalogYaml(*imported));
  EXPECT_EQ(catalog.year, 2027);
  ASSERT_EQ(catalog.units.size(), 1u);
  EXPECT_EQ(catalog.units[0].name, "某县档案馆");
  ASSERT_EQ(catalog.projects.size(), 1u);
  const Project& project = catalog.projects[0];
  EXPECT_EQ(project.annual_funds.total_fen, 100000050);  // 100.00005万元
  EXPECT_EQ(project.period_funds.provincial_fen, 300000000);
  ASSERT_EQ(project.indicators.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(KeyOf(project.indicators[i]),
              (Key{rows[i].level1, rows[i].level2, rows[i].name, rows[i].target}));
  }
}

// A layout the team had not seen: the 绩效目标申报表 of the Ministry of Finance's reference
// template as counties publish it (one column group, 主管部门 without a code, 资金情况（万元）
// with 其中：财政拨款, a 一级指标 header, 其他说明的问题 and a signature footer). It imports
// into a catalogue that loads with no review line: nothing in it needs a person's decision.
TEST(ImportDisclosureTest, TheReferenceTemplatesTargetTableImportsWithoutReview) {
  const std::string text =
      "绩效目标申报表\n"
      "（2025年度）\n"
      "项目名称\t困难群众救助项目\n"
      "项目负责人及电话\t张华 0745-1234567\n"
      "主管部门\t某县民政局\t实施单位\t某县社会救助服务中心\n"
      "资金情况（万元）\t年度资金总额：\t120\t其中：财政拨款\t100\t其他资金\t20\n"
      "总体目标\t保障困难群众基本生活\n"
      "一级指标\t二级指标\t三级指标\t指标值\n"
      "产出指标\t数量指标\t农村低保发放人数\t≥1200人\n"
      "\t\t受助对象人次\t≥3000人次\n"
      "\t质量指标\t孤儿基本生活保障政策覆盖率\t≥100%\n"
      "\t成本指标\t农村低保标准\t≥450元/人·月\n"
      "效益指标\t社会效益指标\t政策知晓率\t≥95%\n"
      "满意度指标\t服务对象满意度指标\t受助对象满意度\t≥90%\n"
      "其他说明的问题\n"
      "填报人：\t单位负责人：\t填报日期：\n";
  auto imported = ImportDisclosureText(text, "county-template.txt");
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  const std::string yaml = WriteCatalogYaml(*imported);
  const Catalog catalog = MustLoad("county-template.yaml", yaml);
  EXPECT_EQ(catalog.year, 2025);
  ASSERT_EQ(catalog.units.size(), 1u);
  EXPECT_EQ(catalog.units[0].name, "某县社会救助服务中心");
  ASSERT_EQ(catalog.projects.size(), 1u);
  const Project& project = catalog.projects[0];
  EXPECT_EQ(project.name, "困难群众救助项目");
  EXPECT_EQ(project.department, "某县民政局");
  EXPECT_EQ(project.annual_funds.total_fen, 120000000);
  EXPECT_EQ(project.annual_funds.city_county_fen, 100000000);
  EXPECT_EQ(project.annual_funds.other_fen, 20000000);
  const std::vector<Key> want = {
      {"产出指标", "数量指标", "农村低保发放人数", "≥1200人"},
      {"产出指标", "数量指标", "受助对象人次", "≥3000人次"},
      {"产出指标", "质量指标", "孤儿基本生活保障政策覆盖率", "≥100%"},
      {"产出指标", "成本指标", "农村低保标准", "≥450元/人·月"},
      {"效益指标", "社会效益", "政策知晓率", "≥95%"},
      {"满意度指标", "服务对象满意度", "受助对象满意度", "≥90%"},
  };
  ASSERT_EQ(project.indicators.size(), want.size()) << yaml;
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(KeyOf(project.indicators[i]), want[i]);
  EXPECT_EQ(yaml.find("# REVIEW:"), std::string::npos) << yaml;
}

TEST(ImportDisclosureTest, TextWithoutTargetTablesIsRefused) {
  auto imported = ImportDisclosureText("第一部分 部门概况\n一、主要职能\n", "other.txt");
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.status().message(),
            "other.txt: no 项目支出绩效目标表 (project target table) found");
}

// Layout 1: the target spread over 指标性质, 指标值 and 度量单位, with weights and directions.
const std::vector<std::string> kSpreadHeader = {
    "单位名称", "项目名称", "年度资金总额（元）", "年度目标", "一级指标",  "二级指标", "三级指标",
    "指标性质", "指标值",   "度量单位",           "权重",     "指标方向性"};
const std::vector<std::vector<std::string>> kSpreadRows = {
    {"山西省某中心", "档案数字化", "1,000,000.50", "完成档案数字化", "产出指标", "数量指标",
     "数字化档案卷数", "≥", "300", "卷", "20", "正向"},
    {"", "", "", "", "", "质量指标", "验收合格率", "≥", "98", "%", "20", "正向"},
    {"", "", "", "", "", "时效指标", "完成时限", "≤", "6", "月", "10", "反向"},
    {"", "", "", "", "", "成本指标", "单卷成本", "≤", "30", "元/条", "", "反向"},
    {"", "", "", "", "效益指标", "社会效益", "查档便利程度", "定性", "明显提升", "", "30", ""},
    {"", "", "", "", "满意度指标", "服务对象满意度", "查档群众满意度", "≥", "90", "%", "10",
     "正向"},
    {"山西省某中心", "档案用房租赁", "263000", "保障档案存放", "产出指标", "数量指标", "租用面积",
     "=", "257.34", "平方米", "", "正向"},
};

std::vector<std::vector<std::string>> Table(const std::vector<std::string>& header,
                                            const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::vector<std::string>> table = {{"2027年项目支出绩效目标表"}, header};
  table.insert(table.end(), rows.begin(), rows.end());
  return table;
}

TEST(ImportTableTest, AnExportWithTheTargetSpreadOverColumnsImportsWithItsWeights) {
  auto imported = ImportTargetTable(Table(kSpreadHeader, kSpreadRows), 1, "export.csv");
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  imported->year = 2027;
  const Catalog catalog = MustLoad("export.yaml", WriteCatalogYaml(*imported));
  ASSERT_EQ(catalog.projects.size(), 2u);
  EXPECT_EQ(catalog.units[0].name, "山西省某中心");
  const Project& archive = catalog.projects[0];
  EXPECT_EQ(archive.annual_funds.total_fen, 100000050);
  EXPECT_EQ(archive.annual_goal, "完成档案数字化");
  ASSERT_EQ(archive.indicators.size(), 6u);
  EXPECT_EQ(KeyOf(archive.indicators[0]),
            (Key{"产出指标", "数量指标", "数字化档案卷数", "≥300卷"}));
  EXPECT_EQ(archive.indicators[2].annual_target.text, "≤6月");
  EXPECT_EQ(archive.indicators[3].annual_target.text, "≤30元/条");
  EXPECT_EQ(KeyOf(archive.indicators[4]),
            (Key{"效益指标", "社会效益", "查档便利程度", "明显提升"}));
  EXPECT_EQ(archive.indicators[5].level1, "满意度指标");
  EXPECT_EQ(*archive.indicators[0].weight, 20);
  EXPECT_FALSE(archive.indicators[3].weight.has_value());
  EXPECT_EQ(*archive.indicators[4].weight, 30);
  EXPECT_EQ(catalog.projects[1].indicators[0].annual_target.text, "257.34平方米");
}

// Exports that repeat the project's cells on every row (no merged cells) read the same.
TEST(ImportTableTest, AnExportRepeatingTheProjectOnEveryRowReadsTheSame) {
  auto filled = kSpreadRows;
  for (size_t r = 1; r < filled.size(); ++r) {
    for (size_t c = 0; c < 5; ++c) {
      if (filled[r][c].empty()) filled[r][c] = filled[r - 1][c];
    }
  }
  auto merged = ImportTargetTable(Table(kSpreadHeader, kSpreadRows), 1, "export.csv");
  auto repeated = ImportTargetTable(Table(kSpreadHeader, filled), 1, "export.csv");
  ASSERT_TRUE(merged.ok() && repeated.ok());
  EXPECT_EQ(WriteCatalogYaml(*merged), WriteCatalogYaml(*repeated));
}

// Layout 2: the whole target in one cell, the budget in 万元.
TEST(ImportTableTest, AnExportWithTheTargetInOneCellImports) {
  const std::vector<std::vector<std::string>> rows = {
      {"预算单位", "项目名称", "预算数（万元）", "一级指标", "二级指标", "三级指标", "指标值",
       "分值"},
      {"山西省社会保险局", "维修维护费", "53.86", "产出指标", "数量指标", "设备维护数量", "≥30台",
       "25"},
      {"", "", "", "", "时效指标", "大楼设备维修响应及时性", "及时", "25"},
      {"", "", "", "满意度指标", "服务对象满意度", "使用人员满意度", "≥90%", "40"},
  };
  auto imported = ImportTargetTable(rows, 1, "export.xlsx:Sheet1");
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  imported->year = 2026;
  const Catalog catalog = MustLoad("export.yaml", WriteCatalogYaml(*imported));
  const Project& project = catalog.projects[0];
  EXPECT_EQ(project.annual_funds.total_fen, 53860000);
  ASSERT_EQ(project.indicators.size(), 3u);
  EXPECT_EQ(project.indicators[1].annual_target.text, "及时");
  EXPECT_EQ(*project.indicators[2].weight, 40);
}

TEST(ImportTableTest, MalformedRowsAreMarkedForReviewAndNeverGivenAWrongTarget) {
  auto rows = kSpreadRows;
  rows[0][7] = "≤";         // contradicts 正向
  rows[1][7] = "约等于";    // no such comparison
  rows[2][8] = "六";        // 6 months written in words: "≤六月" has no number
  rows[3][10] = "三十";     // a weight that is not a number
  rows[4][5] = "成本指标";  // a level 2 that does not belong to 效益指标
  auto imported = ImportTargetTable(Table(kSpreadHeader, rows), 1, "export.csv");
  ASSERT_TRUE(imported.ok());
  imported->year = 2027;
  const std::string yaml = WriteCatalogYaml(*imported);
  const auto reviews = ReviewList(*imported);
  auto has = [&](std::string_view text) {
    for (const auto& review : reviews) {
      if (review.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("export.csv:3: the target '≤300卷' contradicts its direction '正向'"));
  EXPECT_TRUE(has("export.csv:4: the 指标性质 '约等于' is none of ≥, ≤, =, 定性"));
  EXPECT_TRUE(has("export.csv:5: the 指标值 '六' after '≤' is not a number; write it in digits"));
  EXPECT_TRUE(has("export.csv:6: the weight '三十' is not a number of points"));
  EXPECT_TRUE(has("export.csv:7: the table puts 成本指标 under 效益指标; taken as 产出指标"));
  // The contradictory and unreadable targets are written commented out: the catalogue loads
  // with the rest, and the person reviewing sees each beside its reason.
  const Catalog catalog = MustLoad("export.yaml", yaml);
  std::set<std::string> names;
  for (const auto& indicator : catalog.projects[0].indicators) names.insert(indicator.name);
  EXPECT_FALSE(names.count("数字化档案卷数"));
  EXPECT_FALSE(names.count("验收合格率"));
  EXPECT_FALSE(names.count("完成时限"));
  EXPECT_TRUE(names.count("单卷成本"));  // only its weight was dropped, and said so
  EXPECT_NE(yaml.find("# REVIEW: the target '≤300卷' contradicts its direction '正向'; correct "
                      "one of them (export.csv:3)\n#       - id: shu-zi-hua-dang-an-juan-shu\n"),
            std::string::npos)
      << yaml;
}

TEST(ImportCliTest, AWorkbookExportAndADisclosureImportFromTheCommandLine) {
  TempDir dir;
  const std::string workbook =
      dir.Write("export.xlsx", testing_support::XlsxReport(kSpreadHeader, kSpreadRows));
  const auto from_workbook =
      RunPtmon({"import", workbook, "--year", "2027", "--out", dir / "from-xlsx.yaml"});
  EXPECT_EQ(from_workbook.exit_code, 0) << from_workbook.err;
  EXPECT_NE(from_workbook.err.find("2 projects, 7 indicators imported"), std::string::npos)
      << from_workbook.err;
  EXPECT_EQ(RunPtmon({"check-config", "--catalog", dir / "from-xlsx.yaml"}).exit_code, 0);

  const auto disclosure =
      RunPtmon({"import", std::string(PTMON_TEST_DATA) + "/import/disclosure-2026.txt", "--out",
                dir / "unit.yaml"});
  EXPECT_EQ(disclosure.exit_code, 0) << disclosure.err;
  EXPECT_NE(disclosure.err.find("10 projects, 66 indicators imported; 22 lines to review"),
            std::string::npos)
      << disclosure.err;
  EXPECT_NE(disclosure.err.find("disclosure-2026.txt:687: the table puts 成本指标 under 效益指标"),
            std::string::npos);
  // An export under its title, as budget systems save it, is an export, not a disclosure.
  std::string titled = "2027年项目支出绩效目标表\n" + CsvLine(kSpreadHeader);
  for (const auto& row : kSpreadRows) titled += CsvLine(row);
  const auto from_csv = RunPtmon({"import", dir.Write("titled.csv", titled), "--year", "2027",
                                  "--out", dir / "from-csv.yaml"});
  EXPECT_EQ(from_csv.exit_code, 0) << from_csv.err;
  EXPECT_NE(from_csv.err.find("2 projects, 7 indicators imported"), std::string::npos)
      << from_csv.err;

  // Nothing usable: exit 1, nothing written.
  const std::string other = dir.Write("other.txt", "第一部分 部门概况\n");
  const auto nothing = RunPtmon({"import", other, "--out", dir / "none.yaml"});
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.err.find("other.txt: no header row with 项目名称"), std::string::npos)
      << nothing.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "none.yaml"));
}

// Issue #31: a township's 绩效目标申报表 as the budget system exports it — a title with the year,
// the 主管部门 on a line of its own above the unit's rows, the unit's code before its name, a
// rate as unit, a signature footer — imports into a catalogue that loads, with readable ids.
TEST(ImportCliTest, ATownshipExportImportsIntoACatalogueThatLoads) {
  TempDir dir;
  const std::string csv =
      "部门预算项目绩效目标申报表(2023年度),,,,,,,,,,\r\n"
      "820-马踏镇部门,,,,,,,,,,\r\n"
      "单位名称,项目名称,年度资金总额,年度目标,一级指标,二级指标,三级指标,指标性质,指标值,"
      "度量单位,权重\r\n"
      "820001-井研县马踏镇人民政府,困难群众走访慰问,36000,做好困难群众慰问,产出指标,数量指标,"
      "走访慰问,≥,1,人/年,40\r\n"
      ",,,,产出指标,成本指标,慰问标准,≤,300,元/人·月,20\r\n"
      ",,,,效益指标,社会效益指标,受益户数,≥,120,户,30\r\n"
      ",,,,满意度指标,服务对象满意度指标,满意度,≥,95,%,10\r\n"
      "填报人：张三,,联系电话：0833-1234567,,,,,,,,\r\n";
  const std::string path = dir.Write("export.csv", csv);
  const auto imported = RunPtmon({"import", path, "--out", dir / "catalog.yaml"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.err.find("1 projects, 4 indicators imported"), std::string::npos)
      << imported.err;
  EXPECT_EQ(imported.err.find("no 主管部门"), std::string::npos) << imported.err;
  EXPECT_EQ(imported.err.find("unknown unit"), std::string::npos) << imported.err;
  const auto checked = RunPtmon({"check-config", "--catalog", dir / "catalog.yaml"});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  const std::string yaml = Slurp(dir / "catalog.yaml");
  const Catalog catalog = MustLoad("catalog.yaml", yaml);
  EXPECT_EQ(catalog.year, 2023);
  EXPECT_EQ(catalog.units.at(0).id, "unit-820001");
  EXPECT_EQ(catalog.units.at(0).name, "井研县马踏镇人民政府");
  ASSERT_EQ(catalog.projects.size(), 1u);
  const Project& project = catalog.projects[0];
  EXPECT_EQ(project.id, "kun-nan-qun-zhong-zou-fang-wei-wen");
  EXPECT_EQ(project.department, "马踏镇部门");
  ASSERT_EQ(project.indicators.size(), 4u);
  EXPECT_EQ(project.indicators[0].id, "zou-fang-wei-wen");
  EXPECT_EQ(project.indicators[0].annual_target.text, "≥1人/年");
  EXPECT_EQ(project.indicators[1].annual_target.unit, "元/人·月");
  // The same table imported again gives the same ids.
  const auto again = RunPtmon({"import", path, "--out", dir / "again.yaml"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Slurp(dir / "again.yaml"), yaml);
}

// Issue #31: `金额单位：万元` above the header means 1,250 is 12,500,000 yuan, never 1,250; the
// 其中：财政拨款 column is a fund source; the footer is no project.
TEST(ImportTableTest, AmountsInWanAboveTheHeaderAndTheirSourcesImport) {
  const std::vector<std::vector<std::string>> rows = {
      {"2025年度项目支出绩效目标表"},
      {"单位名称：312004-某县交通运输局", "", "", "金额单位：万元"},
      {"项目名称", "年度资金总额", "其中：财政拨款", "其他资金", "一级指标", "二级指标", "三级指标",
       "指标值", "分值"},
      {"农村公路养护", "1,250", "1000", "250", "产出指标", "数量指标", "维修道路", "≥12公里", "50"},
      {"", "", "", "", "产出指标", "数量指标", "养护设备", "≥6个/年", "50"},
      {"填报人：李华", "", "联系电话：0351-7654321"},
  };
  auto imported = ImportTargetTable(rows, 1, "export.xlsx:Sheet1");
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  const Catalog catalog = MustLoad("export.yaml", WriteCatalogYaml(*imported));
  EXPECT_EQ(catalog.year, 2025);
  EXPECT_EQ(catalog.units.at(0).id, "unit-312004");
  ASSERT_EQ(catalog.projects.size(), 1u);
  const Project& project = catalog.projects[0];
  EXPECT_EQ(project.annual_funds.total_fen, 1'250'000'000);
  EXPECT_EQ(project.annual_funds.city_county_fen, 1'000'000'000);
  EXPECT_EQ(project.annual_funds.other_fen, 250'000'000);
  ASSERT_EQ(project.indicators.size(), 2u);
  EXPECT_EQ(project.indicators[1].annual_target.unit, "个/年");
  for (const auto& review : ReviewList(*imported)) {
    EXPECT_EQ(review.find("split it by source"), std::string::npos) << review;
  }
}

// An unknown unit is kept as published for review, and the weights it no longer counts toward
// are said so when it must be fixed first.
TEST(ImportTableTest, AnUnknownUnitIsKeptAndShortWeightsAreSaid) {
  const std::vector<std::vector<std::string>> rows = {
      {"单位名称", "项目名称", "资金总额", "一级指标", "二级指标", "三级指标", "指标值", "分值"},
      {"某县文旅局", "文旅推广", "100000", "产出指标", "数量指标", "推广活动", "≥4次/年", "50"},
      {"", "", "", "满意度指标", "服务对象满意度", "测评", "≥3颗星", "30"},
      {"", "", "", "满意度指标", "服务对象满意度", "满意度", "≥九十%", "20"},
  };
  auto imported = ImportTargetTable(rows, 1, "export.csv");
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  imported->year = 2026;
  const Catalog catalog = MustLoad("export.yaml", WriteCatalogYaml(*imported));
  ASSERT_EQ(catalog.projects[0].indicators.size(), 2u);
  EXPECT_EQ(catalog.projects[0].indicators[1].annual_target.unit, "颗星");
  std::string reviews;
  for (const auto& review : ReviewList(*imported)) reviews += review + "\n";
  EXPECT_NE(reviews.find("the unit '颗星' of '≥3颗星' is not one ptmon knows"), std::string::npos)
      << reviews;
  EXPECT_NE(reviews.find("add up to 80 of the table's 100 points"), std::string::npos) << reviews;
}

}  // namespace
}  // namespace ptmon
