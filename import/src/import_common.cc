#include <array>
#include <cmath>

#include <ptmon/base/text.h>
#include <ptmon/indicators/catalog.h>
#include <ptmon/indicators/target.h>

#include "import_internal.h"

namespace ptmon::import_internal {

namespace {

constexpr std::array<std::string_view, 3> kLevel1s = {"产出指标", "效益指标", "满意度指标"};

// Short forms the published tables use for a level 2.
struct Alias {
  std::string_view written, level1, level2;
};
constexpr Alias kAliases[] = {
    {"经济类", "效益指标", "经济效益"},         {"社会类", "效益指标", "社会效益"},
    {"生态类", "效益指标", "生态效益"},         {"可持续", "效益指标", "可持续影响"},
    {"可持续类", "效益指标", "可持续影响"},     {"服务对象", "满意度指标", "服务对象满意度"},
    {"满意度", "满意度指标", "服务对象满意度"},
};

std::vector<std::string_view> CodePoints(std::string_view text) {
  std::vector<std::string_view> points;
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead >= 0xF0)
      length = 4;
    else if (lead >= 0xE0)
      length = 3;
    else if (lead >= 0xC0)
      length = 2;
    length = std::min(length, text.size() - i);
    points.push_back(text.substr(i, length));
    i += length;
  }
  return points;
}

bool HasDigit(std::string_view text) {
  for (char c : FoldFullWidth(text)) {
    if (c >= '0' && c <= '9') return true;
  }
  return false;
}

}  // namespace

std::string Label(std::string_view cell) {
  std::string out;
  for (char c : FoldFullWidth(Trim(cell))) {
    if (c != ' ') out += c;
  }
  while (!out.empty() && out.back() == ':') out.pop_back();
  return out;
}

LevelCell ClassifyLevel(std::string_view cell) {
  const std::string label = Label(cell);
  LevelCell result;
  for (std::string_view level1 : kLevel1s) {
    if (label == level1 || label + "指标" == level1) {
      result.kind = LevelCell::Kind::kLevel1;
      result.level1 = level1;
      return result;
    }
  }
  for (std::string_view level1 : kLevel1s) {
    if (auto level2 = CanonicalLevel2(level1, label)) {
      result.kind = LevelCell::Kind::kLevel2;
      result.level1 = level1;
      result.level2 = *level2;
      return result;
    }
  }
  for (const Alias& alias : kAliases) {
    if (label == alias.written) {
      result.kind = LevelCell::Kind::kLevel2;
      result.level1 = alias.level1;
      result.level2 = alias.level2;
      return result;
    }
  }
  return result;
}

std::optional<long long> AmountInFen(std::string_view cell) {
  return ParseFen(Trim(FoldFullWidth(cell)));  // separators only between groups of three
}

std::optional<long long> AmountInFen(std::string_view cell, bool in_wan) {
  if (!in_wan) return AmountInFen(cell);
  // 万元 with up to six decimals is exact in yuan; more would be fractions of a fen.
  auto wan = ParseDecimal(FoldFullWidth(cell));
  if (!wan) return std::nullopt;
  return std::llround(*wan * 1'000'000);
}

bool IsStrictPrefix(std::string_view prefix, std::string_view text) {
  return text.size() > prefix.size() && text.substr(0, prefix.size()) == prefix;
}

std::optional<std::string> Undoubled(std::string_view text) {
  if (HasDigit(text)) return std::nullopt;
  const auto points = CodePoints(text);
  const size_t n = points.size();
  // The longest doubled tail first: "保障保障" is one word doubled, not "障障".
  for (size_t half = n / 2; half >= 2; --half) {
    bool doubled = true;
    for (size_t i = 0; i < half && doubled; ++i) {
      doubled = points[n - 2 * half + i] == points[n - half + i];
    }
    if (!doubled) continue;
    std::string out;
    for (size_t i = 0; i < n - half; ++i) out += points[i];
    return out;
  }
  return std::nullopt;
}

void SettleLevels(ImportedIndicator& indicator) {
  if (indicator.level2.empty()) {
    indicator.usable = false;
    indicator.reviews.push_back(
        {indicator.line, "no 二级指标 (level 2) for " + Quote(indicator.name) + "; write level2"});
    return;
  }
  const LevelCell level2 = ClassifyLevel(indicator.level2);
  if (level2.kind != LevelCell::Kind::kLevel2) {
    indicator.usable = false;
    indicator.reviews.push_back(
        {indicator.line, "unknown 二级指标 " + Quote(indicator.level2) + "; write a valid level2"});
    return;
  }
  if (!indicator.level1.empty() && indicator.level1 != level2.level1) {
    indicator.reviews.push_back({indicator.line, "the table puts " + level2.level2 + " under " +
                                                     indicator.level1 + "; taken as " +
                                                     level2.level1 + ", where it belongs"});
  }
  indicator.level1 = level2.level1;
  indicator.level2 = level2.level2;
}

void CheckTarget(ImportedIndicator& indicator) {
  if (indicator.target.empty()) {
    indicator.usable = false;
    indicator.reviews.push_back(
        {indicator.line, "no 指标值 (target) for " + Quote(indicator.name) + "; write the target"});
    return;
  }
  auto target = ParseTarget(indicator.target);
  if (!target.ok()) {
    indicator.usable = false;
    indicator.reviews.push_back(
        {indicator.line, "the target " + Quote(indicator.target) +
                             " cannot be read: " + target.status().message()});
  } else if (!target->known_unit) {
    indicator.reviews.push_back(
        {indicator.line, "the unit " + Quote(target->unit) + " of " + Quote(indicator.target) +
                             " is not one ptmon knows; kept as published, values must be "
                             "reported in it: check it is the unit meant"});
  }
}

void CheckWeights(ImportedProject& project) {
  double all = 0, usable = 0;
  bool weighted = false;
  for (const auto& indicator : project.indicators) {
    if (!indicator.weight) continue;
    weighted = true;
    all += *indicator.weight;
    if (indicator.usable) usable += *indicator.weight;
  }
  if (!weighted || std::fabs(usable - all) < 1e-9) return;
  project.reviews.push_back({project.line, "the weights of the usable indicators add up to " +
                                               FormatNumber(usable, 2) + " of the table's " +
                                               FormatNumber(all, 2) +
                                               " points until the indicators under review are "
                                               "fixed and uncommented"});
}

}  // namespace ptmon::import_internal
