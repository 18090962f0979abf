#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ptmon/config/catalog_cache.h>
#include <ptmon/config/catalog_codec.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/tables/yaml_document.h>

#include "../config/src/catalog_cut.h"
#include "support/process.h"
#include "support/province_data.h"

namespace ptmon {
namespace {

Result<Catalog> LoadText(const std::string& text, Diagnostics& diagnostics) {
  return LoadCatalog({CatalogSource{"catalog.yaml", text}}, diagnostics);
}

TEST(EmbeddedCatalogTest, LoadsTheTenProjectsOfTheDisclosure) {
  Diagnostics diagnostics;
  auto catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics);
  ASSERT_TRUE(catalog.ok()) << diagnostics.ToString();
  EXPECT_TRUE(diagnostics.all().empty()) << diagnostics.ToString();
  EXPECT_EQ(catalog->year, 2026);
  ASSERT_EQ(catalog->units.size(), 1u);
  EXPECT_EQ(catalog->units[0].name, "山西省社会保险局");
  EXPECT_EQ(catalog->projects.size(), 10u);
  EXPECT_EQ(catalog->IndicatorCount(), 66u);
  EXPECT_EQ(catalog->sha256.size(), 64u);
}

TEST(CatalogYamlTest, ARepeatedKeyIsAnErrorNotASilentChoice) {
  Diagnostics diagnostics;
  const auto catalog =
      LoadText("unit: {id: u, name: 单位}\nyear: 2026\nyear: 2027\nprojects: []\n", diagnostics);
  EXPECT_FALSE(catalog.ok());
  EXPECT_NE(diagnostics.ToString().find("catalog.yaml:3:1: "), std::string::npos)
      << diagnostics.ToString();
  EXPECT_NE(
      diagnostics.ToString().find("the key 'year' appears twice in one map (first on line 2)"),
      std::string::npos)
      << diagnostics.ToString();
}

TEST(EmbeddedCatalogTest, FundsAddUpToThePublishedTotals) {
  Diagnostics diagnostics;
  auto catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics);
  ASSERT_TRUE(catalog.ok());
  long long annual = 0;
  long long period = 0;
  for (const auto& project : catalog->projects) {
    annual += project.annual_funds.total_fen;
    period += project.period_funds.total_fen;
  }
  // 1万元 = 1,000,000 fen. The disclosure states both sums in 万元 to two decimals.
  EXPECT_EQ(annual, 50913280000);  // 50913.28万元 exactly
  EXPECT_EQ(period, 261894092473);
  EXPECT_EQ(std::llround(static_cast<double>(period) / 1e4), 26189409);  // 261,894.09万元
}

TEST(EmbeddedCatalogTest, KeepsPublishedTargetsAndDerivesSettings) {
  Diagnostics diagnostics;
  auto catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics);
  ASSERT_TRUE(catalog.ok());
  const Project* heating = catalog->FindProject("retiree-heating");
  ASSERT_NE(heating, nullptr);
  EXPECT_EQ(heating->annual_funds.total_fen, 49000000000);
  const Indicator* paid = heating->FindIndicator("retirees-paid");
  ASSERT_NE(paid, nullptr);
  EXPECT_EQ(paid->annual_target.text, "≥60000人");
  EXPECT_EQ(paid->accumulation, Accumulation::kYearToDate);
  ASSERT_EQ(paid->pace_profile.size(), 12u);
  EXPECT_EQ(paid->pace_profile[6], 0);
  const Indicator* rate = heating->FindIndicator("paid-in-full-rate");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->accumulation, Accumulation::kLevel);
  const Project* operations = catalog->FindProject("insurance-operations");
  ASSERT_NE(operations, nullptr);
  EXPECT_EQ(operations->period_funds.self_raised_fen, 22473);
  const Indicator* unit_cost =
      catalog->FindProject("equipment-purchase")->FindIndicator("unit-cost");
  EXPECT_EQ(unit_cost->accumulation, Accumulation::kLevel);
}

