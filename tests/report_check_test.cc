// Checking a report's rows against the catalogue, whatever format they come in: months as
// people write them, rates, lengths, ambiguous bare numbers, and a large file read on two threads.
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include <ptmon/config/catalog_loader.h>
#include <ptmon/ingest/actuals.h>

#include "support/process.h"

namespace ptmon {
namespace {

using testing_support::ReadFile;

const std::string kReports = std::string(PTMON_TEST_DATA) + "/reports";

TEST(ParsePeriodTest, AcceptsTheWaysPeopleWriteAMonth) {
  struct Case {
    const char* text;
    std::optional<Period> period;
  };
  const Case cases[] = {{"2026-07", Period{2026, 7}},
                        {"2026-7", Period{2026, 7}},
                        {"2026/07", Period{2026, 7}},
                        {"2026.07", Period{2026, 7}},
                        {"2026年7月", Period{2026, 7}},
                        {"2026年07月", Period{2026, 7}},
                        {"202607", Period{2026, 7}},
                        {"2026/7/1", Period{2026, 7}},
                        {"2026-07-31", Period{2026, 7}},
                        {"２０２６－０７", Period{2026, 7}},
                        {"2026-13", std::nullopt},
                        {"2026-00", std::nullopt},
                        {"2026-07-32", std::nullopt},
                        {"July 2026", std::nullopt},
                        {"26-07", std::nullopt},
                        {"2026年7", std::nullopt},
                        {"", std::nullopt},
                        {"2026-07x", std::nullopt},
                        {"1999-07", std::nullopt}};
  for (const auto& c : cases) EXPECT_EQ(ParsePeriod(c.text), c.period) << c.text;
}

// A rate the catalogue says can pass 100% (a growth rate) takes 150%; the others refuse it.
TEST(RateTest, OnlyARateAllowedToExceed100PercentTakes150) {
  std::string text = ReadFile(kReports + "/catalog.yaml");
  const std::string satisfaction = "target: \"≥90%\"}";
  text.replace(text.find(satisfaction), satisfaction.size(),
               "target: \"≥90%\", may_exceed_100_percent: true}");
  Diagnostics loading;
  const Catalog catalog = LoadCatalog({CatalogSource{"catalog.yaml", text}}, loading).value();
  Diagnostics diagnostics;
  const Submission submission =
      ParseReport("project,indicator,period,value\ndevices,satisfaction,2026-07,150%\n",
                  ReportFormat::kCsv, "r.csv", catalog, Date{2026, 8, 5}, {}, diagnostics);
  ASSERT_FALSE(diagnostics.has_errors()) << diagnostics.all().front().ToString();
  ASSERT_EQ(submission.values.size(), 1u);
  EXPECT_DOUBLE_EQ(submission.values.front().value, 1.5);
  // Only rates can be marked so.
  const std::string cost = "target: \"≤20万元\"}";
  text.replace(text.find(cost), cost.size(), "target: \"≤20万元\", may_exceed_100_percent: true}");
  Diagnostics refused;
  EXPECT_FALSE(LoadCatalog({CatalogSource{"catalog.yaml", text}}, refused).ok());
}

// A reason or an action is a paragraph (500 characters), a reporter a name (64); lengths count
// characters, so 500 Chinese characters fit.
TEST(ReportLimitsTest, ReasonsActionsAndReportersHaveLengthsInCharacters) {
  Diagnostics loading;
  const Catalog catalog =
      LoadCatalog({CatalogSource{"catalog.yaml", ReadFile(kReports + "/catalog.yaml")}}, loading)
          .value();
  auto repeated = [](std::string_view unit, int times) {
    std::string text;
    for (int i = 0; i < times; ++i) text += unit;
    return text;
  };
  auto parse = [&](const std::string& reason, const std::string& action,
                   const std::string& reporter, Diagnostics& diagnostics) {
    const std::string text =
        "project,indicator,period,value,reason,action,reporter\n"
        "devices,devices-maintained,2026-07,12," +
        reason + "," + action + "," + reporter + "\n";
    return ParseReport(text, ReportFormat::kCsv, "r.csv", catalog, Date{2026, 8, 5}, {},
                       diagnostics);
  };
  Diagnostics fits;
  const Submission taken =
      parse(repeated("因", 500), repeated("措", 500), repeated("张", 64), fits);
  EXPECT_FALSE(fits.has_errors()) << fits.ToString();
  ASSERT_EQ(taken.notes.size(), 1u);
  EXPECT_EQ(taken.notes[0].reason, repeated("因", 500));
  Diagnostics refused;
  const Submission none =
      parse(repeated("因", 501), repeated("措", 501), repeated("张", 65), refused);
  EXPECT_TRUE(none.values.empty());
  EXPECT_EQ(refused.ToString(),
            "r.csv:2:5: 'reason': 太长: 501 个字, 最多 500 个字, 请缩短 / 'reason': too long: 501 "
            "characters; shorten it to at most 500\n"
            "r.csv:2:6: 'action': 太长: 501 个字, 最多 500 个字, 请缩短 / 'action': too long: 501 "
            "characters; shorten it to at most 500\n"
            "r.csv:2:7: 'reporter': 太长: 65 个字, 最多 64 个字, 请缩短 / 'reporter': too long: 65 "
            "characters; shorten it to at most 64\n");
}

// The test catalogue with a province-sized budget (¥49,000,000) and twin-a's target ≥6万人.
Catalog AmbiguityCatalog() {
  std::string text = ReadFile(kReports + "/catalog.yaml");
  const std::string budget = "annual: {total: 500000, provincial: 500000}";
  text.replace(text.find(budget), budget.size(), "annual: {total: 49000000, provincial: 49000000}");
  const std::string people = "target: \"≥12万人\"";
  text.replace(text.find(people), people.size(), "target: \"≥6万人\"");
  Diagnostics loading;
  return LoadCatalog({CatalogSource{"catalog.yaml", text}}, loading).value();
}

// One row, checked for July; the errors, or the value read when there are none.
struct OneRow {
  std::string errors;
  double value = -1;
};
OneRow CheckOneRow(const Catalog& catalog, const std::string& row,
                   const ParseOptions& options = {}) {
  Diagnostics diagnostics;
  const Submission submission =
      ParseReport("project,indicator,period,value\n" + row + "\n", ReportFormat::kCsv, "r.csv",
                  catalog, Date{2026, 8, 15}, options, diagnostics);
  OneRow one;
  one.errors = diagnostics.ToString();
  if (submission.values.size() == 1) one.value = submission.values[0].value;
  return one;
}

// A bare 10.5 for ≤20万元 was once stored as 10.5元, a perfect score: it is refused, naming
// both readings, and the figure written with its unit or scale is taken.
TEST(AmbiguousNumberTest, ABareFigureAThousandTimesUnderTheTargetIsRefusedNamingBothReadings) {
  const Catalog catalog = AmbiguityCatalog();
  EXPECT_EQ(CheckOneRow(catalog, "devices,cost,2026-07,10.5").errors,
            "r.csv:2:4: 'value': 10.5 按 元 读是 10.5元，只有目标 ≤20万元 的 "
            "0.0053%；如果是 10.5万元，请写成 10.5万元；如果确实是 10.5元，请写上单位「元」。 / "
            "'value': '10.5' read as 10.5元 is 0.0053% of the target ≤20万元; did you mean "
            "10.5万元? Write the unit to say which.\n");
  const std::pair<std::string, double> taken[] = {
      {"devices,cost,2026-07,10.5万元", 105000},       {"devices,cost,2026-07,10.5万", 105000},
      {"devices,cost,2026-07,105000", 105000},         {"devices,cost,2026-07,105000元", 105000},
      {"devices,cost,2026-07,10.5元", 10.5},           {"devices,cost,2026-07,0", 0},
      {"twin-a,people,2026-07,62000", 62000},          {"twin-a,people,2026-07,0", 0},
      {"devices,repair-time,2026-07,0.5", 0.5},        {"devices,satisfaction,2026-07,0.5", 0.5},
      {"devices,repair-time,2026-07,30000小时", 30000}};
  for (const auto& [row, value] : taken) {
    const OneRow one = CheckOneRow(catalog, row);
    EXPECT_EQ(one.errors, "") << row;
    EXPECT_EQ(one.value, value) << row;
  }
  // A thousand times over is refused too; it has no smaller scale to suggest.
  EXPECT_EQ(CheckOneRow(catalog, "devices,repair-time,2026-07,30000").errors,
            "r.csv:2:4: 'value': 30000 按 小时 读是 30000小时，是目标 ≤24小时 的 1250 "
            "倍；请核对数字，如果确实是 30000小时，请写上单位「小时」。 / 'value': '30000' read "
            "as 30000小时 is 1250 times the target ≤24小时; check the figure, or write the unit "
            "to confirm it.\n");
}

// Spending is compared with the budget it is spent from (the annual or adjusted total, or its
// fund-source row's) at the same factor: the first months' spending is small, but not a
// thousandth of the budget; a written 元 says the figure is meant.
TEST(AmbiguousNumberTest, BareSpendingIsComparedWithTheAnnualBudget) {
  const Catalog catalog = AmbiguityCatalog();
  EXPECT_EQ(CheckOneRow(catalog, "devices,spent,2026-07,1.00").errors,
            "r.csv:2:4: 'value': 1.00 按 元 读是 1.00元，只有年度预算 4900.00万元 的 "
            "0.000002%；如果是 1.00万元，请写成 1.00万元；如果确实是 1.00元，请写上单位「元」。 / "
            "'value': '1.00' read as 1.00元 is 0.000002% of the annual budget of 4900.00万元; did "
            "you mean 1.00万元? Write the unit to say which.\n");
  EXPECT_NE(CheckOneRow(catalog, "devices,spent,2026-07,49000").errors, "");  // exactly 1/1000
  for (const std::string written : {"1元", "1.00万元", "49001", "0"}) {
    EXPECT_EQ(CheckOneRow(catalog, "devices,spent,2026-07," + written).errors, "") << written;
  }
}

// The value in force before is a second yardstick: a bare figure a thousand times off last
// month's is refused, both ways; a written unit still says it is meant.
TEST(AmbiguousNumberTest, ABareFigureAThousandTimesOffTheValueBeforeIsRefused) {
  const Catalog catalog = AmbiguityCatalog();
  std::vector<std::vector<std::tuple<uint32_t, int32_t, Period>>> asked;  // per call
  double before = 0;
  ParseOptions options;
  options.values_before = [&](const std::vector<SeriesMonth>& wanted) {
    asked.emplace_back();
    for (const SeriesMonth& month : wanted)
      asked.back().emplace_back(month.project, month.indicator, month.period);
    return std::vector<std::optional<double>>(wanted.size(), before);
  };
  before = 100;  // June's cost, written as 100元
  EXPECT_EQ(
      CheckOneRow(catalog, "devices,cost,2026-07,150000", options).errors,
      "r.csv:2:4: 'value': 150000 按 元 读是 150000元，是此前填报的 0.01万元 的 1500 "
      "倍；请核对数字，如果确实是 150000元，请写上单位「元」。 / 'value': '150000' read as "
      "150000元 is 1500 times the value reported before, 0.01万元; check the figure, or write "
      "the unit to confirm it.\n");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], (std::vector{std::make_tuple(0u, 3, Period{2026, 7})}));
  EXPECT_EQ(CheckOneRow(catalog, "devices,cost,2026-07,150000元", options).errors, "");
  EXPECT_EQ(CheckOneRow(catalog, "devices,cost,2026-07,99000", options).errors, "");
  before = 150000000;
  EXPECT_NE(CheckOneRow(catalog, "devices,cost,2026-07,150000", options)
                .errors.find("只有此前填报的 15000.00万元 的 0.1%；如果是 150000万元"),
            std::string::npos);
  before = 0;  // nothing to compare with
  EXPECT_EQ(CheckOneRow(catalog, "devices,cost,2026-07,150000", options).errors, "");
}

