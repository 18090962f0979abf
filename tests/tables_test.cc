// The CSV reader and the layout finder of tables/: what CSV files hold, in which encoding; where a
// sheet's header is, what the lines around it say, and which rows are values, as units save their
// sheets (titles, label lines, 主管部门 rows, notes, signature footers, merged cells).
#include <gtest/gtest.h>

#include <ptmon/tables/csv.h>
#include <ptmon/tables/layout.h>

namespace ptmon {
namespace {

using Cells = std::vector<std::string_view>;

bool NamesProject(const Cells& cells) {
  for (std::string_view cell : cells) {
    if (TableLabel(cell) == "项目名称") return true;
  }
  return false;
}

TEST(TableLayoutTest, FindsTheHeaderBelowATitleAndReadsWhatTheLinesAboveSay) {
  TableLayout layout(NamesProject);
  using Kind = TableLayout::RowKind;
  EXPECT_EQ(layout.Row({"部门预算项目绩效目标申报表(2023年度)"}, 1), Kind::kPreamble);
  EXPECT_EQ(layout.Row({"单位名称：312004-某县交通运输局", "", "金额单位：万元"}, 2),
            Kind::kPreamble);
  EXPECT_EQ(layout.Row({"820-马踏镇部门"}, 3), Kind::kPreamble);
  EXPECT_EQ(layout.Row({"单位名称", "项目名称", "资金总额（万元）", "单价"}, 4), Kind::kHeader);
  EXPECT_EQ(layout.header_line(), 4);
  EXPECT_EQ(layout.column_unit(2), "万元");
  EXPECT_EQ(layout.column_unit(3), "");
  const TablePreamble& preamble = layout.preamble();
  EXPECT_EQ(preamble.year, 2023);
  EXPECT_EQ(preamble.unit_code, "312004");
  EXPECT_EQ(preamble.unit_name, "某县交通运输局");
  EXPECT_EQ(preamble.amount_unit, "万元");
  EXPECT_EQ(preamble.department_code, "820");
  EXPECT_EQ(preamble.department, "马踏镇部门");

  EXPECT_EQ(layout.Row({"820001-井研县马踏镇人民政府", "慰问", "3.6", ""}, 5), Kind::kData);
  EXPECT_EQ(layout.Row({"", "", "", ""}, 6), Kind::kBlank);
  EXPECT_EQ(layout.Row({"注：本表由系统导出", "", "", ""}, 7), Kind::kNote);
  EXPECT_EQ(layout.Row({"", "830-另一部门", "", ""}, 8), Kind::kGroup);
  EXPECT_EQ(layout.preamble().department, "另一部门");
  EXPECT_EQ(layout.Row({"830001-另一单位", "维修", "1", ""}, 9), Kind::kData);
  EXPECT_EQ(layout.Row({"填报人：张三", "", "联系电话：0833-1234567", ""}, 10), Kind::kFooter);
  // Everything under the signature block belongs to it.
  EXPECT_EQ(layout.Row({"某单位", "某项目", "1", ""}, 11), Kind::kFooter);
}

TEST(TableLayoutTest, GivesUpAfterItsRowsWithoutAHeader) {
  TableLayout layout(NamesProject, 3);
  for (int line = 1; line <= 3; ++line) {
    EXPECT_FALSE(layout.gave_up());
    layout.Row({"说明"}, line);
  }
  EXPECT_TRUE(layout.gave_up());
  EXPECT_FALSE(layout.found());
}

TEST(TableLayoutTest, ReadsCodedNamesFootersAndNotes) {
  using Pair = std::pair<std::string, std::string>;
  EXPECT_EQ(SplitCodedName("820001-井研县马踏镇人民政府"), Pair("820001", "井研县马踏镇人民政府"));
  EXPECT_EQ(SplitCodedName("[312004]某县交通运输局"), Pair("312004", "某县交通运输局"));
  EXPECT_EQ(SplitCodedName("２０８０１－某局"), Pair("20801", "某局"));
  EXPECT_FALSE(SplitCodedName("2023-01-05"));
  EXPECT_FALSE(SplitCodedName("维修维护费"));
  EXPECT_TRUE(IsFooterRow({"", "审核人：赵六"}));
  EXPECT_TRUE(IsFooterRow({"单位负责人:王五"}));
  EXPECT_FALSE(IsFooterRow({"维修维护费", "填报人"}));
  EXPECT_TRUE(IsFooterRow({"填报人", "王五"}));
  EXPECT_FALSE(IsFooterRow({"填报人员培训费", "2026-07", "12"}));
  EXPECT_FALSE(IsFooterRow({"负责人培训", "2026-07", "12"}));
  EXPECT_TRUE(IsNoteRow({"注：满意度按问卷统计", ""}));
  EXPECT_FALSE(IsNoteRow({"注：", "满意度"}));
}

TEST(TableLayoutTest, AMergedCellIsOnEveryRowItCovers) {
  XlsxSheet sheet;
  auto text = [](int row, int column, std::string value) {
    XlsxCell cell;
    cell.row = row;
    cell.column = column;
    cell.kind = XlsxCell::Kind::kText;
    cell.text = std::move(value);
    return cell;
  };
  sheet.cells = {text(1, 1, "项目"),     text(1, 2, "指标"),   text(2, 1, "维修维护费"),
                 text(2, 2, "修复时间"), text(3, 2, "满意度"), text(4, 1, "另一项目"),
                 text(4, 2, "数量")};
  sheet.merges = {{2, 1, 3, 1}, {4, 1, 100000, 1}};  // the second runs past the used rows
  FillMergedCells(sheet);
  ASSERT_EQ(sheet.cells.size(), 8u);
  EXPECT_EQ(sheet.cells[4].row, 3);
  EXPECT_EQ(sheet.cells[4].column, 1);
  EXPECT_EQ(sheet.cells[4].text, "维修维护费");
  EXPECT_EQ(sheet.cells[5].text, "满意度");  // still by row, then column
}

std::vector<std::vector<std::string>> ReadAll(std::string_view text) {
  CsvReader reader(text);
  CsvRow row;
  std::vector<std::vector<std::string>> rows;
  while (reader.Next(row)) rows.emplace_back(row.fields.begin(), row.fields.end());
  EXPECT_TRUE(reader.status().ok()) << reader.status().message();
  return rows;
}

TEST(CsvReaderTest, ReadsRfc4180) {
  using Rows = std::vector<std::vector<std::string>>;
  EXPECT_EQ(ReadAll("a,b\r\n1,2\r\n"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("a,b\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("\"x, y\",\"say \"\"hi\"\"\"\n"), (Rows{{"x, y", "say \"hi\""}}));
  EXPECT_EQ(ReadAll("\"two\nlines\",z\n"), (Rows{{"two\nlines", "z"}}));
  EXPECT_EQ(ReadAll("a,,\n"), (Rows{{"a", "", ""}}));
  EXPECT_EQ(ReadAll(""), Rows{});
}

TEST(CsvReaderTest, CountsLinesAcrossQuotedNewlines) {
  CsvReader reader("h\n\"a\nb\"\nc\n");
  CsvRow row;
  ASSERT_TRUE(reader.Next(row));
  EXPECT_EQ(row.line, 1);
  ASSERT_TRUE(reader.Next(row));
  EXPECT_EQ(row.line, 2);
  ASSERT_TRUE(reader.Next(row));
  EXPECT_EQ(row.line, 4);
}

TEST(CsvReaderTest, EnforcesLimits) {
  CsvLimits limits;
  limits.max_field_bytes = 4;
  CsvReader reader("abcde\n", limits);
  CsvRow row;
  EXPECT_FALSE(reader.Next(row));
  EXPECT_NE(reader.status().message().find("longer than 4 bytes"), std::string::npos);
  EXPECT_EQ(reader.error_line(), 1);
}

TEST(CsvReaderTest, LimitsColumnsAndRows) {
  CsvLimits limits;
  limits.max_fields_per_row = 3;
  limits.max_rows = 2;
  CsvReader wide("a,b,c,d\n", limits);
  CsvRow row;
  EXPECT_FALSE(wide.Next(row));
  EXPECT_NE(wide.status().message().find("more than 3 columns"), std::string::npos);
  CsvReader tall("a\nb\nc\n", limits);
  EXPECT_TRUE(tall.Next(row));
  EXPECT_TRUE(tall.Next(row));
  EXPECT_FALSE(tall.Next(row));
  EXPECT_NE(tall.status().message().find("more than 2 rows; split the file"), std::string::npos);
  EXPECT_EQ(tall.error_line(), 3);
}

TEST(DecodeTextTest, DetectsUtf8BomAndGbk) {
  EXPECT_EQ(DecodeText("\xEF\xBB\xBF项目", TextEncoding::kAuto).value(), "项目");
  EXPECT_EQ(DecodeText("\xCF\xEE\xC4\xBF", TextEncoding::kAuto).value(), "项目");  // GBK
  EXPECT_EQ(DecodeText("项目", TextEncoding::kUtf8).value(), "项目");
  int line = 0;
  EXPECT_FALSE(DecodeText("a\nb\n\xFF\xFF", TextEncoding::kAuto, &line).ok());
  EXPECT_EQ(line, 3);
  EXPECT_FALSE(DecodeText("\xCF\xEE", TextEncoding::kUtf8).ok());  // forced UTF-8
  EXPECT_EQ(DecodeText(EncodeGb18030("偏差原因").value(), TextEncoding::kGb18030).value(),
            "偏差原因");
}

}  // namespace
}  // namespace ptmon