constexpr const char* kValidCatalog = R"(unit: {id: test-unit, name: 测试单位}
year: 2026
projects:
  - id: p1
    name: 项目一
    department: 209-测试
    funds:
      period: {total: 100, provincial: 100}
      annual: {total: 50, provincial: 50}
    indicators:
      - id: count
        level1: 产出指标
        level2: 数量指标
        name: 数量
        target: "≥30台"
)";

TEST(CatalogLoaderTest, AcceptsAMinimalCatalogue) {
  Diagnostics diagnostics;
  auto catalog = LoadText(kValidCatalog, diagnostics);
  ASSERT_TRUE(catalog.ok()) << diagnostics.ToString();
  EXPECT_EQ(catalog->projects[0].indicators[0].due_day, 10);
  EXPECT_EQ(catalog->projects[0].indicators[0].frequency, ReportFrequency::kMonthly);
}

struct BrokenCase {
  const char* name;
  std::string from;  // replaced in kValidCatalog
  std::string to;
  const char* expected;  // the full "file:line:col: message" or a distinctive part of it
};

class BrokenCatalogTest : public testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenCatalogTest, ReportsTheProblemWithItsPlace) {
  const BrokenCase& c = GetParam();
  std::string text = kValidCatalog;
  const size_t at = text.find(c.from);
  ASSERT_NE(at, std::string::npos) << c.from;
  text.replace(at, c.from.size(), c.to);
  Diagnostics diagnostics;
  auto catalog = LoadText(text, diagnostics);
  EXPECT_FALSE(catalog.ok()) << c.name;
  EXPECT_NE(diagnostics.ToString().find(c.expected), std::string::npos) << c.name << " gave:\n"
                                                                        << diagnostics.ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Located, BrokenCatalogTest,
    testing::Values(
        BrokenCase{"unknown unit", "\"≥30台\"", "\"≤24 hours\"",
                   "catalog.yaml:15:17: indicator 'count': cannot read target '≤24 hours': unknown "
                   "unit 'hours'"},
        BrokenCase{"unknown level1", "level1: 产出指标", "level1: 产品指标",
                   "catalog.yaml:12:17: indicator 'count': unknown level1 '产品指标'"},
        BrokenCase{
            "level2 of another level1", "level2: 数量指标", "level2: 社会效益",
            "catalog.yaml:13:17: indicator 'count': level2 '社会效益' does not belong to 产出指标"},
        BrokenCase{"missing name", "        name: 数量\n", "", "catalog.yaml:11:9: missing 'name'"},
        BrokenCase{"unknown key", "        name: 数量\n", "        name: 数量\n        targt: x\n",
                   "catalog.yaml:15:9: unknown key 'targt' in an indicator"},
        BrokenCase{"duplicate indicator id", "        target: \"≥30台\"\n",
                   "        target: \"≥30台\"\n      - {id: count, level1: 产出指标, level2: "
                   "质量指标, name: x, target: 及时}\n",
                   "catalog.yaml:16:14: project 'p1': indicator id 'count' is used twice"},
        BrokenCase{"annual sources do not add up", "annual: {total: 50, provincial: 50}",
                   "annual: {total: 50, provincial: 40}",
                   "catalog.yaml:9:15: funds.annual: the sources add up to 40 yuan but the total "
                   "is 50 yuan"},
        BrokenCase{"bad amount", "total: 100,", "total: 1.234,",
                   "'total': '1.234' is not an amount in yuan"},
        BrokenCase{"bad slug", "id: p1", "id: P 1", "project id 'P 1' must be lower-case"},
        BrokenCase{"bad year", "year: 2026", "year: twenty",
                   "catalog.yaml:2:7: 'year': 'twenty' is not a number"},
        BrokenCase{"reserved id", "id: count", "id: spent", "'spent' is reserved"},
        BrokenCase{"year beyond any integer (found by fuzzing)", "year: 2026",
                   "year: " + std::string(200, '9'),
                   "catalog.yaml:2:7: 'year' must be a whole number from 2000 to 2100"},
        BrokenCase{"bad pace", "        target: \"≥30台\"\n",
                   "        target: \"≥30台\"\n        pace: [0.5, 0.4, 1]\n",
                   "pace must list 12 numbers"},
        BrokenCase{"pace on a level", "        target: \"≥30台\"\n",
                   "        target: \"≥30台\"\n        accumulate: level\n        pace: "
                   "[0,0,0,0,0,0,0,0,0,0,0,1]\n",
                   "a pace applies only to year-to-date indicators"},
        BrokenCase{"bad due day", "        target: \"≥30台\"\n",
                   "        target: \"≥30台\"\n        report: {due_day: 31}\n",
                   "'due_day' must be a whole number from 1 to 28"},
        BrokenCase{"not YAML", "projects:", "projects: [", "not valid YAML"},
        BrokenCase{"no indicators", "    indicators:\n", "    indicatorz:\n",
                   "unknown key 'indicatorz' in a project"}),
    [](const testing::TestParamInfo<BrokenCase>& info) {
      std::string name = info.param.name;
      for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

// Lengths count characters: 200 Chinese characters (600 bytes) is a name, 201 is not.
TEST(CatalogLoaderTest, NamesAndTextsHaveLengthsCountedInCharacters) {
  auto repeated = [](std::string_view unit, int times) {
    std::string text;
    for (int i = 0; i < times; ++i) text += unit;
    return text;
  };
  auto load = [&](std::string_view from, const std::string& to, Diagnostics& diagnostics) {
    std::string text = kValidCatalog;
    text.replace(text.find(from), from.size(), to);
    return LoadText(text, diagnostics);
  };
  Diagnostics fits;
  EXPECT_TRUE(load("name: 项目一", "name: " + repeated("项", 200), fits).ok()) << fits.ToString();
  EXPECT_TRUE(load("department: 209-测试", "department: " + repeated("部", 200), fits).ok());
  EXPECT_TRUE(load("    indicators:",
                   "    goals: {annual: " + repeated("目", 2000) + "}\n    indicators:", fits)
                  .ok())
      << fits.ToString();
  struct TooLong {
    std::string_view from;
    std::string to;
    std::string expected;
  };
  const TooLong cases[] = {
      {"name: 项目一", "name: " + repeated("项", 201),
       "catalog.yaml:5:11: 项目名称太长: 201 个字, 最多 200 个字, 请缩短 / 'name' is 201 "
       "characters long; shorten it to at most 200"},
      {"name: 测试单位", "name: " + repeated("单", 201), "catalog.yaml:1:29: 单位名称太长: 201"},
      {"department: 209-测试", "department: " + repeated("部", 201),
       "catalog.yaml:6:17: 主管部门太长: 201"},
      {"    indicators:", "    goals: {annual: " + repeated("目", 2001) + "}\n    indicators:",
       "catalog.yaml:10:21: 年度总体目标太长: 2001 个字, 最多 2000 个字"},
      {"name: 数量", "name: " + repeated("指", 201), "catalog.yaml:14:15: 三级指标名称太长: 201"},
      {"target: \"≥30台\"", "target: " + repeated("好", 201),
       "catalog.yaml:15:17: 指标值太长: 201"},
      {"id: p1", "id: " + repeated("p", 65), "project id '" + repeated("p", 65) + "' must be"},
  };
  for (const TooLong& c : cases) {
    Diagnostics diagnostics;
    EXPECT_FALSE(load(c.from, c.to, diagnostics).ok()) << c.expected;
    EXPECT_NE(diagnostics.ToString().find(c.expected), std::string::npos)
        << c.expected << " gave:\n"
        << diagnostics.ToString();
  }
}

TEST(CatalogLoaderTest, WarnsWhenTheStatedTotalDiffers) {
  std::string text = kValidCatalog;
  text.replace(text.find("year: 2026"), 10, "year: 2026\ntotal_annual_funds_yuan: 60");
  Diagnostics diagnostics;
  auto catalog = LoadText(text, diagnostics);
  EXPECT_TRUE(catalog.ok());
  EXPECT_NE(
      diagnostics.ToString().find("warning: the projects' annual funds add up to 50 yuan, not "
                                  "the stated total_annual_funds_yuan 60"),
      std::string::npos)
      << diagnostics.ToString();
}

// Issue #31: a unit a budget table writes that ptmon does not know is kept, with a warning; a
// project whose weights no longer add up is told so.
TEST(CatalogLoaderTest, WarnsOfAnUnknownUnitAndOfWeightsThatDoNotAddUp) {
  std::string text = kValidCatalog;
  text.replace(text.find("target: \"≥30台\""), 18,
               "target: \"≥3颗星\"\n        weight: 40\n"
               "      - {id: rate, level1: 产出指标, level2: 数量指标, name: 频次, target: "
               "\"≥4次/年\", weight: 30}");
  Diagnostics diagnostics;
  auto catalog = LoadText(text, diagnostics);
  ASSERT_TRUE(catalog.ok()) << diagnostics.ToString();
  EXPECT_EQ(catalog->projects[0].indicators[0].annual_target.unit, "颗星");
  EXPECT_EQ(catalog->projects[0].indicators[1].annual_target.unit, "次/年");
  const std::string said = diagnostics.ToString();
  EXPECT_NE(said.find("warning: indicator 'count': the unit '颗星' of target is not one ptmon "
                      "knows"),
            std::string::npos)
      << said;
  EXPECT_NE(said.find("the indicators' weights add up to 70 points, not 90 or 100"),
            std::string::npos)
      << said;
}

TEST(CatalogLoaderTest, RejectsTheSameProjectIdInTwoFiles) {
  std::string second = kValidCatalog;
  second.replace(second.find("test-unit"), 9, "other-unit");
  Diagnostics diagnostics;
  auto catalog = LoadCatalog({{"a.yaml", kValidCatalog}, {"b.yaml", second}}, diagnostics);
  EXPECT_FALSE(catalog.ok());
  EXPECT_NE(diagnostics.ToString().find("b.yaml:4:5: project id 'p1' is already used at a.yaml:4"),
            std::string::npos)
      << diagnostics.ToString();
}

TEST(CatalogLoaderTest, RefusesAliasBombsAndDeepNesting) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char previous = 'a';
  for (char name = 'b'; name <= 'i'; ++name) {
    bomb += std::string(1, name) + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + previous;
    bomb += "]\n";
    previous = name;
  }
  Diagnostics diagnostics;
  EXPECT_FALSE(LoadText(bomb, diagnostics).ok());
  EXPECT_NE(diagnostics.ToString().find("repeats anchors too often"), std::string::npos)
      << diagnostics.ToString();

  Diagnostics deep;
  EXPECT_FALSE(LoadText(std::string(5000, '[') + std::string(5000, ']'), deep).ok());
  EXPECT_NE(deep.ToString().find("nested deeper than 32 levels"), std::string::npos);
}

// A province's catalogue is parsed and read in two halves on two threads; what it loads, and
// what it reports, must be exactly what reading it whole does. `"projects":` means the same to
// YAML, but is not where a cut is made: that text is read whole.
class CatalogHalvesTest : public ::testing::Test {
 protected:
  static std::string ReadWhole(std::string text) {
    text.replace(text.find("\nprojects:"), 10, "\n\"projects\":");
    EXPECT_FALSE(CutAtProject(text));
    return text;
  }

