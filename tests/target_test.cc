// Table-driven tests of the target-expression parser: every target text in the 2026
// disclosure, the word forms, multipliers, full-width input and malformed input.
#include <gtest/gtest.h>

#include <ptmon/base/text.h>
#include <ptmon/indicators/target.h>

namespace ptmon {
namespace {

struct TargetCase {
  const char* text;
  TargetKind kind;
  const char* op;  // nullptr for qualitative
  double value;
  const char* unit;
};

class ParseTargetTest : public testing::TestWithParam<TargetCase> {};

TEST_P(ParseTargetTest, ReadsKindValueAndUnit) {
  const TargetCase& c = GetParam();
  auto target = ParseTarget(c.text);
  ASSERT_TRUE(target.ok()) << c.text << ": " << target.status().message();
  EXPECT_EQ(target->kind, c.kind) << c.text;
  EXPECT_EQ(target->text, Trim(c.text));  // kept as published, minus surrounding spaces
  EXPECT_EQ(target->unit, c.unit) << c.text;
  if (c.op == nullptr) {
    EXPECT_FALSE(target->op.has_value()) << c.text;
    EXPECT_FALSE(target->value.has_value()) << c.text;
  } else {
    ASSERT_TRUE(target->op.has_value()) << c.text;
    EXPECT_EQ(ComparisonSymbol(*target->op), c.op) << c.text;
    ASSERT_TRUE(target->value.has_value()) << c.text;
    EXPECT_DOUBLE_EQ(*target->value, c.value) << c.text;
  }
}

constexpr auto P = TargetKind::kPositive;
constexpr auto R = TargetKind::kReverse;
constexpr auto E = TargetKind::kEqual;
constexpr auto Q = TargetKind::kQualitative;

// Every distinct target of the ten 项目支出绩效目标表 (after the repairs in the catalogue).
INSTANTIATE_TEST_SUITE_P(
    Disclosure2026, ParseTargetTest,
    testing::Values(
        TargetCase{"≥30台", P, ">=", 30, "台"}, TargetCase{"≤24小时", R, "<=", 24, "小时"},
        TargetCase{"≤20万元", R, "<=", 200000, "元"}, TargetCase{"≥90%", P, ">=", 0.90, "%"},
        TargetCase{"≥60000人", P, ">=", 60000, "人"}, TargetCase{"≥95%", P, ">=", 0.95, "%"},
        TargetCase{"3360元/人", E, "=", 3360, "元/人"}, TargetCase{"≥5次", P, ">=", 5, "次"},
        TargetCase{"≥99%", P, ">=", 0.99, "%"}, TargetCase{"≥3次", P, ">=", 3, "次"},
        TargetCase{"100%", E, "=", 1.0, "%"}, TargetCase{"257.34平方米", E, "=", 257.34, "平方米"},
        TargetCase{"1年", E, "=", 1, "年"}, TargetCase{"263000元", E, "=", 263000, "元"},
        TargetCase{"≥1000卷", P, ">=", 1000, "卷"},
        TargetCase{"≥2500万次", P, ">=", 25000000, "次"},
        TargetCase{"≥12万人", P, ">=", 120000, "人"}, TargetCase{"≥20%", P, ">=", 0.20, "%"},
        TargetCase{"≥98%", P, ">=", 0.98, "%"}, TargetCase{"≥1500万条", P, ">=", 15000000, "条"},
        TargetCase{"≥4万人", P, ">=", 40000, "人"}, TargetCase{"≤3年", R, "<=", 3, "年"},
        TargetCase{"≤1.2元/人", R, "<=", 1.2, "元/人"},
        TargetCase{"≥3000平米", P, ">=", 3000, "平方米"},
        TargetCase{"≥10台(套)", P, ">=", 10, "台(套)"}, TargetCase{"≤1万元", R, "<=", 10000, "元"},
        TargetCase{"及时", Q, nullptr, 0, ""}, TargetCase{"保障", Q, nullptr, 0, ""},
        TargetCase{"按时发放", Q, nullptr, 0, ""}, TargetCase{"促进社会公平", Q, nullptr, 0, ""},
        TargetCase{"满足", Q, nullptr, 0, ""}, TargetCase{"按照计划及时开展", Q, nullptr, 0, ""},
        TargetCase{"加大提升", Q, nullptr, 0, ""}, TargetCase{"加快推进", Q, nullptr, 0, ""},
        TargetCase{"及时发放", Q, nullptr, 0, ""},
        TargetCase{"与当地教师工资水平接轨", Q, nullptr, 0, ""},
        TargetCase{"增强", Q, nullptr, 0, ""}, TargetCase{"是", Q, nullptr, 0, ""},
        TargetCase{"提升", Q, nullptr, 0, ""}, TargetCase{"稳定", Q, nullptr, 0, ""},
        TargetCase{"满足三险合一登记的数据治理标准", Q, nullptr, 0, ""},
        TargetCase{"及时投入", Q, nullptr, 0, ""}));

INSTANTIATE_TEST_SUITE_P(WordFormsAndSigns, ParseTargetTest,
                         testing::Values(TargetCase{"不低于95%", P, ">=", 0.95, "%"},
                                         TargetCase{"不少于100人", P, ">=", 100, "人"},
                                         TargetCase{"大于等于2次", P, ">=", 2, "次"},
                                         TargetCase{"达到98%", P, ">=", 0.98, "%"},
                                         TargetCase{"不高于5天", R, "<=", 5, "天"},
                                         TargetCase{"不超过20万元", R, "<=", 200000, "元"},
                                         TargetCase{"小于等于3小时", R, "<=", 3, "小时"},
                                         TargetCase{"＞90%", P, ">", 0.90, "%"},
                                         TargetCase{"＜2次", R, "<", 2, "次"},
                                         TargetCase{">=5次", P, ">=", 5, "次"},
                                         TargetCase{"<=24小时", R, "<=", 24, "小时"},
                                         TargetCase{"=100%", E, "=", 1.0, "%"},
                                         TargetCase{"＝1年", E, "=", 1, "年"}));

INSTANTIATE_TEST_SUITE_P(
    NumbersAndUnits, ParseTargetTest,
    testing::Values(TargetCase{"≥１２万人", P, ">=", 120000, "人"},  // full-width digits
                    TargetCase{"≥95％", P, ">=", 0.95, "%"},         // full-width percent
                    TargetCase{"≥1,500条", P, ">=", 1500, "条"},     // thousands separator
                    TargetCase{"≥2,587,210,000元", P, ">=", 2587210000, "元"},
                    TargetCase{"≥1.5亿元", P, ">=", 150000000, "元"},
                    TargetCase{"≥3千人", P, ">=", 3000, "人"},
                    TargetCase{"≥ 30 台", P, ">=", 30, "台"},          // spaces
                    TargetCase{"≥10台（套）", P, ">=", 10, "台(套)"},  // full-width brackets
                    TargetCase{"257.34㎡", E, "=", 257.34, "平方米"},
                    TargetCase{"≥50", P, ">=", 50, ""},            // a bare number
                    TargetCase{"　≥30台　", P, ">=", 30, "台"}));  // ideographic spaces

struct MalformedCase {
  const char* text;
  const char* message_part;
};

class MalformedTargetTest : public testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedTargetTest, NamesWhatIsWrong) {
  const MalformedCase& c = GetParam();
  auto target = ParseTarget(c.text);
  ASSERT_FALSE(target.ok()) << c.text;
  EXPECT_NE(target.status().message().find(c.message_part), std::string::npos)
      << c.text << " gave: " << target.status().message();
}

INSTANTIATE_TEST_SUITE_P(Malformed, MalformedTargetTest,
                         testing::Values(MalformedCase{"", "empty"}, MalformedCase{"   ", "empty"},
                                         MalformedCase{"≤24 hours", "unknown unit 'hours'"},
                                         MalformedCase{"≥30 head", "unknown unit 'head'"},
                                         MalformedCase{"≥1.2.3台", "'1.2.3' is not a valid number"},
                                         MalformedCase{"≥1,23台", "'1,23' is not a valid number"},
                                         MalformedCase{"≥高", "must be followed by a number"},
                                         MalformedCase{"≥ 人30", "is not a number"},
                                         MalformedCase{"≥-5人", "cannot be negative"},
                                         MalformedCase{"95%以上", "unknown unit '%以上'"}));

// Units as budget tables write them: rates of simple units are known and kept whole.
INSTANTIATE_TEST_SUITE_P(BudgetTables, ParseTargetTest,
                         testing::Values(TargetCase{"≥1人/年", P, ">=", 1, "人/年"},
                                         TargetCase{"≥6个/年", P, ">=", 6, "个/年"},
                                         TargetCase{"≥4次/年", P, ">=", 4, "次/年"},
                                         TargetCase{"≤300元/人·月", R, "<=", 300, "元/人·月"},
                                         TargetCase{"≤300元/人.月", R, "<=", 300, "元/人·月"},
                                         TargetCase{"≥800人次", P, ">=", 800, "人次"},
                                         TargetCase{"≥120户", P, ">=", 120, "户"},
                                         TargetCase{"≤5个工作日", R, "<=", 5, "个工作日"},
                                         TargetCase{"≤12万元/年", R, "<=", 120000, "元/年"}));

TEST(ParseTargetTest, AUnitInChineseNotKnownIsKeptAsPublished) {
  auto known = ParseTarget("≥1人/年");
  ASSERT_TRUE(known.ok());
  EXPECT_TRUE(known->known_unit);
  auto stars = ParseTarget("≥3颗星");
  ASSERT_TRUE(stars.ok()) << stars.status().message();
  EXPECT_FALSE(stars->known_unit);
  EXPECT_EQ(stars->unit, "颗星");
  EXPECT_DOUBLE_EQ(*stars->value, 3);
  EXPECT_FALSE(IsCumulativeUnit("个/年")) << "a rate is a level, not summed over the months";
  // A reported value is read only in units ptmon knows.
  EXPECT_FALSE(ParseQuantity("3颗星").ok());
}

TEST(ParseQuantityTest, AppliesMultiplierAndPercent) {
  auto quantity = ParseQuantity("6.2万");
  ASSERT_TRUE(quantity.ok());
  EXPECT_DOUBLE_EQ(quantity->value, 62000);
  EXPECT_EQ(quantity->unit, "");
  quantity = ParseQuantity("96%");
  ASSERT_TRUE(quantity.ok());
  EXPECT_DOUBLE_EQ(quantity->value, 0.96);
  EXPECT_EQ(quantity->unit, "%");
  quantity = ParseQuantity("23.5小时");
  ASSERT_TRUE(quantity.ok());
  EXPECT_DOUBLE_EQ(quantity->value, 23.5);
  EXPECT_EQ(quantity->unit, "小时");
  EXPECT_FALSE(ParseQuantity("六万").ok());
}

TEST(CumulativeUnitTest, CountsAndMoneyAddUpLevelsDoNot) {
  for (const char* unit : {"人", "次", "台", "台(套)", "卷", "条", "元"}) {
    EXPECT_TRUE(IsCumulativeUnit(unit)) << unit;
  }
  for (const char* unit : {"%", "小时", "天", "年", "元/人", "平方米", ""}) {
    EXPECT_FALSE(IsCumulativeUnit(unit)) << unit;
  }
}

// Issue #30: a figure is printed in the unit its target was published in.
TEST(PublishedUnitTest, FiguresReadInTheTargetsPublishedUnit) {
  auto target = [](std::string_view text) {
    auto parsed = ParseTarget(text);
    EXPECT_TRUE(parsed.ok()) << text;
    return *parsed;
  };
  EXPECT_EQ(FormatQuantity(12000000, target("≥1500万条")), "1200万条");
  EXPECT_EQ(FormatQuantity(12345678, target("≥1500万条")), "1234.57万条");
  EXPECT_EQ(FormatQuantity(263000, target("≤26.3万元")), "26.30万元");
  EXPECT_EQ(FormatQuantity(0.985, target("≥95%")), "98.5%");
  EXPECT_EQ(FormatQuantity(62000, target("≥6万人")), "6.2万人");
  EXPECT_EQ(FormatQuantity(62000.4, target("≥60000人")), "62000人");
  EXPECT_EQ(FormatQuantity(20.5, target("≤24小时")), "20.5小时");
  EXPECT_EQ(FormatQuantity(3360, target("3360元/人")), "3360元/人");
  EXPECT_EQ(FormatQuantity(2.5e8, target("≥3亿元")), "2.50亿元");
  EXPECT_EQ(target("≥1500万条").multiplier, 1e4);
}

TEST(PublishedUnitTest, BudgetMoneyInWanYuan) {
  EXPECT_EQ(FormatQuantity(120000000, WanYuan()), "12000.00万元");
  EXPECT_EQ(FormatQuantity(490000000, WanYuan()), "49000.00万元");
  EXPECT_EQ(FormatQuantity(263000, WanYuan(8140000)), "26.30万元");
}

// The light is judged on the unrounded figure; the printed figure must stay on its side.
TEST(PublishedUnitTest, NeverRoundedAcrossTheThreshold) {
  auto rate = ParseTarget("≥95%");
  ASSERT_TRUE(rate.ok());
  EXPECT_EQ(FormatQuantity(0.94996, *rate), "94.99%");
  EXPECT_EQ(FormatQuantity(0.95, *rate), "95%");
  auto hours = ParseTarget("≤24小时");
  ASSERT_TRUE(hours.ok());
  EXPECT_EQ(FormatQuantity(24.004, *hours), "24.01小时");
  auto records = ParseTarget("≥1500万条");
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(FormatQuantity(14999999, *records), "1499.99万条");
  auto people = ParseTarget("≥60000人");
  ASSERT_TRUE(people.ok());
  EXPECT_EQ(FormatQuantity(59999.6, *people), "59999人");
}

}  // namespace
}  // namespace ptmon
