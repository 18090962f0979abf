#include <algorithm>
#include <limits>
#include <map>
#include <memory>

#include <yaml.h>

#include <ptmon/tables/yaml_document.h>

namespace ptmon {

namespace {

// Where a finding is, 0-based as libyaml counts (lines, and characters within the line); a
// negative line means "nowhere in particular".
struct Mark {
  long line = -1;
  long column = 0;
};

Mark MarkOf(const yaml_mark_t& mark) {
  return {static_cast<long>(mark.line), static_cast<long>(mark.column)};
}

// Thrown from inside the builder to stop parsing before it descends any further.
struct LimitExceeded {
  std::string message;
  Mark mark;
};

std::string_view ViewOf(const yaml_char_t* text, size_t size) {
  return {reinterpret_cast<const char*>(text), size};
}

std::string_view ViewOf(const yaml_char_t* text) {
  return text == nullptr ? std::string_view()
                         : std::string_view(reinterpret_cast<const char*>(text));
}

// YAML's null: an untagged plain scalar that is empty (`key:`), `~` or null.
bool IsNull(const yaml_event_t& event) {
  const auto& scalar = event.data.scalar;
  if (scalar.style != YAML_PLAIN_SCALAR_STYLE || scalar.tag != nullptr) return false;
  const std::string_view value = ViewOf(scalar.value, scalar.length);
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

struct EventDeleter {
  void operator()(yaml_event_t* event) const { yaml_event_delete(event); }
};

}  // namespace

// Builds the compact tree from libyaml's events: libyaml parses about five times faster than
// yaml-cpp's scanner and keeps every event's place, which the catalogue's errors name.
class YamlBuilder {
 public:
  YamlBuilder(YamlDocument& document, YamlLimits limits, int first_line)
      : document_(document), limits_(limits), first_line_(first_line) {}

  // Consumes one event; false once the first document has ended.
  bool Handle(const yaml_event_t& event) {
    const Mark mark = MarkOf(event.start_mark);
    switch (event.type) {
      case YAML_SCALAR_EVENT:
        if (IsNull(event)) {
          Add(NewNode(YamlNode::Data::Kind::kNull, mark), ViewOf(event.data.scalar.anchor));
        } else {
          AddScalar(event, mark);
        }
        return true;
      case YAML_ALIAS_EVENT: {
        auto found = anchors_.find(ViewOf(event.data.alias.anchor));
        if (found == anchors_.end()) {
          throw LimitExceeded{"an alias refers to an unknown anchor", mark};
        }
        Add(found->second, {});
        return true;
      }
      case YAML_SEQUENCE_START_EVENT:
        Open(YamlNode::Data::Kind::kSequence, mark, event.data.sequence_start.anchor);
        return true;
      case YAML_MAPPING_START_EVENT:
        Open(YamlNode::Data::Kind::kMap, mark, event.data.mapping_start.anchor);
        return true;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        Close();
        return true;
      case YAML_DOCUMENT_END_EVENT:
      case YAML_STREAM_END_EVENT:
        return false;
      default:
        return true;
    }
  }

 private:
  struct Frame {
    YamlNode::Data* node;
    std::string anchor;
    std::vector<const YamlNode::Data*> children;
  };

  YamlNode::Data* NewNode(YamlNode::Data::Kind kind, Mark mark) {
    if (document_.block_used_ == document_.block_size_) {
      document_.block_size_ = std::clamp<size_t>(document_.block_size_ * 2, 64, 65536);
      document_.node_blocks_.push_back(std::make_unique<YamlNode::Data[]>(document_.block_size_));
      document_.block_used_ = 0;
    }
    YamlNode::Data& node = document_.node_blocks_.back()[document_.block_used_++];
    node.kind = kind;
    node.line = static_cast<uint32_t>(mark.line + first_line_);
    node.column = static_cast<uint32_t>(mark.column + 1);
    return &node;
  }

