#include <algorithm>
#include <istream>
#include <limits>
#include <map>
#include <streambuf>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <ptmon/config/yaml_document.h>

namespace ptmon {

namespace {

// Thrown from inside the event handler to stop yaml-cpp before it descends any further.
struct LimitExceeded {
  std::string message;
  YAML::Mark mark;
};

}  // namespace

class YamlBuilder final : public YAML::EventHandler {
 public:
  YamlBuilder(YamlDocument& document, YamlLimits limits) : document_(document), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(NewNode(YamlNode::Data::Kind::kNull, mark), anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = anchors_.find(anchor);
    if (found == anchors_.end()) throw LimitExceeded{"an alias refers to an unknown anchor", mark};
    Add(found->second, 0);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode::Data* node = NewNode(YamlNode::Data::Kind::kScalar, mark);
    std::string& scalars = document_.scalars_;
    if (scalars.size() + value.size() > std::numeric_limits<uint32_t>::max()) {
      throw LimitExceeded{"the document is too large (over 4 GiB of text)", mark};
    }
    node->scalar_offset = static_cast<uint32_t>(scalars.size());
    node->scalar_size = static_cast<uint32_t>(value.size());
    scalars += value;
    Add(node, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(YamlNode::Data::Kind::kSequence, mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(YamlNode::Data::Kind::kMap, mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    YamlNode::Data* node;
    YAML::anchor_t anchor;
    std::vector<const YamlNode::Data*> children;
  };

  YamlNode::Data* NewNode(YamlNode::Data::Kind kind, const YAML::Mark& mark) {
    if (document_.block_used_ == document_.block_size_) {
      document_.block_size_ = std::clamp<size_t>(document_.block_size_ * 2, 64, 65536);
      document_.node_blocks_.push_back(std::make_unique<YamlNode::Data[]>(document_.block_size_));
      document_.block_used_ = 0;
    }
    YamlNode::Data& node = document_.node_blocks_.back()[document_.block_used_++];
    node.kind = kind;
    node.line = static_cast<uint32_t>(mark.line + 1);
    node.column = static_cast<uint32_t>(mark.column + 1);
    return &node;
  }

  void Add(const YamlNode::Data* node, YAML::anchor_t anchor) {
    if (anchor != 0) anchors_[anchor] = node;
    if (stack_.empty()) {
      if (document_.root_ == nullptr) document_.root_ = node;
      return;
    }
    Frame& parent = stack_.back();
    parent.node->expanded += node->expanded;
    if (parent.node->expanded > limits_.max_expanded_nodes) {
      throw LimitExceeded{"the document is too large or repeats anchors too often (over " +
                              std::to_string(limits_.max_expanded_nodes) + " values)",
                          YAML::Mark::null_mark()};
    }
    parent.children.push_back(node);
  }

  void Open(YamlNode::Data::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      throw LimitExceeded{
          "the document is nested deeper than " + std::to_string(limits_.max_depth) + " levels",
          mark};
    }
    stack_.push_back({NewNode(kind, mark), anchor, {}});
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

  // yaml-cpp keeps the first of two equal keys and drops the second without a word; a manager
  // who wrote `value:` twice meant one of them, and must say which.
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
      YAML::Mark mark;
      mark.line = static_cast<int>(keys[i].second->line) - 1;
      mark.column = static_cast<int>(keys[i].second->column) - 1;
      const std::string key(keys[i].first), first = std::to_string(keys[i - 1].second->line);
      throw LimitExceeded{
          "键 '" + key + "' 重复 (第一次在第 " + first + " 行), 请只保留一个 / the key '" + key +
              "' appears twice in one map (first on line " + first + "); keep one of them",
          mark};
    }
  }

  YamlDocument& document_;
  YamlLimits limits_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, const YamlNode::Data*> anchors_;
};

Result<std::unique_ptr<YamlDocument>> YamlDocument::Parse(std::string_view text,
                                                          YamlLimits limits) {
  std::unique_ptr<YamlDocument> document(new YamlDocument());
  document->scalars_.reserve(text.size());  // scalars are about as long as their source text
  // Reads the caller's buffer in place: a large catalogue is not copied into the stream.
  struct ViewBuffer : std::streambuf {
    explicit ViewBuffer(std::string_view view) {
      char* begin = const_cast<char*>(view.data());
      setg(begin, begin, begin + view.size());
    }
  } buffer(text);
  std::istream in(&buffer);
  auto place = [](const YAML::Mark& mark) {
    return mark.is_null()
               ? std::string()
               : std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": ";
  };
  try {
    YAML::Parser parser(in);
    YamlBuilder builder(*document, limits);
    parser.HandleNextDocument(builder);
  } catch (const YAML::Exception& error) {
    return Status::Error(place(error.mark) + "not valid YAML: " + error.msg);
  } catch (const LimitExceeded& error) {
    return Status::Error(place(error.mark) + error.message);
  }
  return document;
}

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
