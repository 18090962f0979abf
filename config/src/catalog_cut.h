// A large catalogue file is parsed and read on two threads: it is cut where one of its projects
// begins, into a head (the file up to that line) and a tail (the projects from there on, a YAML
// sequence of its own). The cut is used only when the halves, each parsed alone, read as the
// whole file does; otherwise the file is read whole, which also reports its problems.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <ptmon/tables/yaml_document.h>

namespace ptmon {

struct CatalogCut {
  std::string_view head;
  std::string_view tail;
  int tail_first_line = 0;  // the tail's lines are counted on from the head's
};

// Below this a file is read whole: a thread costs more than half of its parse.
constexpr size_t kCutFromBytes = 1 << 20;

// Cuts near the middle, at a line indented as the first project's `- `, when the root's
// `projects:` (at the start of a line, its value below it) is followed by such a line; nothing
// for a smaller file or another shape.
std::optional<CatalogCut> CutAtProject(std::string_view text);

// The tail's limits: the whole file's, less the levels above the projects' items.
YamlLimits TailLimits(YamlLimits whole);

// Whether the halves read as the whole file: indenting alone does not prove that the cut line
// begins a project (it may sit inside a quoted or flow value, which leaves the head unparsed),
// nor that the projects are the file's last key. The head must hold one document, ending where
// the tail begins, whose root's last key holds a sequence the tail's items continue; the tail
// must hold that sequence and nothing after it; the two together must keep within the whole
// file's limits.
bool CutConfirmed(const YamlDocument& head, const YamlDocument& tail, const CatalogCut& cut,
                  YamlLimits whole);

}  // namespace ptmon
