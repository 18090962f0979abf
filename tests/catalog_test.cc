#include <cmath>
#include <fstream>
#include <limits>
#include <thread>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ptmon/config/catalog_cache.h>
#include <ptmon/config/catalog_codec.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/config/yaml_document.h>

#include "support/process.h"

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
  const std::string encoded = store->EncodedCatalog(hash)->value();
  EXPECT_EQ(encoded, EncodeCatalog(*first));

  ASSERT_FALSE(store->SaveCatalog(*first, "2026-07-02T00:00:00Z", "ptmon-catalog-v1...").value());
  auto second = LoadCatalogCached(*store, sources, "2026-07-02T00:00:00Z", diagnostics);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->IndicatorCount(), first->IndicatorCount());
  EXPECT_EQ(store->EncodedCatalog(hash)->value(), encoded);
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