  void AddScalar(const yaml_event_t& event, Mark mark) {
    const std::string_view value = ViewOf(event.data.scalar.value, event.data.scalar.length);
    YamlNode::Data* node = NewNode(YamlNode::Data::Kind::kScalar, mark);
    std::string& scalars = document_.scalars_;
    if (scalars.size() + value.size() > std::numeric_limits<uint32_t>::max()) {
      throw LimitExceeded{"the document is too large (over 4 GiB of text)", mark};
    }
    node->scalar_offset = static_cast<uint32_t>(scalars.size());
    node->scalar_size = static_cast<uint32_t>(value.size());
    scalars += value;
    Add(node, ViewOf(event.data.scalar.anchor));
  }

  // `anchor` is empty when the node has none.
  void Add(const YamlNode::Data* node, std::string_view anchor) {
    if (!anchor.empty()) anchors_[std::string(anchor)] = node;
    if (stack_.empty()) {
      if (document_.root_ == nullptr) document_.root_ = node;
      return;
    }
    Frame& parent = stack_.back();
    parent.node->expanded += node->expanded;
    if (parent.node->expanded > limits_.max_expanded_nodes) {
      throw LimitExceeded{"the document is too large or repeats anchors too often (over " +
                              std::to_string(limits_.max_expanded_nodes) + " values)",
                          Mark{}};
    }
    parent.children.push_back(node);
  }

  void Open(YamlNode::Data::Kind kind, Mark mark, const yaml_char_t* anchor) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      throw LimitExceeded{
          "the document is nested deeper than " + std::to_string(limits_.max_depth) + " levels",
          mark};
    }
    stack_.push_back({NewNode(kind, mark), std::string(ViewOf(anchor)), {}});
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.node->kind == YamlNode::Data::Kind::kMap) RefuseRepeatedKeys(frame.children);
    frame.node->first_child = static_cast<uint32_t>(document_.children_.size());
    frame.node->child_count = static_cast<uint32_t>(frame.children.size());
    document_.children_.insert(document_.children_.end(), frame.children.begin(),
                               frame.children.end());
    Add(frame.node, frame.anchor);
  }

  // YAML parsers keep one of two equal keys and drop the other without a word; a manager who
  // wrote `value:` twice meant one of them, and must say which.
  void RefuseRepeatedKeys(const std::vector<const YamlNode::Data*>& children) const {
    std::vector<std::pair<std::string_view, const YamlNode::Data*>> keys;
    for (size_t i = 0; i < children.size(); i += 2) {
      const YamlNode::Data* key = children[i];
      if (key->kind != YamlNode::Data::Kind::kScalar) continue;
      keys.emplace_back(
          std::string_view(document_.scalars_).substr(key->scalar_offset, key->scalar_size), key);
    }
    std::stable_sort(keys.begin(), keys.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < keys.size(); ++i) {
      if (keys[i].first != keys[i - 1].first) continue;
      const Mark mark{static_cast<long>(keys[i].second->line) - first_line_,
                      static_cast<long>(keys[i].second->column) - 1};
      const std::string key(keys[i].first), first = std::to_string(keys[i - 1].second->line);
      throw LimitExceeded{
          "键 '" + key + "' 重复 (第一次在第 " + first + " 行), 请只保留一个 / the key '" + key +
              "' appears twice in one map (first on line " + first + "); keep one of them",
          mark};
    }
  }

  YamlDocument& document_;
  YamlLimits limits_;
  int first_line_;
  std::vector<Frame> stack_;
  std::map<std::string, const YamlNode::Data*, std::less<>> anchors_;
};

namespace {

std::string Place(Mark mark, int first_line) {
  return mark.line < 0 ? std::string()
                       : std::to_string(mark.line + first_line) + ":" +
                             std::to_string(mark.column + 1) + ": ";
}

// libyaml's finding in its words, with the construct it was reading when it has one:
// "3:7: not valid YAML: did not find expected key (while parsing a block mapping from 2:3)".
std::string ParserError(const yaml_parser_t& parser, int first_line) {
  std::string message = "not valid YAML: ";
  message += parser.problem != nullptr ? parser.problem : "unreadable input";
  if (parser.context != nullptr) {
    message += std::string(" (") + parser.context + " from " +
               std::to_string(parser.context_mark.line + first_line) + ":" +
               std::to_string(parser.context_mark.column + 1) + ")";
  }
  return Place(MarkOf(parser.problem_mark), first_line) + message;
}

}  // namespace

