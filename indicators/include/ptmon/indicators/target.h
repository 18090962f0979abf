// Reading an indicator value (指标值) as people write it: "≥60000人", "≤24小时", "3360元/人",
// "≥2500万次", "不低于95%", "按时发放". The parsed form drives direction, pacing and scoring.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <ptmon/base/status.h>

namespace ptmon {

enum class TargetKind { kPositive, kReverse, kEqual, kQualitative };
enum class Comparison { kGreaterEqual, kGreater, kLessEqual, kLess, kEqual };

std::string_view TargetKindName(TargetKind kind);  // positive, reverse, equal, qualitative
std::string_view ComparisonSymbol(Comparison op);  // >=, >, <=, <, =

struct Target {
  std::string text;  // as published, e.g. "≥12万人"
  TargetKind kind = TargetKind::kQualitative;
  std::optional<Comparison> op;  // none for qualitative targets
  std::optional<double> value;   // in base units: 12万人 → 120000, 95% → 0.95
  std::string unit;              // canonical: "人", "%", "元/人·月", "个/年"; "" when none
  double multiplier = 1;         // as published: "≥1500万条" → 1e4, "≤24小时" → 1
  // False for a unit ptmon does not know: `unit` is then as published, the target compared
  // only with values written in that very unit, and the catalogue flags it for review.
  bool known_unit = true;
};

// A number with its multiplier and unit, as in a target or a reported value ("6.2万", "96%").
struct Quantity {
  double value = 0;  // in base units (multiplier applied, % as a ratio)
  std::string unit;  // canonical unit, "" when none was written
  // The multiplier written ("万" → 1e4), 1 when none: "10.5万" and "10.5元" say their scale,
  // a bare "10.5" does not.
  double multiplier = 1;
  bool Bare() const { return unit.empty() && multiplier == 1; }
};

// Figures at or above this magnitude are refused as slips (an exponent typed wrongly).
inline constexpr double kLargestFigure = 1e15;

// Parses "<number>[万|亿|千][unit]" after full-width folding; units as for ParseTarget, but an
// unknown one is refused. Fails with a message naming the
// part that cannot be read (not a number, unknown unit, a magnitude of kLargestFigure or more).
Result<Quantity> ParseQuantity(std::string_view text);
// A value in base units as people read it: "96%", "12台", "20.5小时", "215000元". For machines
// and logs; what a person reads beside a target goes through the PublishedUnit form below.
std::string FormatQuantity(double value, std::string_view unit);

// The multiplier a published target is written with ("≤20万元" → "万"), "" when none: the
// scale a manager who copies the table writes amounts in.
std::string_view WrittenMultiplier(std::string_view target_text);
// How a figure is printed for people: in the multiplier and unit its target was published in,
// never rounded across the threshold its light is judged on.
struct PublishedUnit {
  std::string unit;                           // canonical, as Target::unit
  double multiplier = 1;                      // 1, 1e3 (千), 1e4 (万) or 1e8 (亿)
  std::optional<double> threshold;            // in base units; none for figures judged on nothing
  Comparison op = Comparison::kGreaterEqual;  // which side of `threshold` is met
};
// "万" for 1e4, "亿" for 1e8, "千" for 1e3, "" for anything else.
std::string_view MultiplierPrefix(double multiplier);
// The target's own: "≥1500万条" → {"条", 1e4, 1.5e7, >=}.
PublishedUnit PublishedUnitOf(const Target& target);
// Money as the official tables publish it: 万元, judged against `threshold` yuan when given.
PublishedUnit WanYuan(std::optional<double> threshold = std::nullopt);
// "1200万条", "1234.57万条", "26.30万元", "98.5%", "60000人", "20.5小时": money under a
// multiplier keeps two decimals (the tables' 0.00), counts without one are whole, the rest has
// at most two decimals. A figure on one side of the threshold never prints on the other:
// 94.996% against ≥95% prints 94.99%, not 95%; 24.004小时 against ≤24小时 prints 24.01小时: cut
// toward the figure's own side of the target.
std::string FormatQuantity(double value, const PublishedUnit& published);
std::string FormatQuantity(double value, const Target& target);

// Parses a published target. Text without any digit is qualitative and kept as it is; text
// with digits must read as [sign] number [万|亿|千] [unit], otherwise the error says what is
// wrong. Units are simple (人, 平方米) or rates of them (个/年, 元/人·月); any other unit written
// in Chinese (颗星) is kept as published with known_unit false, never dropped; one with Latin
// letters, digits or signs ("24 hours", "95%以上") is refused as a slip.
Result<Target> ParseTarget(std::string_view text);

// Whether values in this unit add up over the year (people, times, yuan) rather than being a
// level reported as of the period end (%, hours, years, yuan per person, area).
bool IsCumulativeUnit(std::string_view unit);

}  // namespace ptmon
