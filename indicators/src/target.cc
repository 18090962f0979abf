#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <utility>

#include <ptmon/base/text.h>
#include <ptmon/indicators/target.h>

namespace ptmon {

namespace {

struct UnitInfo {
  std::string_view name;
  bool cumulative;
};

// Units seen in budget-performance target tables. Counts and money add up over the year;
// rates, durations, areas and unit costs are levels.
constexpr std::array kUnits = {
    UnitInfo{"人", true},         UnitInfo{"人次", true},      UnitInfo{"次", true},
    UnitInfo{"台", true},         UnitInfo{"台(套)", true},    UnitInfo{"套", true},
    UnitInfo{"卷", true},         UnitInfo{"条", true},        UnitInfo{"件", true},
    UnitInfo{"个", true},         UnitInfo{"项", true},        UnitInfo{"户", true},
    UnitInfo{"家", true},         UnitInfo{"份", true},        UnitInfo{"本", true},
    UnitInfo{"期", true},         UnitInfo{"场", true},        UnitInfo{"篇", true},
    UnitInfo{"名", true},         UnitInfo{"所", true},        UnitInfo{"批", true},
    UnitInfo{"元", true},         UnitInfo{"%", false},        UnitInfo{"小时", false},
    UnitInfo{"分钟", false},      UnitInfo{"天", false},       UnitInfo{"日", false},
    UnitInfo{"工作日", false},    UnitInfo{"个工作日", false}, UnitInfo{"月", false},
    UnitInfo{"个月", false},      UnitInfo{"年", false},       UnitInfo{"元/人", false},
    UnitInfo{"元/条", false},     UnitInfo{"元/台", false},    UnitInfo{"元/次", false},
    UnitInfo{"元/平方米", false}, UnitInfo{"平方米", false},   UnitInfo{"公里", false},
};

// Spellings people use for the same unit.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kUnitAliases = {{
    {"平米", "平方米"},
    {"㎡", "平方米"},
    {"m²", "平方米"},
    {"m2", "平方米"},
    {"元/平米", "元/平方米"},
    {"台套", "台(套)"},
}};

struct Multiplier {
  std::string_view prefix;
  double factor;
};
constexpr std::array kMultipliers = {Multiplier{"亿", 1e8}, Multiplier{"万", 1e4},
                                     Multiplier{"千", 1e3}};

struct SignWord {
  std::string_view text;
  Comparison op;
};
// Longest first, so "大于等于" wins over "大于".
constexpr std::array kSigns = {
    SignWord{"大于等于", Comparison::kGreaterEqual},
    SignWord{"小于等于", Comparison::kLessEqual},
    SignWord{"不低于", Comparison::kGreaterEqual},
    SignWord{"不少于", Comparison::kGreaterEqual},
    SignWord{"不高于", Comparison::kLessEqual},
    SignWord{"不超过", Comparison::kLessEqual},
    SignWord{"不大于", Comparison::kLessEqual},
    SignWord{"不小于", Comparison::kGreaterEqual},
    SignWord{"达到", Comparison::kGreaterEqual},
    SignWord{"大于", Comparison::kGreater},
    SignWord{"高于", Comparison::kGreater},
    SignWord{"小于", Comparison::kLess},
    SignWord{"低于", Comparison::kLess},
    SignWord{"等于", Comparison::kEqual},
    SignWord{"≥", Comparison::kGreaterEqual},
    SignWord{"≧", Comparison::kGreaterEqual},
    SignWord{"≤", Comparison::kLessEqual},
    SignWord{"≦", Comparison::kLessEqual},
    SignWord{">=", Comparison::kGreaterEqual},
    SignWord{"<=", Comparison::kLessEqual},
    SignWord{">", Comparison::kGreater},
    SignWord{"<", Comparison::kLess},
    SignWord{"=", Comparison::kEqual},
};

std::optional<std::string_view> SimpleUnit(std::string_view unit) {
  for (const auto& [alias, canonical] : kUnitAliases) {
    if (unit == alias) return canonical;
  }
  for (const auto& info : kUnits) {
    if (unit == info.name) return info.name;
  }
  return std::nullopt;
}

bool Meets(double value, Comparison op, double threshold) {
  switch (op) {
    case Comparison::kGreaterEqual:
      return value >= threshold;
    case Comparison::kGreater:
      return value > threshold;
    case Comparison::kLessEqual:
      return value <= threshold;
    case Comparison::kLess:
      return value < threshold;
    case Comparison::kEqual:
      return value == threshold;
  }
  return false;
}