// The past is read once per file, after every row, for exactly the bare numbers that passed
// their target: not per row, not for numbers written with their unit. A YAML report is checked
// alike.
TEST(AmbiguousNumberTest, TheValuesBeforeAreReadOncePerFileForItsBareNumbers) {
  const Catalog catalog = AmbiguityCatalog();
  int reads = 0;
  std::vector<std::pair<int32_t, Period>> wanted_months;
  ParseOptions options;
  options.values_before = [&](const std::vector<SeriesMonth>& wanted) {
    ++reads;
    for (const SeriesMonth& month : wanted)
      wanted_months.emplace_back(month.indicator, month.period);
    return std::vector<std::optional<double>>(wanted.size(), 100.0);
  };
  Diagnostics diagnostics;
  ParseReport(
      "project,indicator,period,value\ndevices,cost,2026-06,150000\ndevices,cost,2026-07,1500\n"
      "devices,devices-maintained,2026-07,14台\ndevices,spent,2026-07,25万元\n",
      ReportFormat::kCsv, "r.csv", catalog, Date{2026, 8, 15}, options, diagnostics);
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(wanted_months,
            (std::vector<std::pair<int32_t, Period>>{{3, {2026, 6}}, {3, {2026, 7}}}));
  EXPECT_EQ(diagnostics.error_count(), 1) << diagnostics.ToString();  // June's 150000 vs 100
  EXPECT_NE(
      diagnostics.ToString().find("r.csv:2:4: 'value': 150000 按 元 读是 150000元，是此前填报的 "
                                  "0.01万元 的 1500 倍"),
      std::string::npos)
      << diagnostics.ToString();
  Diagnostics yaml;
  ParseReport("period: 2026-07\nprojects:\n  devices:\n    indicators:\n      cost: 150000\n",
              ReportFormat::kYaml, "r.yaml", catalog, Date{2026, 8, 15}, options, yaml);
  EXPECT_EQ(reads, 2);
  EXPECT_NE(yaml.ToString().find("150000 按 元 读是 150000元，是此前填报的 0.01万元 的 1500 倍"),
            std::string::npos)
      << yaml.ToString();
  Diagnostics target;
  ParseReport("period: 2026-07\nprojects:\n  devices:\n    indicators:\n      cost: 10.5\n",
              ReportFormat::kYaml, "r.yaml", catalog, Date{2026, 8, 15}, options, target);
  EXPECT_NE(target.ToString().find("10.5 按 元 读是 10.5元，只有目标 ≤20万元 的 0.0053%"),
            std::string::npos)
      << target.ToString();
  EXPECT_EQ(reads, 2) << "a number refused by its target is not compared with the past";
}

