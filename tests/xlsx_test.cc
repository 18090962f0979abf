// The .xlsx reader below the report checker: what it reads from a workbook, and the limits
// that keep a hostile one from exhausting the daemon.
#include <gtest/gtest.h>

#include <ptmon/base/location.h>
#include <ptmon/tables/xlsx.h>

#include "support/process.h"

namespace ptmon {
namespace {

using testing_support::ReadFile;

const std::string kReports = std::string(PTMON_TEST_DATA) + "/reports";

const XlsxCell* Find(const XlsxSheet& sheet, const std::string& name) {
  for (const auto& cell : sheet.cells) {
    if (CellName(cell.row, cell.column) == name) return &cell;
  }
  return nullptr;
}

TEST(XlsxTest, ReadsEveryKindOfCellAsTheOfficeSuiteSavedIt) {
  auto workbook = ReadXlsx(ReadFile(kReports + "/good/july.xlsx"));
  ASSERT_TRUE(workbook.ok()) << workbook.status().message();
  ASSERT_EQ(workbook->sheets.size(), 4u);
  EXPECT_EQ(workbook->sheets[0].name, "填写说明");
  EXPECT_TRUE(workbook->sheets[3].hidden);
  EXPECT_FALSE(workbook->date1904);
  const XlsxSheet& sheet = workbook->sheets[1];
  EXPECT_EQ(Find(sheet, "A2")->text, "张三");  // an inline string
  const XlsxCell* formula = Find(sheet, "E2");
  EXPECT_EQ(formula->kind, XlsxCell::Kind::kNumber);  // by its saved value
  EXPECT_EQ(formula->number, 12);
  EXPECT_EQ(Find(sheet, "G2")->text, "技术人员不足, 已增派\"两人\"");  // runs, not the reading
  EXPECT_EQ(Find(sheet, "D2")->shown, XlsxCell::Shown::kDate);
  EXPECT_EQ(Find(sheet, "D3")->shown, XlsxCell::Shown::kDate);  // yyyy"年"m"月"
  EXPECT_EQ(Find(sheet, "E6")->shown, XlsxCell::Shown::kPercent);
  EXPECT_EQ(Find(sheet, "E7")->shown, XlsxCell::Shown::kGeneral);  // #,##0.00_);[Red]…
  // Prefixed elements, rows and cells without references: placed by their order.
  const XlsxSheet& twins = workbook->sheets[2];
  EXPECT_EQ(Find(twins, "A2")->text, "twin-a");
  EXPECT_EQ(Find(twins, "F2")->text, "6.2万");
}

TEST(XlsxTest, SerialDaysAreExcelsDatesInBothDateSystems) {
  EXPECT_EQ(DateFromSerial(46204, false), (Date{2026, 7, 1}));
  EXPECT_EQ(DateFromSerial(46204.75, false), (Date{2026, 7, 1}));  // the time of day
  EXPECT_EQ(DateFromSerial(44742, true), (Date{2026, 7, 1}));
  EXPECT_EQ(DateFromSerial(1, false), (Date{1900, 1, 1}));
  EXPECT_EQ(DateFromSerial(61, false), (Date{1900, 3, 1}));  // after Excel's 29 February 1900
  EXPECT_EQ(DateFromSerial(2958465, false), (Date{9999, 12, 31}));
  EXPECT_FALSE(DateFromSerial(0, false).has_value());
  EXPECT_FALSE(DateFromSerial(-3, false).has_value());
  EXPECT_FALSE(DateFromSerial(1e300, false).has_value());
}

TEST(XlsxTest, NumbersReadAsTheCellShowsThem) {
  EXPECT_EQ(ExcelNumberText(62000), "62000");
  EXPECT_EQ(ExcelNumberText(0.1 + 0.2), "0.3");  // a formula's binary noise
  EXPECT_EQ(ExcelNumberText(0.96 * 100), "96");
  EXPECT_EQ(ExcelNumberText(123456.78), "123456.78");
  EXPECT_EQ(ExcelNumberText(0.955), "0.955");
  EXPECT_EQ(ExcelNumberText(-4.5), "-4.5");
  EXPECT_EQ(ExcelNumberText(1e20), "1e+20");
  EXPECT_EQ(ExcelNumberText(1.5e-9), "1.5e-09");
}

TEST(XlsxTest, LimitsStopAHostileWorkbookBeforeItCostsMemory) {
  const std::string good = ReadFile(kReports + "/good/july.xlsx");
  XlsxLimits small;
  small.max_part_bytes = 1000;
  auto refused = ReadXlsx(good, small);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("zip bomb"), std::string::npos);
  small = {};
  small.max_total_bytes = 5000;
  EXPECT_NE(ReadXlsx(good, small).status().message().find("too large once unpacked"),
            std::string::npos);
  small = {};
  small.max_entries = 3;
  EXPECT_NE(ReadXlsx(good, small).status().message().find("more than the 3 a workbook may have"),
            std::string::npos);
  small = {};
  small.max_cells = 10;
  EXPECT_NE(ReadXlsx(good, small).status().message().find("too many cells"), std::string::npos);
  small = {};
  small.max_xml_depth = 4;
  EXPECT_NE(ReadXlsx(good, small).status().message().find("nested deeper than 4"),
            std::string::npos);
}

TEST(XlsxTest, WhatIsNotAnXlsxWorkbookSaysWhatItIs) {
  EXPECT_NE(ReadXlsx("项目,指标\n").status().message().find("not an .xlsx workbook"),
            std::string::npos);
  EXPECT_NE(ReadXlsx("").status().message().find("not an .xlsx workbook"), std::string::npos);
  EXPECT_NE(ReadXlsx(ReadFile(kReports + "/bad/encrypted.xlsx"))
                .status()
                .message()
                .find("protected by a password"),
            std::string::npos);
  EXPECT_NE(ReadXlsx(ReadFile(kReports + "/bad/old-workbook-renamed.xlsx"))
                .status()
                .message()
                .find("old .xls workbook"),
            std::string::npos);
  // Every prefix of a good workbook is refused as damaged, never read in part.
  const std::string good = ReadFile(kReports + "/good/july.xlsx");
  for (size_t size = 0; size < good.size(); size += 97) {
    const auto cut = ReadXlsx(std::string_view(good).substr(0, size));
    EXPECT_FALSE(cut.ok()) << size;
  }
}

TEST(CellNameTest, NamesCellsAsSpreadsheetsDo) {
  EXPECT_EQ(CellName(7, 3), "C7");
  EXPECT_EQ(CellName(1, 26), "Z1");
  EXPECT_EQ(CellName(1, 27), "AA1");
  EXPECT_EQ(CellName(1048576, 16384), "XFD1048576");
  EXPECT_EQ(CellName(0, 28), "AB");
  Diagnostic diagnostic;
  diagnostic.file = "七月.xlsx";
  diagnostic.sheet = "Sheet 1";
  diagnostic.line = 7;
  diagnostic.column = 3;
  diagnostic.message = "x";
  EXPECT_EQ(diagnostic.ToString(), "七月.xlsx:'Sheet 1'!C7: x");
  diagnostic.sheet = "设备项目";
  diagnostic.column = 0;
  EXPECT_EQ(diagnostic.ToString(), "七月.xlsx:设备项目!7:7: x");
}

}  // namespace
}  // namespace ptmon
