// Reading YAML documents written by people: every field read through here reports a missing,
// unknown or malformed value with its file:line:column, and reading goes on so that a user
// sees all problems at once. Not thread-safe; one instance per document.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <ptmon/base/location.h>
#include <ptmon/tables/yaml_document.h>

namespace ptmon {

class YamlFields {
 public:
  YamlFields(std::string file, Diagnostics& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  // Parses a whole document, guarding against hostile input: deep nesting and alias-heavy
  // documents are refused. Returns nothing (and records why) when the text is not YAML.
  std::unique_ptr<YamlDocument> Parse(std::string_view text);

  void Error(const YamlNode& at, const std::string& message);
  void Warning(const YamlNode& at, const std::string& message);

  // Reports keys of `map` that are not in `allowed` (a typo must not silently drop data).
  void CheckKeys(const YamlNode& map, std::initializer_list<std::string_view> allowed,
                 std::string_view what);
  bool ExpectMap(const YamlNode& node, std::string_view what);
  bool ExpectSequence(const YamlNode& node, std::string_view what);

  // A scalar as text; reports when the key is missing (required) or not a scalar.
  std::optional<std::string> String(const YamlNode& map, std::string_view key, bool required);
  // String, refused (an error and nothing) when longer than `max_characters`: a name or a text
  // a person writes, `what` naming it in Chinese for the message ("项目名称").
  std::optional<std::string> Text(const YamlNode& map, std::string_view key, bool required,
                                  size_t max_characters, std::string_view what);
  std::optional<double> Number(const YamlNode& map, std::string_view key, bool required);
  std::optional<int> Integer(const YamlNode& map, std::string_view key, bool required, int min,
                             int max);
  // An amount in yuan with at most two decimals, returned in fen.
  std::optional<long long> Fen(const YamlNode& map, std::string_view key, bool required);

  const std::string& file() const { return file_; }
  SourcePlace Place(const YamlNode& node) const;

 private:
  std::string file_;
  Diagnostics& diagnostics_;
};

}  // namespace ptmon
