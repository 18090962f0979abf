// What both importers share: reading level names as tables write them, mending doubled cells,
// counting characters, and checking that a target reads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/import/catalog_import.h>

namespace ptmon::import_internal {

// A cell as a level label: 产出指标 is a level 1; 数量指标, 经济类, 服务对象 are levels 2 (with
// the level 1 they belong to). Anything else is content.
struct LevelCell {
  enum class Kind { kContent, kLevel1, kLevel2 } kind = Kind::kContent;
  std::string level1;
  std::string level2;  // canonical: 经济效益, not 经济效益指标 or 经济类
};
LevelCell ClassifyLevel(std::string_view cell);

// The label form of a cell: full width folded, spaces dropped, a trailing colon removed.
std::string Label(std::string_view cell);

// An amount in yuan as tables print it ("8,266,024.73"), in fen; nothing for anything else.
std::optional<long long> AmountInFen(std::string_view cell);
// The same in 万元 when `in_wan` (53.86 is 538,600 yuan), as a 金额单位 line or a （万元） header
// says.
std::optional<long long> AmountInFen(std::string_view cell, bool in_wan);

bool IsStrictPrefix(std::string_view prefix, std::string_view text);

// "及时及时" → "及时", "加大提升提升" → "加大提升": a qualitative cell whose text, or whose last
// two or more characters, the extraction doubled. Nothing for any other text.
std::optional<std::string> Undoubled(std::string_view text);

// Fills in the level 1 from the level 2 when they do not belong together (the level 2 is the
// more specific label), with a review saying so; a missing level is a review and makes the
// indicator unusable.
void SettleLevels(ImportedIndicator& indicator);

// Marks the indicator unusable, with the reason, when its target does not read; a target in a
// unit ptmon does not know stays usable, with a review.
void CheckTarget(ImportedIndicator& indicator);

// A review on the project when indicators left unusable take weight away from the total.
void CheckWeights(ImportedProject& project);

}  // namespace ptmon::import_internal