// Ten months of every default project, shaped like a real report: notes with quoted cells that
// span lines and hold doubled quotes, a reporter who changes half way, and problems in both
// halves (an unknown project, a bad value, a value repeated far from its first line).
std::string TenMonthsReport(const Catalog& catalog, bool stray_quote) {
  std::string text = "project,indicator,period,value,reason_category,reason,action,reporter\n";
  for (int month = 1; month <= 10; ++month) {
    const std::string reporter = month <= 6 ? "张三" : "李四";
    for (const Project& project : catalog.projects) {
      for (size_t i = 0; i < project.indicators.size(); ++i) {
        const Target& target = project.indicators[i].annual_target;
        const std::string value = target.kind == TargetKind::kQualitative ? "达成"
                                  : target.unit == "%"                    ? "96.5%"
                                                                          : "12.5" + target.unit;
        text += project.id + "," + project.indicators[i].id + ",2026-" + (month < 10 ? "0" : "") +
                std::to_string(month) + "," + value;
        if ((i + static_cast<size_t>(month)) % 3 == 0) {
          text += ",人员,\"第一行\n第二行, 含\"\"引号\"\"\",\"补充人员\"," + reporter + "\n";
        } else {
          text += ",,,," + reporter + "\n";
        }
      }
    }
    if (month == 2) text += "no-such-project,x,2026-03,1,,,,张三\n";
    if (month == 3 && stray_quote) {
      text += catalog.projects[0].id + ",spent,2026-11,5万,,他说\"好,,张三\n";
    }
    if (month == 9) text += catalog.projects[1].id + ",spent,2026-04,abc,,,,李四\n";
  }
  const size_t first = text.find('\n') + 1;
  text += text.substr(first, text.find('\n', first) + 1 - first);  // the first value again
  return text;
}