Result<std::unique_ptr<YamlDocument>> YamlDocument::Parse(std::string_view text, YamlLimits limits,
                                                          int first_line) {
  std::unique_ptr<YamlDocument> document(new YamlDocument());
  document->scalars_.reserve(text.size());  // scalars are about as long as their source text
  yaml_parser_t parser;
  if (yaml_parser_initialize(&parser) == 0) return Status::Error("out of memory parsing YAML");
  std::unique_ptr<yaml_parser_t, decltype(&yaml_parser_delete)> owner(&parser, &yaml_parser_delete);
  // Reads the caller's buffer in place: a large catalogue is not copied.
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  YamlBuilder builder(*document, limits, first_line);
  yaml_event_type_t last = YAML_NO_EVENT;
  try {
    for (bool more = true; more;) {
      yaml_event_t event;
      if (yaml_parser_parse(&parser, &event) == 0) {
        return Status::Error(ParserError(parser, first_line));
      }
      std::unique_ptr<yaml_event_t, EventDeleter> held(&event);
      last = event.type;
      if (last == YAML_STREAM_END_EVENT) {
        document->end_line_ = static_cast<int>(event.start_mark.line) + first_line;
      }
      more = builder.Handle(event);
    }
  } catch (const LimitExceeded& error) {
    return Status::Error(Place(error.mark, first_line) + error.message);
  }
  // Whether the stream ends after the document; what follows it otherwise is not read, and an
  // error there is no error of this document's.
  yaml_event_t event;
  if (last == YAML_DOCUMENT_END_EVENT && yaml_parser_parse(&parser, &event) != 0) {
    if (event.type == YAML_STREAM_END_EVENT) {
      document->end_line_ = static_cast<int>(event.start_mark.line) + first_line;
    }
    yaml_event_delete(&event);
  }
  return document;
}

uint64_t YamlDocument::expanded_nodes() const { return root_ == nullptr ? 0 : root_->expanded; }

YamlNode YamlDocument::root() const { return YamlNode(this, root_); }

bool YamlNode::IsMap() const { return data_ && data_->kind == Data::Kind::kMap; }
bool YamlNode::IsSequence() const { return data_ && data_->kind == Data::Kind::kSequence; }
bool YamlNode::IsScalar() const { return data_ && data_->kind == Data::Kind::kScalar; }
bool YamlNode::IsNull() const { return data_ && data_->kind == Data::Kind::kNull; }
int YamlNode::line() const { return data_ ? static_cast<int>(data_->line) : 0; }
int YamlNode::column() const { return data_ ? static_cast<int>(data_->column) : 0; }

std::string_view YamlNode::Scalar() const {
  if (!IsScalar()) return {};
  return std::string_view(document_->scalars_).substr(data_->scalar_offset, data_->scalar_size);
}

size_t YamlNode::size() const {
  if (IsMap()) return data_->child_count / 2;
  if (IsSequence()) return data_->child_count;
  return 0;
}

YamlNode YamlNode::operator[](std::string_view key) const {
  if (!IsMap()) return {};
  const auto& children = document_->children_;
  for (uint32_t i = 0; i + 1 < data_->child_count; i += 2) {
    const Data* candidate = children[data_->first_child + i];
    if (candidate->kind == Data::Kind::kScalar && YamlNode(document_, candidate).Scalar() == key) {
      return YamlNode(document_, children[data_->first_child + i + 1]);
    }
  }
  return {};
}

std::vector<std::pair<YamlNode, YamlNode>> YamlNode::Entries() const {
  std::vector<std::pair<YamlNode, YamlNode>> entries;
  if (!IsMap()) return entries;
  const auto& children = document_->children_;
  for (uint32_t i = 0; i + 1 < data_->child_count; i += 2) {
    entries.emplace_back(YamlNode(document_, children[data_->first_child + i]),
                         YamlNode(document_, children[data_->first_child + i + 1]));
  }
  return entries;
}

std::vector<YamlNode> YamlNode::Items() const {
  std::vector<YamlNode> items;
  if (!IsSequence()) return items;
  for (uint32_t i = 0; i < data_->child_count; ++i) {
    items.push_back(YamlNode(document_, document_->children_[data_->first_child + i]));
  }
  return items;
}

}  // namespace ptmon