// Rounded to `decimals`, unless that moves it across the threshold (met ↔ not met): then cut
// toward its own side. An equality target is met only exactly, so any rounding would cross.
double RoundMet(double scaled, int decimals, const PublishedUnit& published, double scale) {
  const double factor = std::pow(10.0, decimals);
  const double rounded = std::round(scaled * factor) / factor;
  if (!published.threshold || published.op == Comparison::kEqual) return rounded;
  const double threshold = *published.threshold / scale;
  if (Meets(scaled, published.op, threshold) == Meets(rounded, published.op, threshold))
    return rounded;
  return scaled < threshold ? std::floor(scaled * factor) / factor
                            : std::ceil(scaled * factor) / factor;
}

// A unit as budget tables write it: a simple one (人, 平方米), or a rate of simple ones (个/年,
// 元/人·月, 万元/年: the 万 is taken as the multiplier before). Rates are kept as written, their
// parts in canonical spelling.
std::optional<std::string> CanonicalUnit(std::string_view unit) {
  if (auto simple = SimpleUnit(unit)) return std::string(*simple);
  const size_t slash = unit.find('/');
  if (slash == std::string_view::npos || unit.find('/', slash + 1) != std::string_view::npos)
    return std::nullopt;
  auto numerator = SimpleUnit(Trim(unit.substr(0, slash)));
  if (!numerator) return std::nullopt;
  std::string canonical = std::string(*numerator) + "/";
  std::string_view rest = Trim(unit.substr(slash + 1));
  // 元/人·月: a denominator of several units joined by a middle dot.
  for (bool first = true; !rest.empty(); first = false) {
    const size_t dot = std::min(rest.find("·"), rest.find("."));
    auto part = SimpleUnit(Trim(rest.substr(0, dot)));
    if (!part) return std::nullopt;
    canonical += (first ? "" : "·") + std::string(*part);
    if (dot == std::string_view::npos) break;
    rest = Trim(
        rest.substr(dot + (rest.substr(dot).starts_with("·") ? std::string_view("·").size() : 1)));
    if (rest.empty()) return std::nullopt;
  }
  return canonical;
}

bool HasDigit(std::string_view text) {
  for (char c : text) {
    if (c >= '0' && c <= '9') return true;
  }
  return false;
}

size_t NumberLength(std::string_view text) {
  size_t length = 0;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) length = 1;
  while (length < text.size() && ((text[length] >= '0' && text[length] <= '9') ||
                                  text[length] == '.' || text[length] == ',')) {
    ++length;
  }
  return length;
}

}  // namespace

std::string_view TargetKindName(TargetKind kind) {
  switch (kind) {
    case TargetKind::kPositive:
      return "positive";
    case TargetKind::kReverse:
      return "reverse";
    case TargetKind::kEqual:
      return "equal";
    case TargetKind::kQualitative:
      return "qualitative";
  }
  return "qualitative";
}

std::string_view ComparisonSymbol(Comparison op) {
  switch (op) {
    case Comparison::kGreaterEqual:
      return ">=";
    case Comparison::kGreater:
      return ">";
    case Comparison::kLessEqual:
      return "<=";
    case Comparison::kLess:
      return "<";
    case Comparison::kEqual:
      return "=";
  }
  return "=";
}

bool IsCumulativeUnit(std::string_view unit) {
  for (const auto& info : kUnits) {
    if (unit == info.name) return info.cumulative;
  }
  return false;
}

std::string FormatQuantity(double value, std::string_view unit) {
  if (unit == "%") return FormatNumber(value * 100, 2) + "%";
  return FormatNumber(value, 2) + std::string(unit);
}

std::string_view MultiplierPrefix(double factor) {
  for (const auto& multiplier : kMultipliers) {
    if (multiplier.factor == factor) return multiplier.prefix;
  }
  return "";
}

PublishedUnit PublishedUnitOf(const Target& target) {
  return {target.unit, target.multiplier, target.value, target.op.value_or(Comparison::kEqual)};
}

PublishedUnit WanYuan(std::optional<double> threshold) { return {"元", 1e4, threshold}; }

std::string FormatQuantity(double value, const PublishedUnit& published) {
  const bool percent = published.unit == "%";
  // A percentage's scale is fixed by its sign; "万%" is not a thing people write.
  const double scale = percent ? 0.01 : published.multiplier;
  const bool money = published.unit.starts_with("元");
  const bool whole = IsCumulativeUnit(published.unit) && !money && scale == 1;
  const int decimals = whole ? 0 : 2;
  const double shown = RoundMet(value / scale, decimals, published, scale);
  char fixed[64];
  std::snprintf(fixed, sizeof fixed, "%.*f", decimals, shown);
  const std::string number = money && scale != 1 ? std::string(fixed) : FormatNumber(shown, 2);
  const std::string_view prefix = percent ? std::string_view() : MultiplierPrefix(scale);
  return number + std::string(prefix) + published.unit;
}

std::string FormatQuantity(double value, const Target& target) {
  return FormatQuantity(value, PublishedUnitOf(target));
}

