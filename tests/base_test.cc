#include <gtest/gtest.h>

#include <ptmon/base/clock.h>
#include <ptmon/base/location.h>
#include <ptmon/base/sha256.h>
#include <ptmon/base/text.h>

namespace ptmon {
namespace {

TEST(TextTest, ParseDecimalAcceptsPlainAndGroupedNumbers) {
  struct Case {
    std::string text;
    std::optional<double> expected;
  };
  const Case cases[] = {{"12", 12},
                        {"-3.5", -3.5},
                        {"1,234.5", 1234.5},
                        {"1,234,567", 1234567},
                        {".5", 0.5},
                        {"", std::nullopt},
                        {"1,23", std::nullopt},
                        {"12a", std::nullopt},
                        {"1.2.3", std::nullopt},
                        {",123", std::nullopt},
                        {"-", std::nullopt},
                        {"1e5", std::nullopt},
                        {"007", 7},
                        {"5.", 5},
                        {"62000.25", 62000.25},
                        {"1,000.5", 1000.5},
                        {"12 ", std::nullopt},
                        {"0x10", std::nullopt},
                        {"inf", std::nullopt},
                        {"1" + std::string(400, '0'), std::nullopt}};
  for (const auto& c : cases) {
    EXPECT_EQ(ParseDecimal(c.text), c.expected) << c.text;
  }
}

TEST(TextTest, ParseFenIsExactToTheFen) {
  EXPECT_EQ(ParseFen("8266024.73"), 826602473);
  EXPECT_EQ(ParseFen("224.73"), 22473);
  EXPECT_EQ(ParseFen("2,587,210,000"), 258721000000);
  EXPECT_EQ(ParseFen("0.1"), 10);
  EXPECT_EQ(ParseFen("1.234"), std::nullopt);
  EXPECT_EQ(ParseFen("-1"), std::nullopt);
}

TEST(TextTest, FoldsFullWidthAndTrims) {
  EXPECT_EQ(FoldFullWidth("＞１２．５％"), ">12.5%");
  EXPECT_EQ(FoldFullWidth("台（套）"), "台(套)");
  EXPECT_EQ(Trim("\xEF\xBB\xBF 项目\xE3\x80\x80"), "项目");
  EXPECT_EQ(NormalizeKey(" Reason_Category "), "reason_category");
}

TEST(TextTest, ValidatesUtf8) {
  EXPECT_TRUE(IsValidUtf8("项目 abc"));
  EXPECT_FALSE(IsValidUtf8("\xCF\xEE\xC4\xBF"));  // 项目 in GBK
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  // Long ASCII runs are skipped in words; a bad byte is found at every offset within one.
  for (size_t at = 0; at < 24; ++at) {
    std::string text(24, 'a');
    text[at] = '\xCF';
    EXPECT_FALSE(IsValidUtf8(text)) << at;
    text.replace(at, 1, "项");
    EXPECT_TRUE(IsValidUtf8(text)) << at;
  }
  EXPECT_TRUE(IsAscii("project,2026-07,95"));
  EXPECT_FALSE(IsAscii("95％"));
}

TEST(TextTest, FormatGroupedWritesFixedDecimalsWithSeparators) {
  EXPECT_EQ(FormatGrouped(49000, 2), "49,000.00");
  EXPECT_EQ(FormatGrouped(53.86, 2), "53.86");
  EXPECT_EQ(FormatGrouped(1234567.891, 2), "1,234,567.89");
  EXPECT_EQ(FormatGrouped(60000, 0), "60,000");
  EXPECT_EQ(FormatGrouped(999, 0), "999");
  EXPECT_EQ(FormatGrouped(-1234.5, 1), "-1,234.5");
  EXPECT_EQ(FormatGrouped(-0.001, 2), "0.00");
}

// A reason typed as "=HYPERLINK(...)" or "@SUM(...)" must open in Excel and WPS as the text it is,
// never as a formula; numbers stay numbers.
TEST(TextTest, CsvCellQuotesAndNeutralisesFormulas) {
  EXPECT_EQ(CsvCell("plain 文本"), "plain 文本");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvCell("bell\x07"), "bell\\x07");
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://x\",\"点击\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"点击\"\")\"");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
  EXPECT_EQ(CsvCell("-2+3"), "'-2+3");
  EXPECT_EQ(CsvCell("\tx"), "'\\x09x");
  EXPECT_EQ(CsvCell("-3.5"), "-3.5");
  EXPECT_EQ(CsvCell("+12%"), "+12%");
  EXPECT_EQ(CsvCell("-1,234.5"), "\"-1,234.5\"");
  EXPECT_EQ(CsvCell("-"), "-");
}

TEST(TextTest, CsvLineQuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvLine({"a", "b,c", "say \"hi\"", "x\ny"}),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\r\n");
}

TEST(TextTest, QuoteNeutralisesControlCharacters) {
  EXPECT_EQ(Quote("a\nb\x1b"), "'a\\x0Ab\\x1B'");
}

TEST(ClockTest, ParsesOnlyRealDates) {
  EXPECT_EQ(ParseDate("2026-07-15"), (Date{2026, 7, 15}));
  EXPECT_EQ(ParseDate("2024-02-29"), (Date{2024, 2, 29}));
  EXPECT_FALSE(ParseDate("2026-02-29"));
  EXPECT_FALSE(ParseDate("2026-13-01"));
  EXPECT_FALSE(ParseDate("2026-7-15"));
  EXPECT_FALSE(ParseDate("2026-07-15x"));
}

TEST(ClockTest, FixedClockStandsStillUntilAdvanced) {
  FixedClock clock(Date{2026, 7, 31});
  EXPECT_EQ(clock.Today(), (Date{2026, 7, 31}));
  clock.Advance(std::chrono::hours(24));
  EXPECT_EQ(clock.Today(), (Date{2026, 8, 1}));
}

TEST(Sha256Test, MatchesKnownDigest) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TextTest, DisplayWidthCountsWideCharactersTwiceAndColoursNever) {
  EXPECT_EQ(DisplayWidth("devices"), 7u);
  EXPECT_EQ(DisplayWidth("维修维护费"), 10u);
  EXPECT_EQ(DisplayWidth("≥30台"), 5u);   // ≥ is narrow, 台 wide
  EXPECT_EQ(DisplayWidth("９５％"), 6u);  // full-width forms
  EXPECT_EQ(DisplayWidth("\x1b[32mgreen\x1b[0m"), 5u);
}