// The findings of a report read on two threads are those of one: the same values in the same
// order with the same notes and reporters, the same problems on the same lines.
TEST(ParseReportTest, ALargeCsvReadOnTwoThreadsFindsWhatOneThreadFinds) {
  Diagnostics loading;
  const Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, loading).value();
  for (bool stray_quote : {false, true}) {
    const std::string text = TenMonthsReport(catalog, stray_quote);
    const auto parse = [&](size_t split_from_bytes, Diagnostics& diagnostics) {
      ParseOptions options;
      options.split_from_bytes = split_from_bytes;
      return ParseReport(text, ReportFormat::kCsv, "大报表.csv", catalog, Date{2026, 11, 20},
                         options, diagnostics);
    };
    Diagnostics one_thread, two_threads;
    const Submission expected = parse(std::numeric_limits<size_t>::max(), one_thread);
    const Submission actual = parse(0, two_threads);
    EXPECT_EQ(two_threads.ToString(), one_thread.ToString());
    EXPECT_EQ(one_thread.error_count(), 3) << one_thread.ToString();
    ASSERT_EQ(actual.values.size(), expected.values.size());
    for (size_t i = 0; i < expected.values.size(); ++i) {
      const CheckedValue& a = actual.values[i];
      const CheckedValue& e = expected.values[i];
      ASSERT_EQ(std::tie(a.project, a.indicator, a.period, a.value, a.grade, a.line),
                std::tie(e.project, e.indicator, e.period, e.value, e.grade, e.line))
          << "value " << i;
      ASSERT_EQ(a.notes == 0, e.notes == 0) << "value " << i;
      if (a.notes != 0) {
        EXPECT_EQ(actual.notes[a.notes - 1].reason, expected.notes[e.notes - 1].reason);
        EXPECT_EQ(actual.notes[a.notes - 1].action, expected.notes[e.notes - 1].action);
      }
      ASSERT_EQ(actual.reporters[a.reporter], expected.reporters[e.reporter]) << "value " << i;
    }
    EXPECT_EQ(actual.MainReporter(), "张三");
    EXPECT_EQ(actual.skipped_rows, expected.skipped_rows);
    EXPECT_EQ(actual.years, expected.years);
  }
}

