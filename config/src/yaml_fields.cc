#include <ptmon/config/yaml_fields.h>

#include <ptmon/base/text.h>

namespace ptmon {

namespace {

constexpr int kMaxDepth = 32;
constexpr size_t kMaxNodes = 1'000'000;

// Walks the parsed tree once, counting nodes as a reader would see them (aliases followed), so
// a "billion laughs" document is refused before anyone iterates over it.
bool WithinLimits(const YAML::Node& node, int depth, size_t& nodes, std::string& problem) {
  if (++nodes > kMaxNodes) {
    problem = "the document is too large or repeats anchors too often (over 1,000,000 values)";
    return false;
  }
  if (depth > kMaxDepth) {
    problem = "the document is nested deeper than 32 levels";
    return false;
  }
  if (node.IsMap()) {
    for (const auto& entry : node) {
      if (!WithinLimits(entry.second, depth + 1, nodes, problem)) return false;
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!WithinLimits(item, depth + 1, nodes, problem)) return false;
    }
  }
  return true;
}

// yaml-cpp recurses once per nesting level while parsing; refusing deep flow nesting before
// parsing keeps a hostile file from exhausting the stack.
bool NestingTooDeep(std::string_view text) {
  int depth = 0;
  for (char c : text) {
    if (c == '[' || c == '{') {
      if (++depth > kMaxDepth * 4) return true;
    } else if (c == ']' || c == '}') {
      depth = depth > 0 ? depth - 1 : 0;
    }
  }
  return false;
}

}  // namespace

std::optional<YAML::Node> YamlFields::Parse(std::string_view text) {
  if (!IsValidUtf8(text)) {
    diagnostics_.Error(file_, 0, 0, "the file is not UTF-8 text; save it as UTF-8");
    return std::nullopt;
  }
  if (NestingTooDeep(text)) {
    diagnostics_.Error(file_, 0, 0, "the document is nested deeper than 32 levels");
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    diagnostics_.Error(file_, error.mark.line + 1, error.mark.column + 1,
                       "not valid YAML: " + error.msg);
    return std::nullopt;
  }
  size_t nodes = 0;
  std::string problem;
  if (!WithinLimits(root, 0, nodes, problem)) {
    diagnostics_.Error(file_, 0, 0, problem);
    return std::nullopt;
  }
  return root;
}

SourcePlace YamlFields::Place(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {file_, 0, 0};
  return {file_, mark.line + 1, mark.column + 1};
}

void YamlFields::Error(const YAML::Node& at, const std::string& message) {
  const SourcePlace place = Place(at);
  diagnostics_.Error(place.file, place.line, place.column, message);
}

void YamlFields::Warning(const YAML::Node& at, const std::string& message) {
  const SourcePlace place = Place(at);
  diagnostics_.Warning(place.file, place.line, place.column, message);
}

bool YamlFields::ExpectMap(const YAML::Node& node, std::string_view what) {
  if (node.IsMap()) return true;
  Error(node, std::string(what) + " must be a mapping of 'key: value' lines");
  return false;
}

bool YamlFields::ExpectSequence(const YAML::Node& node, std::string_view what) {
  if (node.IsSequence()) return true;
  Error(node, std::string(what) + " must be a list ('- ' items)");
  return false;
}

void YamlFields::CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                           std::string_view what) {
  if (!map.IsMap()) return;
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    bool known = false;
    for (std::string_view name : allowed) known = known || key == name;
    if (known) continue;
    std::string list;
    for (std::string_view name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
    Error(entry.first, "unknown key " + Quote(key) + " in " + std::string(what) +
                           " (allowed: " + list + ")");
  }
}

std::optional<std::string> YamlFields::String(const YAML::Node& map, std::string_view key,
                                              bool required) {
  const std::string name(key);
  const YAML::Node node = map[name];
  if (!node || node.IsNull()) {
    if (required) Error(map, "missing " + Quote(key));
    return std::nullopt;
  }
  if (!node.IsScalar()) {
    Error(node, Quote(key) + " must be a single value");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<double> YamlFields::Number(const YAML::Node& map, std::string_view key,
                                         bool required) {
  auto text = String(map, key, required);
  if (!text) return std::nullopt;
  auto value = ParseDecimal(Trim(FoldFullWidth(*text)));
  if (!value) Error(map[std::string(key)], Quote(key) + ": " + Quote(*text) + " is not a number");
  return value;
}

std::optional<int> YamlFields::Integer(const YAML::Node& map, std::string_view key, bool required,
                                       int min, int max) {
  auto value = Number(map, key, required);
  if (!value) return std::nullopt;
  if (*value != static_cast<double>(static_cast<long long>(*value)) || *value < min || *value > max) {
    Error(map[std::string(key)], Quote(key) + " must be a whole number from " +
                                     std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::optional<long long> YamlFields::Fen(const YAML::Node& map, std::string_view key,
                                         bool required) {
  auto text = String(map, key, required);
  if (!text) return std::nullopt;
  auto fen = ParseFen(Trim(FoldFullWidth(*text)));
  if (!fen) {
    Error(map[std::string(key)], Quote(key) + ": " + Quote(*text) +
                                     " is not an amount in yuan (digits, at most two decimals)");
  }
  return fen;
}

}  // namespace ptmon
