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
  // False for a unit ptmon does not know: `unit` is then as published, the target compared
  // only with values written in that very unit, and the catalogue flags it for review.
  bool known_unit = true;
};

// A number with its multiplier and unit, as in a target or a reported value ("6.2万", "96%").
struct Quantity {
  double value = 0;  // in base units (multiplier applied, % as a ratio)
  std::string unit;  // canonical unit, "" when none was written
};

// Figures at or above this magnitude are refused as slips (an exponent typed wrongly).
inline constexpr double kLargestFigure = 1e15;

// Parses "<number>[万|亿|千][unit]" after full-width folding; units as for ParseTarget, but an
// unknown one is refused. Fails with a message naming the
// part that cannot be read (not a number, unknown unit, a magnitude of kLargestFigure or more).
Result<Quantity> ParseQuantity(std::string_view text);
// A value in base units as people read it: "96%", "12台", "20.5小时", "215000元".
std::string FormatQuantity(double value, std::string_view unit);

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