  // The catalogue encoded (places and all), or the diagnostics when it does not load.
  static std::string Loaded(const std::string& text) {
    Diagnostics diagnostics;
    auto catalog = LoadText(text, diagnostics);
    if (!catalog.ok()) return diagnostics.ToString();
    catalog->sha256.clear();  // of the text, which differs
    return EncodeCatalog(*catalog) + diagnostics.ToString();
  }

  // Whether the halves of `text` parse, and are confirmed, as the loader decides.
  static bool CutIsConfirmed(std::string_view text) {
    const auto cut = CutAtProject(text);
    if (!cut) return false;
    auto head = YamlDocument::Parse(cut->head);
    auto tail = YamlDocument::Parse(cut->tail, TailLimits({}), cut->tail_first_line);
    return head.ok() && tail.ok() && CutConfirmed(**head, **tail, *cut, {});
  }

  const std::string province_ = testing_support::ProvinceCatalog(50);
};

TEST_F(CatalogHalvesTest, AProvinceCatalogueLoadsAsItDoesWhole) {
  ASSERT_GT(province_.size(), kCutFromBytes);
  const auto cut = CutAtProject(province_);
  ASSERT_TRUE(cut);
  EXPECT_EQ(std::string(cut->head) + std::string(cut->tail), province_);
  EXPECT_TRUE(cut->tail.starts_with("  - id: "));
  EXPECT_GE(cut->head.size(), province_.size() / 2);
  EXPECT_TRUE(CutIsConfirmed(province_));

  Diagnostics diagnostics;
  const auto catalog = LoadText(province_, diagnostics);
  ASSERT_TRUE(catalog.ok()) << diagnostics.ToString();
  ASSERT_EQ(catalog->projects.size(), 500u);
  const Project& last = catalog->projects.back();
  EXPECT_TRUE(last.id.ends_with(testing_support::Copy(50))) << last.id;
  EXPECT_EQ(last.unit_id, catalog->units.front().id);
  EXPECT_EQ(Loaded(province_), Loaded(ReadWhole(province_)));
}

// A problem in either half is reported at its place in the file, in the file's order.
TEST_F(CatalogHalvesTest, ProblemsInBothHalvesAreReportedAsReadingWholeDoes) {
  std::string text = province_;
  text.replace(text.find("target: ", text.find("\nprojects:\n")), 8, "target: about ");
  text.replace(text.rfind("target: "), 8, "target: about ");
  const auto cut = CutAtProject(text);
  ASSERT_TRUE(cut);
  ASSERT_TRUE(CutIsConfirmed(text));
  const std::string reported = Loaded(text);
  EXPECT_EQ(reported, Loaded(ReadWhole(text)));
  const std::string last_place =
      "catalog.yaml:" + std::to_string(std::count(text.begin(), text.end(), '\n')) + ":17: ";
  EXPECT_NE(reported.find(last_place), std::string::npos) << reported;
  EXPECT_EQ(std::count(reported.begin(), reported.end(), '\n'), 2) << reported;
}

// Where the line the cut is made at is not where a project begins, or the halves depend on each
// other, the cut is not confirmed and the file reads (and fails) exactly as it does whole.
TEST_F(CatalogHalvesTest, ACutTheHalvesDoNotConfirmIsNotUsed) {
  // Lines that look like projects, inside a quoted value over the middle of the file.
  std::string quoted = "  - id: quoted\n    goals:\n      annual: \"look";
  for (int i = 0; i < 20'000; ++i) quoted += "\n  - id: line-" + std::to_string(i);
  quoted += "\"\n";
  const size_t before_middle =
      province_.find("\n  - id: ", (province_.size() - quoted.size()) / 2) + 1;
  std::string anchored = province_;
  anchored.replace(anchored.find("\n  - id: "), 10, "\n  - &first\n    id: ");
  const std::map<std::string, std::string> texts = {
      {"quoted", province_.substr(0, before_middle) + quoted + province_.substr(before_middle)},
      // A project after the cut repeats one from before it by its anchor.
      {"anchored", anchored + "  - *first\n"},
      // The projects are not the last key.
      {"key after", province_ + "year: 2026\n"},
      // A second document begins before the cut.
      {"second document",
       province_.substr(0, before_middle) + "---\n" + province_.substr(before_middle)},
  };
  for (const auto& [what, text] : texts) {
    SCOPED_TRACE(what);
    ASSERT_TRUE(CutAtProject(text));
    EXPECT_FALSE(CutIsConfirmed(text));
    EXPECT_EQ(Loaded(text), Loaded(ReadWhole(text)));
  }
}

}  // namespace
}  // namespace ptmon

