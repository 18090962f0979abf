#include "catalog_cut.h"

#include <algorithm>
#include <string>

#include <ptmon/base/text.h>

namespace ptmon {

namespace {

bool IsBlankOrComment(std::string_view line) {
  const std::string_view content = Trim(line);
  return content.empty() || content.front() == '#';
}

}  // namespace

std::optional<CatalogCut> CutAtProject(std::string_view text) {
  if (text.size() < kCutFromBytes) return std::nullopt;
  constexpr std::string_view kKey = "\nprojects:";
  const size_t key = text.find(kKey);
  if (key == std::string_view::npos) return std::nullopt;
  size_t line_end = text.find('\n', key + kKey.size());
  if (line_end == std::string_view::npos ||
      !IsBlankOrComment(text.substr(key + kKey.size(), line_end - key - kKey.size()))) {
    return std::nullopt;
  }
  // The first line below with content is the first project's.
  std::string_view first_item;
  while (first_item.empty() && line_end != std::string_view::npos) {
    const size_t next_end = text.find('\n', line_end + 1);
    const std::string_view line = text.substr(line_end + 1, next_end - line_end - 1);
    if (!IsBlankOrComment(line)) first_item = line;
    line_end = next_end;
  }
  if (line_end == std::string_view::npos) return std::nullopt;
  const size_t indent = first_item.find_first_not_of(' ');
  if (!first_item.substr(indent).starts_with("- ")) return std::nullopt;
  const std::string item_start = "\n" + std::string(indent, ' ') + "- ";
  const size_t cut = text.find(item_start, std::max(line_end, text.size() / 2));
  if (cut == std::string_view::npos) return std::nullopt;
  const std::string_view head = text.substr(0, cut + 1);
  return CatalogCut{head, text.substr(cut + 1),
                    1 + static_cast<int>(std::count(head.begin(), head.end(), '\n'))};
}

YamlLimits TailLimits(YamlLimits whole) {
  whole.max_depth -= 1;  // the root map; the tail's root is the projects' sequence
  return whole;
}

bool CutConfirmed(const YamlDocument& head, const YamlDocument& tail, const CatalogCut& cut,
                  YamlLimits whole) {
  // libyaml ends a document where a less indented line begins, and reads on as another: the
  // tail must end with its sequence, as the head must end where the tail begins.
  if (head.end_line() != cut.tail_first_line || tail.end_line() == 0 || !head.root().IsMap() ||
      !tail.root().IsSequence()) {
    return false;
  }
  const auto entries = head.root().Entries();
  // The tail's root sequence stands for none of the whole file's nodes.
  return !entries.empty() && entries.back().first.Scalar() == "projects" &&
         entries.back().second.IsSequence() &&
         head.expanded_nodes() + tail.expanded_nodes() - 1 <= whole.max_expanded_nodes;
}

}  // namespace ptmon