// A figure is never printed across the threshold its light was judged on.
TEST(RoundKeepingSideTest, TruncatesTowardItsOwnSideOnlyWhenRoundingWouldCross) {
  EXPECT_DOUBLE_EQ(RoundKeepingSide(79.99, 1, {60, 80}), 79.9);  // not 80.0: yellow stays below
  EXPECT_DOUBLE_EQ(RoundKeepingSide(79.94, 1, {60, 80}), 79.9);  // rounds down anyway
  EXPECT_DOUBLE_EQ(RoundKeepingSide(80.0, 1, {60, 80}), 80.0);   // green at exactly 80
  EXPECT_DOUBLE_EQ(RoundKeepingSide(59.996, 2, {60, 80}), 59.99);
  EXPECT_DOUBLE_EQ(RoundKeepingSide(72.46, 1, {60, 80}), 72.5);  // far from any threshold
  EXPECT_DOUBLE_EQ(RoundKeepingSide(119.96, 1, {60, 80, 120}), 119.9);
}

TEST(TextTest, LengthsCountCharactersAndLongQuotesShowTheirStart) {
  EXPECT_EQ(CharacterCount("项目a"), 3u);
  EXPECT_EQ(QuoteExcerpt(std::string(200, 'x')), Quote(std::string(200, 'x')));
  std::string huge;
  for (int i = 0; i < 100'000; ++i) huge += "项";
  EXPECT_EQ(QuoteExcerpt(huge),
            Quote(huge.substr(0, 600)) + "…（共 100000 字 / 100000 characters）");
}

// Every problem counted, the first by place listed: 5,000 rows of three problems each, found
// out of order (as two threads' halves and a later pass find them).
TEST(DiagnosticsTest, CountsEveryProblemAndHoldsOnlyTheFirstByPlace) {
  Diagnostics diagnostics;
  for (int pass = 2; pass >= 0; --pass) {
    for (int row = 5000; row >= 1; --row) {
      diagnostics.Error("r.csv", row, pass + 1, "problem " + std::to_string(pass));
    }
  }
  diagnostics.Warning("r.csv", 1, 0, "a warning comes after every error");
  diagnostics.SortByPlace();
  EXPECT_EQ(diagnostics.error_count(), 15000);
  EXPECT_EQ(diagnostics.warning_count(), 1);
  ASSERT_EQ(diagnostics.all().size(), Diagnostics::kListed);
  EXPECT_EQ(diagnostics.omitted(), 15001 - static_cast<int>(Diagnostics::kListed));
  EXPECT_EQ(diagnostics.all().front().ToString(), "r.csv:1:1: problem 0");
  EXPECT_EQ(diagnostics.all()[3].ToString(), "r.csv:2:1: problem 0");
  EXPECT_EQ(diagnostics.all().back().ToString(), "r.csv:67:2: problem 1");
  const std::string text = diagnostics.ToString();
  EXPECT_TRUE(text.ends_with("/ and 14801 more not listed (15000 error(s), 1 warning(s) in all)\n"))
      << text;

  Diagnostics merged;
  merged.Error("a.yaml", 1, 1, "first");
  merged.Append(diagnostics);
  EXPECT_EQ(merged.error_count(), 15001);
  EXPECT_EQ(merged.all().front().message, "first");
  EXPECT_EQ(merged.all().size(), Diagnostics::kListed);
}

}  // namespace
}  // namespace ptmon