namespace ptmon {
namespace {

// Nodes are stored in blocks of growing size; a large document crosses many of them and every
// node keeps its text and place.
TEST(YamlDocumentTest, KeepsEveryNodeOfALargeDocument) {
  std::string text = "values:\n";
  constexpr int kCount = 50'000;  // 150,000 nodes: every block size, some full
  for (int i = 0; i < kCount; ++i) text += "  - {n: v" + std::to_string(i) + "}\n";
  auto document = YamlDocument::Parse(text);
  ASSERT_TRUE(document.ok()) << document.status().message();
  const auto items = (*document)->root()["values"].Items();
  ASSERT_EQ(items.size(), static_cast<size_t>(kCount));
  for (int i : {0, 21, 22, 21845, 43690, kCount - 1}) {
    EXPECT_EQ(items[i]["n"].Scalar(), "v" + std::to_string(i));
    EXPECT_EQ(items[i].line(), i + 2);
    EXPECT_EQ(items[i]["n"].column(), 9);
  }
}

// What the catalogue and report readers rely on from the parser: YAML's nulls, anchors,
// columns an editor shows (characters, not bytes), the first document only, located errors.
TEST(YamlDocumentTest, ReadsYamlAsTheCatalogueAndReportsNeedIt) {
  auto document = YamlDocument::Parse(
      "empty:\ntilde: ~\nword: null\nquoted: \"null\"\nbase: &b {unit: 人}\ncopy: *b\n"
      "note: {原因: 天气, value: 3小时}\n---\nsecond: document\n");
  ASSERT_TRUE(document.ok()) << document.status().message();
  const YamlNode root = (*document)->root();
  EXPECT_TRUE(root["empty"].IsNull());
  EXPECT_TRUE(root["tilde"].IsNull());
  EXPECT_TRUE(root["word"].IsNull());
  EXPECT_EQ(root["quoted"].Scalar(), "null");
  EXPECT_EQ(root["copy"]["unit"].Scalar(), "人");
  EXPECT_EQ(root["note"]["value"].column(), 23);  // after 原因 and 天气, one column each character
  EXPECT_FALSE(root["second"]);
  EXPECT_EQ(root.size(), 7u);

  auto broken = YamlDocument::Parse("period: [2026\nvalue: 3\n");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message(),
            "2:6: not valid YAML: did not find expected ',' or ']' (while parsing a flow "
            "sequence from 1:9)");
  auto unknown = YamlDocument::Parse("a: *nowhere\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("1:4: "), std::string::npos);
  EXPECT_FALSE(YamlDocument::Parse("[[[[1]]]]", {.max_depth = 3}).ok());
}

// A text cut from a larger one reports the larger one's lines, and says where it ends: the line
// the rest of the larger text begins on.
TEST(YamlDocumentTest, CountsLinesFromWhereACutTextBegins) {
  auto tail = YamlDocument::Parse("- a: 1\n- b: [x, y]\n", {}, 40);
  ASSERT_TRUE(tail.ok()) << tail.status().message();
  EXPECT_EQ((*tail)->root().Items()[1]["b"].line(), 41);
  EXPECT_EQ((*tail)->end_line(), 42);
  EXPECT_EQ((*tail)->expanded_nodes(), 9u);  // the sequence, two maps, two keys, three scalars
  EXPECT_EQ(YamlDocument::Parse("a: 1\r\nb: 2\r\n...\n").value()->end_line(), 4);
  EXPECT_EQ(YamlDocument::Parse("a: 1\n---\nb: 2\n").value()->end_line(), 0);
  auto broken = YamlDocument::Parse("a: 1\nb: [x\n", {}, 40);
  ASSERT_FALSE(broken.ok());
  EXPECT_TRUE(broken.status().message().starts_with("42:1: ")) << broken.status().message();
  auto repeated = YamlDocument::Parse("a: 1\na: 2\n", {}, 40);
  ASSERT_FALSE(repeated.ok());
  EXPECT_TRUE(repeated.status().message().starts_with("41:1: ")) << repeated.status().message();
}

TEST(CatalogCodecTest, RoundTripsTheEmbeddedCatalogue) {
  Diagnostics diagnostics;
  const Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  const std::string bytes = EncodeCatalog(catalog);
  auto decoded = DecodeCatalog(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(EncodeCatalog(*decoded), bytes);
  EXPECT_EQ(decoded->sha256, catalog.sha256);
  ASSERT_EQ(decoded->projects.size(), catalog.projects.size());
  const Indicator& paid = *decoded->FindProject("retiree-heating")->FindIndicator("retirees-paid");
  EXPECT_EQ(paid.annual_target.text, "≥60000人");
  EXPECT_EQ(paid.annual_target.op, Comparison::kGreaterEqual);
  EXPECT_EQ(paid.pace_profile,
            catalog.FindProject("retiree-heating")->FindIndicator("retirees-paid")->pace_profile);
  EXPECT_EQ(decoded->FindProject("insurance-operations")->period_funds.self_raised_fen, 22473);
}

// Numbers are varints: the extremes survive, and a varint that never ends or is too long fails.
TEST(CatalogCodecTest, RoundTripsExtremeNumbersAndRefusesRunawayVarints) {
  Diagnostics diagnostics;
  Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  FundSources& funds = catalog.projects[0].annual_funds;
  funds.total_fen = std::numeric_limits<long long>::max();
  funds.central_fen = std::numeric_limits<long long>::min();
  funds.other_fen = -1;
  auto decoded = DecodeCatalog(EncodeCatalog(catalog));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->projects[0].annual_funds.total_fen, funds.total_fen);
  EXPECT_EQ(decoded->projects[0].annual_funds.central_fen, funds.central_fen);
  EXPECT_EQ(decoded->projects[0].annual_funds.other_fen, -1);
  const std::string magic = std::string(1, '\x20') + "ptmon-catalog-v2";       // length 16, zigzag
  EXPECT_FALSE(DecodeCatalog(magic + std::string(11, '\xFF') + "\x01").ok());  // over 64 bits
  EXPECT_FALSE(DecodeCatalog(magic + std::string(5, '\xFF')).ok());            // never ends
}

// A catalogue file is read at its size; one without a size (a pipe, as `--catalog <(…)` gives)
// is read to its end all the same, and a regular file comes back byte for byte.
TEST(CatalogFileTest, ReadsRegularFilesAndPipesWhole) {
  testing_support::TempDir dir;
  const std::string text = EmbeddedCatalogSource().text;
  const std::string regular = dir.Write("catalog.yaml", text);
  auto read = ReadCatalogFile(regular);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->text, text);