// The console's form hands its rows to the checker as they are: each problem comes back at the
// row and box it is about, led by the box's label naming the indicator, including a figure found
// a thousand times off the value before once every row is read; the values are those the same
// rows give as a CSV file.
TEST(CheckReportRowsTest, AFormsRowsAreCheckedAsAFilesAndProblemsComeBackToTheirBoxes) {
  const Catalog catalog = AmbiguityCatalog();
  auto row = [](std::string indicator, std::string name, std::string value,
                std::string likelihood = "") {
    ReportRow r;
    r.project = "devices";
    r.indicator = std::move(indicator);
    r.period = "2026-07";
    r.reporter = "王五";
    const char* boxes[] = {"完成值", "偏差原因", "偏差说明", "改进措施", "完成可能性"};
    for (size_t c = 0; c < r.cells.size(); ++c) r.cells[c].label = "「" + name + "」的" + boxes[c];
    r.cells[0].text = std::move(value);
    r.cells[4].text = std::move(likelihood);
    return r;
  };
  ParseOptions options;
  options.values_before = [](const std::vector<SeriesMonth>& wanted) {
    return std::vector<std::optional<double>>(wanted.size(), 12.0);  // June's 12 of each
  };
  Diagnostics diagnostics;
  const std::vector<ReportRow> rows = {row("repair-time", "设备故障修复处理时间", "20", "也许"),
                                       row("devices-maintained", "设备维护数量", "12000"),
                                       row("cost", "维修成本", "10.5")};
  CheckReportRows(rows, "console-devices-2026-07.csv", catalog, Date{2026, 8, 15}, options,
                  diagnostics);
  ASSERT_EQ(diagnostics.all().size(), 3u) << diagnostics.ToString();
  const Diagnostic& likelihood = diagnostics.all()[0];
  EXPECT_EQ(std::pair(likelihood.line, likelihood.column), std::pair(1, 5));
  EXPECT_TRUE(
      likelihood.message.starts_with("'「设备故障修复处理时间」的完成可能性': '也许' 不是可选值"))
      << likelihood.message;
  const Diagnostic& before = diagnostics.all()[1];
  EXPECT_EQ(std::pair(before.line, before.column), std::pair(2, 1));
  EXPECT_TRUE(before.message.starts_with(
      "'「设备维护数量」的完成值': 12000 按 台 读是 12000台，是此前填报的 12台"))
      << before.message;
  const Diagnostic& target = diagnostics.all()[2];
  EXPECT_EQ(std::pair(target.line, target.column), std::pair(3, 1));
  EXPECT_TRUE(target.message.starts_with(
      "'「维修成本」的完成值': 10.5 按 元 读是 10.5元，只有目标 ≤20万元 的 0.0053%"))
      << target.message;

  Diagnostics good, as_csv;
  const Submission from_rows = CheckReportRows({row("repair-time", "设备故障修复处理时间", "20"),
                                                row("cost", "维修成本", "10.5万元", "有可能")},
                                               "form", catalog, Date{2026, 8, 15}, {}, good);
  const Submission from_csv = ParseReport(
      "项目,指标,期间,完成值,完成可能性,填报人\n"
      "devices,repair-time,2026-07,20,,王五\ndevices,cost,2026-07,10.5万元,有可能,王五\n",
      ReportFormat::kCsv, "r.csv", catalog, Date{2026, 8, 15}, {}, as_csv);
  ASSERT_FALSE(good.has_errors()) << good.ToString();
  ASSERT_FALSE(as_csv.has_errors()) << as_csv.ToString();
  ASSERT_EQ(from_rows.values.size(), from_csv.values.size());
  for (size_t i = 0; i < from_csv.values.size(); ++i) {
    EXPECT_EQ(from_rows.values[i].indicator, from_csv.values[i].indicator);
    EXPECT_EQ(from_rows.values[i].value, from_csv.values[i].value);
  }
  EXPECT_EQ(from_rows.MainReporter(), "王五");
  EXPECT_EQ(from_rows.notes.at(0).likelihood, "有可能");
}

}  // namespace
}  // namespace ptmon
