#include <cmath>
#include <cstdio>

#include <ptmon/base/text.h>
#include <ptmon/tables/yaml_fields.h>

namespace ptmon {

std::unique_ptr<YamlDocument> YamlFields::Parse(std::string_view text) {
  if (!IsValidUtf8(text)) {
    diagnostics_.Error(file_, 0, 0, "the file is not UTF-8 text; save it as UTF-8");
    return nullptr;
  }
  auto document = YamlDocument::Parse(text);
  if (!document.ok()) {
    // The parser's message starts with "line:column: " when it knows the place.
    const std::string& message = document.status().message();
    int line = 0, column = 0, consumed = 0;
    if (std::sscanf(message.c_str(), "%d:%d: %n", &line, &column, &consumed) == 2 && consumed > 0) {
      diagnostics_.Error(file_, line, column, message.substr(static_cast<size_t>(consumed)));
    } else {
      diagnostics_.Error(file_, 0, 0, message);
    }
    return nullptr;
  }
  return std::move(document).value();
}

SourcePlace YamlFields::Place(const YamlNode& node) const {
  return {file_, node.line(), node.column()};
}

void YamlFields::Error(const YamlNode& at, const std::string& message) {
  const SourcePlace place = Place(at);
  diagnostics_.Error(place.file, place.line, place.column, message);
}

void YamlFields::Warning(const YamlNode& at, const std::string& message) {
  const SourcePlace place = Place(at);
  diagnostics_.Warning(place.file, place.line, place.column, message);
}

bool YamlFields::ExpectMap(const YamlNode& node, std::string_view what) {
  if (node.IsMap()) return true;
  Error(node, std::string(what) + " must be a mapping of 'key: value' lines");
  return false;
}

bool YamlFields::ExpectSequence(const YamlNode& node, std::string_view what) {
  if (node.IsSequence()) return true;
  Error(node, std::string(what) + " must be a list ('- ' items)");
  return false;
}

void YamlFields::CheckKeys(const YamlNode& map, std::initializer_list<std::string_view> allowed,
                           std::string_view what) {
  if (!map.IsMap()) return;
  for (const auto& entry : map.Entries()) {
    const std::string_view key = entry.first.Scalar();
    bool known = false;
    for (std::string_view name : allowed) known = known || key == name;
    if (known) continue;
    std::string list;
    for (std::string_view name : allowed) list += (list.empty() ? "" : ", ") + std::string(name);
    Error(entry.first, "unknown key " + QuoteExcerpt(key) + " in " + std::string(what) +
                           " (allowed: " + list + ")");
  }
}

std::optional<std::string> YamlFields::String(const YamlNode& map, std::string_view key,
                                              bool required) {
  const std::string name(key);
  const YamlNode node = map[name];
  if (!node || node.IsNull()) {
    if (required) Error(map, "missing " + Quote(key));
    return std::nullopt;
  }
  if (!node.IsScalar()) {
    Error(node, Quote(key) + " must be a single value");
    return std::nullopt;
  }
  return std::string(node.Scalar());
}

std::optional<std::string> YamlFields::Text(const YamlNode& map, std::string_view key,
                                            bool required, size_t max_characters,
                                            std::string_view what) {
  auto text = String(map, key, required);
  if (!text) return std::nullopt;
  if (const size_t characters = CharacterCount(*text); characters > max_characters) {
    const std::string limit = std::to_string(max_characters);
    Error(map[std::string(key)], std::string(what) + "太长: " + std::to_string(characters) +
                                     " 个字, 最多 " + limit + " 个字, 请缩短 / " + Quote(key) +
                                     " is " + std::to_string(characters) +
                                     " characters long; shorten it to at most " + limit);
    return std::nullopt;
  }
  return text;
}

std::optional<double> YamlFields::Number(const YamlNode& map, std::string_view key, bool required) {
  auto text = String(map, key, required);
  if (!text) return std::nullopt;
  auto value = ParseDecimal(Trim(FoldFullWidth(*text)));
  if (!value)
    Error(map[std::string(key)], Quote(key) + ": " + QuoteExcerpt(*text) + " is not a number");
  return value;
}

std::optional<int> YamlFields::Integer(const YamlNode& map, std::string_view key, bool required,
                                       int min, int max) {
  auto value = Number(map, key, required);
  if (!value) return std::nullopt;
  // Range first: converting an out-of-range double to an integer is undefined (the fuzzer
  // found `year: 3e98`).
  if (*value < min || *value > max || *value != std::floor(*value)) {
    Error(map[std::string(key)], Quote(key) + " must be a whole number from " +
                                     std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::optional<long long> YamlFields::Fen(const YamlNode& map, std::string_view key, bool required) {
  auto text = String(map, key, required);
  if (!text) return std::nullopt;
  auto fen = ParseFen(Trim(FoldFullWidth(*text)));
  if (!fen) {
    Error(map[std::string(key)], Quote(key) + ": " + QuoteExcerpt(*text) +
                                     " is not an amount in yuan (digits, at most two decimals)");
  }
  return fen;
}

}  // namespace ptmon