  const std::string pipe = dir / "catalog.fifo";
  ASSERT_EQ(mkfifo(pipe.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(pipe, std::ios::binary) << text; });
  auto piped = ReadCatalogFile(pipe);
  writer.join();
  ASSERT_TRUE(piped.ok()) << piped.status().message();
  EXPECT_EQ(piped->text, text);

  EXPECT_FALSE(ReadCatalogFile(dir / "missing.yaml").ok());
}

// Parsed once and saved; then read back. A cached form that no longer decodes (an older
// encoding) is replaced by a parse.
TEST(CatalogCacheTest, ParsesOnceAndRefreshesAStaleCache) {
  testing_support::TempDir dir;
  auto store = Store::Open(dir / "ptmon.db").value();
  const std::vector<CatalogSource> sources = {EmbeddedCatalogSource()};
  const std::string hash = CatalogSourcesHash(sources);
  Diagnostics diagnostics;
  auto first = LoadCatalogCached(*store, sources, "2026-07-01T00:00:00Z", diagnostics);
  ASSERT_TRUE(first.ok()) << first.status().message();
  const std::string encoded = store->catalogs().EncodedCatalog(hash)->value();
  EXPECT_EQ(encoded, EncodeCatalog(*first));

  ASSERT_FALSE(
      store->catalogs().SaveCatalog(*first, "2026-07-02T00:00:00Z", "ptmon-catalog-v1...").value());
  auto second = LoadCatalogCached(*store, sources, "2026-07-02T00:00:00Z", diagnostics);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->IndicatorCount(), first->IndicatorCount());
  EXPECT_EQ(store->catalogs().EncodedCatalog(hash)->value(), encoded);
}

TEST(CatalogCodecTest, RefusesDamagedBytes) {
  Diagnostics diagnostics;
  const std::string bytes =
      EncodeCatalog(LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value());
  EXPECT_FALSE(DecodeCatalog("").ok());
  EXPECT_FALSE(DecodeCatalog("something else entirely").ok());
  for (size_t cut : {bytes.size() - 1, bytes.size() / 2, size_t{30}}) {
    EXPECT_FALSE(DecodeCatalog(bytes.substr(0, cut)).ok()) << cut;
  }
  EXPECT_FALSE(DecodeCatalog(bytes + "x").ok());
}

}  // namespace
}  // namespace ptmon