namespace {

// Whether an unknown unit reads as a budget table's own measure word (颗星, 头牛): no Latin letter,
// digit or sign, which would rather be a slip ("24 hours", "95%以上") to correct.
bool IsMeasureWord(std::string_view unit) {
  return std::none_of(unit.begin(), unit.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x80 && c != '/'; });
}

// ParseQuantity; an unknown unit that IsMeasureWord is kept as written (with `known_unit` false)
// when `keep_unknown_unit`, else refused.
Result<Quantity> ReadQuantity(std::string_view raw, bool keep_unknown_unit, bool* known_unit) {
  std::string_view text = Trim(raw);
  std::string folded;
  if (MayHaveFullWidth(text)) {
    folded = FoldFullWidth(text);
    text = Trim(folded);
  }
  if (text.empty()) return Status::Error("no number given");
  const size_t length = NumberLength(text);
  const std::string_view number_text = text.substr(0, length);
  auto number = ParseDecimal(number_text);
  if (!number) {
    return Status::Error(number_text.empty()
                             ? QuoteExcerpt(text) + " is not a number"
                             : QuoteExcerpt(number_text) + " is not a valid number");
  }
  std::string_view rest = Trim(text.substr(length));
  double factor = 1;
  for (const auto& multiplier : kMultipliers) {
    if (rest.starts_with(multiplier.prefix)) {
      factor = multiplier.factor;
      rest = Trim(rest.substr(multiplier.prefix.size()));
      break;
    }
  }
  Quantity quantity{*number * factor, "", factor};
  // No budget, count or duration a unit reports comes near 10^15 (a thousand trillion); beyond
  // it is a slip of the exponent, and beyond 10^308 it would be stored as infinity.
  if (!std::isfinite(quantity.value) || std::fabs(quantity.value) >= kLargestFigure) {
    return Status::Error(QuoteExcerpt(text) + " is too large to be a real figure (10^15 or more)");
  }
  if (rest.empty()) return quantity;
  if ((rest[0] == 'e' || rest[0] == 'E') && rest.size() > 1 &&
      (std::isdigit(static_cast<unsigned char>(rest[1])) || rest[1] == '+' || rest[1] == '-')) {
    return Status::Error(QuoteExcerpt(text) +
                         " is in scientific notation; write the number in full");
  }
  auto unit = CanonicalUnit(rest);
  if (!unit && keep_unknown_unit && IsMeasureWord(rest)) {
    if (known_unit) *known_unit = false;
    quantity.unit = std::string(rest);
    return quantity;
  }
  if (!unit) {
    return Status::Error("unknown unit " + QuoteExcerpt(rest) +
                         " (write a unit such as 人, 次, 台, 元, 万元, 小时, 天, 平方米, %, "
                         "or a rate such as 个/年, 元/人)");
  }
  quantity.unit = std::move(*unit);
  if (quantity.unit == "%") quantity.value /= 100;
  return quantity;
}

}  // namespace

Result<Quantity> ParseQuantity(std::string_view text) { return ReadQuantity(text, false, nullptr); }

std::string_view WrittenMultiplier(std::string_view target_text) {
  for (const auto& multiplier : kMultipliers) {
    if (target_text.find(multiplier.prefix) != std::string_view::npos) return multiplier.prefix;
  }
  return "";
}

Result<Target> ParseTarget(std::string_view raw) {
  Target target;
  target.text = std::string(Trim(raw));
  if (target.text.empty()) return Status::Error("the target is empty");
  const std::string folded = FoldFullWidth(target.text);
  std::string_view text = Trim(folded);
  if (!HasDigit(text)) {
    for (const auto& sign : kSigns) {
      if (text.starts_with(sign.text)) {
        return Status::Error("the sign " + QuoteExcerpt(sign.text) +
                             " must be followed by a number");
      }
    }
    return target;  // qualitative: 按时发放, 及时, 保障, 提升 …
  }
  Comparison op = Comparison::kEqual;
  for (const auto& sign : kSigns) {
    if (text.starts_with(sign.text)) {
      op = sign.op;
      text = Trim(text.substr(sign.text.size()));
      break;
    }
  }
  auto quantity = ReadQuantity(text, true, &target.known_unit);
  if (!quantity.ok()) return quantity.status();
  if (quantity->value < 0) return Status::Error("a target cannot be negative");
  target.op = op;
  target.value = quantity->value;
  target.unit = quantity->unit;
  target.multiplier = quantity->multiplier;
  switch (op) {
    case Comparison::kGreaterEqual:
    case Comparison::kGreater:
      target.kind = TargetKind::kPositive;
      break;
    case Comparison::kLessEqual:
    case Comparison::kLess:
      target.kind = TargetKind::kReverse;
      break;
    case Comparison::kEqual:
      target.kind = TargetKind::kEqual;
      break;
  }
  return target;
}

}  // namespace ptmon
