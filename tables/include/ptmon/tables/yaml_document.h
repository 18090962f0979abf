// A parsed YAML document held compactly: built from libyaml's events instead of a parser's node
// tree, so a catalogue of 100,000 indicators fits in a fraction of the memory, and hostile input
// (deep nesting, alias expansion) is refused while parsing, before anything walks it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ptmon/base/status.h>

namespace ptmon {

struct YamlLimits {
  int max_depth = 32;
  size_t max_expanded_nodes = 10'000'000;  // counting every alias as the nodes it stands for
};

class YamlDocument;

// A handle to a node of a YamlDocument, valid while the document lives. A default handle (or a
// missing key) is "undefined": false in a boolean context.
class YamlNode {
 public:
  YamlNode() = default;
  explicit operator bool() const { return data_ != nullptr; }
  bool IsMap() const;
  bool IsSequence() const;
  bool IsScalar() const;
  bool IsNull() const;
  std::string_view Scalar() const;  // "" unless a scalar; valid while the document lives
  // The value under `key` in a map; undefined when absent or not a map.
  YamlNode operator[](std::string_view key) const;
  size_t size() const;  // entries of a map, items of a sequence
  std::vector<std::pair<YamlNode, YamlNode>> Entries() const;  // map entries in order
  std::vector<YamlNode> Items() const;                         // sequence items in order
  int line() const;                                            // 1-based; 0 when undefined
  int column() const;                                          // 1-based; 0 when undefined

 private:
  friend class YamlDocument;
  friend class YamlBuilder;
  struct Data;
  YamlNode(const YamlDocument* document, const Data* data) : document_(document), data_(data) {}
  const YamlDocument* document_ = nullptr;
  const Data* data_ = nullptr;
};

class YamlDocument {
 public:
  // Parses the first document of `text`. Errors name line and column: "3:7: …". Lines are
  // counted from `first_line`: a text cut from a larger one reports the larger one's lines.
  static Result<std::unique_ptr<YamlDocument>> Parse(std::string_view text, YamlLimits limits = {},
                                                     int first_line = 1);
  YamlNode root() const;
  // The line where the text ends, counted as the nodes' lines are, when nothing but this
  // document is in it; 0 when another document follows. A text cut just after the end of a line
  // ends on the line where the rest begins.
  int end_line() const { return end_line_; }
  // The document's values, counting every alias as the nodes it stands for (what
  // YamlLimits::max_expanded_nodes bounds).
  uint64_t expanded_nodes() const;

 private:
  friend class YamlNode;
  friend class YamlBuilder;
  // Nodes live in blocks that never move, growing to 65,536 nodes: few, large allocations that
  // go back to the system whole, instead of small ones the catalogue's strings interleave with.
  std::vector<std::unique_ptr<YamlNode::Data[]>> node_blocks_;
  size_t block_size_ = 0;  // of the last block
  size_t block_used_ = 0;
  std::vector<const YamlNode::Data*> children_;
  std::string scalars_;  // every scalar's text, end to end
  const YamlNode::Data* root_ = nullptr;
  int end_line_ = 0;
};

// 40 bytes: a catalogue of 100,000 indicators has over a million nodes.
struct YamlNode::Data {
  uint64_t expanded = 1;  // nodes this one stands for, aliases followed
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t first_child = 0;  // into YamlDocument::children_; maps alternate key, value
  uint32_t child_count = 0;
  uint32_t scalar_offset = 0;  // into YamlDocument::scalars_
  uint32_t scalar_size = 0;
  enum class Kind : uint8_t { kNull, kScalar, kSequence, kMap } kind = Kind::kNull;
};

}  // namespace ptmon
