// The status document is written without nlohmann's tree; its numbers and strings must read
// back exactly and look as nlohmann prints them, so the CLI's pretty output stays byte-identical.
#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <ptmon/reports/json_writer.h>

namespace ptmon {
namespace {

std::string Written(double value) {
  std::string out;
  JsonWriter(out).Number(value);
  return out;
}

TEST(JsonWriterTest, DoublesArePrintedAsNlohmannPrintsThem) {
  std::vector<double> values = {0.0,
                                -0.0,
                                1.0,
                                28.0,
                                538600.0,
                                0.5833,
                                0.1,
                                1e-4,
                                1e-5,
                                123e-7,
                                1e15,
                                1e16,
                                1.5e300,
                                -2.5e-300,
                                368571.4285714285,
                                20.57142857142857,
                                std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::max()};
  std::mt19937_64 random(2026);
  std::uniform_real_distribution<double> mantissa(-10, 10);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int i = 0; i < 200000; ++i)
    values.push_back(mantissa(random) * std::pow(10, exponent(random)));
  for (int i = 0; i < 20000; ++i) values.push_back(std::round(mantissa(random) * 1e6) / 100);
  for (double value : values) {
    const std::string text = Written(value);
    const double back = nlohmann::json::parse(text).get<double>();
    EXPECT_TRUE(back == value && std::signbit(back) == std::signbit(value)) << text;
    // The same layout; the digits differ only where nlohmann's Grisu2 gives more than the
    // shortest, or another last digit of the same length (to_chars takes the nearest), and
    // both read back as the same double — what the CLI prints after reading it back is the same.
    const std::string theirs = nlohmann::json(value).dump();
    if (text != theirs) {
      EXPECT_LE(text.size(), theirs.size()) << text << " " << theirs;
      EXPECT_EQ(nlohmann::json::parse(theirs).get<double>(), value);
      EXPECT_EQ(text.find('e') == std::string::npos, theirs.find('e') == std::string::npos);
    }
  }
  EXPECT_EQ(Written(std::nan("")), "null");
  EXPECT_EQ(Written(std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonWriterTest, StringsAndNestingReadBackAsWritten) {
  std::string out;
  JsonWriter json(out);
  json.BeginObject();
  json.Key("text").String("引号\"反斜杠\\换行\n\x01\x7f");
  json.Key("list").BeginArray().Integer(-3).Bool(true).Null().BeginObject().EndObject().EndArray();
  json.Key("empty").BeginArray().EndArray();
  json.EndObject();
  const auto parsed = nlohmann::ordered_json::parse(out);
  EXPECT_EQ(parsed["text"], "引号\"反斜杠\\换行\n\x01\x7f");
  EXPECT_EQ(out, parsed.dump());
}

}  // namespace
}  // namespace ptmon
