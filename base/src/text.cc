#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <ptmon/base/text.h>

namespace ptmon {

namespace {

// Decodes one code point at `pos`, advancing it; returns -1 on malformed input.
long DecodeUtf8(std::string_view text, size_t& pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  int length = lead < 0x80           ? 1
               : (lead >> 5) == 0x6  ? 2
               : (lead >> 4) == 0xE  ? 3
               : (lead >> 3) == 0x1E ? 4
                                     : 0;
  if (length == 0 || pos + length > text.size()) return -1;
  long code = length == 1 ? lead : lead & (0x7F >> length);
  for (int i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return -1;
    code = (code << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr long kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kMinimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return -1;
  pos += length;
  return code;
}

void AppendUtf8(std::string& out, long code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Removes thousands separators when they are placed correctly ("1,234,567").
std::optional<std::string> StripThousands(std::string_view integer_part) {
  if (integer_part.find(',') == std::string_view::npos) return std::string(integer_part);
  std::string out;
  size_t first = integer_part.find(',');
  if (first == 0 || first > 3 || !IsDigits(integer_part.substr(0, first))) return std::nullopt;
  out.append(integer_part.substr(0, first));
  for (size_t pos = first; pos < integer_part.size(); pos += 4) {
    if (integer_part[pos] != ',' || pos + 4 > integer_part.size()) return std::nullopt;
    std::string_view group = integer_part.substr(pos + 1, 3);
    if (!IsDigits(group)) return std::nullopt;
    out.append(group);
  }
  return out;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    // Reports are mostly ASCII: skip it eight bytes at a time.
    uint64_t eight = 0;
    if (pos + 8 <= text.size() &&
        (std::memcpy(&eight, text.data() + pos, 8), (eight & 0x8080808080808080ULL) == 0)) {
      pos += 8;
      continue;
    }
    if (DecodeUtf8(text, pos) < 0) return false;
  }
  return true;
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool MayHaveFullWidth(std::string_view text) {
  // Every full-width form (U+FF01–FF5E) begins with the byte EF; the ideographic space is E3 80 80.
  return text.find('\xEF') != std::string_view::npos ||
         text.find("\xE3\x80\x80") != std::string_view::npos;
}

std::string FoldFullWidth(std::string_view text) {
  if (!MayHaveFullWidth(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    long code = DecodeUtf8(text, pos);
    if (code < 0) {  // not UTF-8: keep the byte, callers validate separately
      out += text[start];
      pos = start + 1;
      continue;
    }
    if (code >= 0xFF01 && code <= 0xFF5E) {
      out += static_cast<char>(code - 0xFF01 + 0x21);
    } else if (code == 0x3000) {
      out += ' ';
    } else {
      AppendUtf8(out, code);
    }
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  // Fast path: most cells neither start with a byte that can begin one of the spaces below nor
  // end with one that can end one (an ASCII space or control, or a lead or last byte of BOM,
  // ideographic space or no-break space); Chinese text rarely does.
  const auto may_begin_space = [](unsigned char c) {
    return c <= ' ' || c == 0xEF || c == 0xE3 || c == 0xC2;
  };
  const auto may_end_space = [](unsigned char c) {
    return c <= ' ' || c == 0xBF || c == 0x80 || c == 0xA0;
  };
  if (text.empty() || (!may_begin_space(static_cast<unsigned char>(text.front())) &&
                       !may_end_space(static_cast<unsigned char>(text.back())))) {
    return text;
  }
  static constexpr std::string_view kSpaces[] = {
      "\xEF\xBB\xBF", "\xE3\x80\x80", "\xC2\xA0", " ", "\t", "\r", "\n", "\v", "\f"};
  bool changed = true;
  while (changed && !text.empty()) {
    changed = false;
    for (std::string_view space : kSpaces) {
      if (text.starts_with(space)) {
        text.remove_prefix(space.size());
        changed = true;
      }
      if (text.ends_with(space)) {
        text.remove_suffix(space.size());
        changed = true;
      }
    }
  }
  return text;
}

std::string NormalizeKey(std::string_view text) {
  std::string folded = FoldFullWidth(text);
  std::string out;
  for (char c : folded) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<double> ParseDecimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() >= '0' && text.front() <= '9') {
    // Plain digits with at most one point, the common case, need no copy. Anything else
    // (thousands separators, a sign, an exponent) stops from_chars early and is judged below.
    double value = 0;
    auto [end, error] =
        std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
    if (error == std::errc() && end == text.data() + text.size()) return value;
  }
  std::string_view sign;
  if (text.front() == '-' || text.front() == '+') {
    sign = text.substr(0, 1);
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  auto integer = StripThousands(text.substr(0, dot));
  if (!integer) return std::nullopt;
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (dot != std::string_view::npos && !IsDigits(fraction)) return std::nullopt;
  if (!integer->empty() && !IsDigits(*integer)) return std::nullopt;
  if (integer->empty() && fraction.empty()) return std::nullopt;
  std::string plain = std::string(sign == "-" ? "-" : "") + (integer->empty() ? "0" : *integer);
  if (!fraction.empty()) plain += "." + std::string(fraction);
  double value = 0;
  auto [end, error] = std::from_chars(plain.data(), plain.data() + plain.size(), value);
  if (error != std::errc() || end != plain.data() + plain.size()) return std::nullopt;
  return value;
}

std::optional<long long> ParseFen(std::string_view text) {
  const size_t dot = text.find('.');
  if (dot != std::string_view::npos && text.size() - dot - 1 > 2) return std::nullopt;
  auto value = ParseDecimal(text);
  if (!value || *value < 0 || *value > 9e15) return std::nullopt;
  return static_cast<long long>(*value * 100 + 0.5);
}

std::string FormatNumber(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  std::string out = text;
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out == "-0" ? "0" : out;
}

std::string FormatGrouped(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string::npos)
    text.erase(0, 1);  // no "-0.00"
  const size_t start = text.front() == '-' ? 1 : 0;
  size_t integer_end = text.find('.');
  if (integer_end == std::string::npos) integer_end = text.size();
  for (size_t at = integer_end; at > start + 3; at -= 3) text.insert(at - 3, ",");
  return text;
}

double RoundKeepingSide(double value, int decimals, std::initializer_list<double> thresholds) {
  const double scale = std::pow(10.0, decimals);
  const double rounded = std::round(value * scale) / scale;
  for (const double threshold : thresholds) {
    if (value < threshold && rounded >= threshold) return std::floor(value * scale) / scale;
    if (value >= threshold && rounded < threshold) return std::ceil(value * scale) / scale;
  }
  return rounded;
}

namespace {

bool IsWide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

}  // namespace

size_t DisplayWidth(std::string_view text) {
  size_t columns = 0;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0x1b) {  // ESC [ … m: a colour, no columns
      const size_t end = text.find('m', i);
      i = end == std::string_view::npos ? text.size() : end + 1;
      continue;
    }
    const size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    uint32_t code = length == 1 ? byte : byte & (0xFF >> (length + 1));
    for (size_t k = 1; k < length && i + k < text.size(); ++k)
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    columns += IsWide(code) ? 2 : 1;
    i += length;
  }
  return columns;
}

std::string Quote(std::string_view text) { return "'" + EscapeControl(text) + "'"; }

namespace {

bool StartsCharacter(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) != 0x80; }

}  // namespace

size_t CharacterCount(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), StartsCharacter));
}

std::string QuoteExcerpt(std::string_view text) {
  constexpr size_t kShown = 200;
  size_t characters = 0, end = 0;
  for (; end < text.size(); ++end) {
    if (StartsCharacter(text[end]) && ++characters > kShown) break;
  }
  if (end == text.size()) return Quote(text);
  const std::string count = std::to_string(CharacterCount(text));
  return Quote(text.substr(0, end)) + "…（共 " + count + " 字 / " + count + " characters）";
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
        HexDigit(text[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      out += plus_is_space && text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\n':
      case '\t':
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
          out += EscapeControl(std::string_view(&c, 1));
        else
          out += c;
    }
  }
  return out;
}

std::string UrlEncodeComponent(std::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string EscapeControl(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

std::string YamlQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string CsvCell(std::string_view text) {
  std::string cell;
  // A lone "-" (nothing to show) or "+" is text to a spreadsheet already.
  const bool formula_like =
      !text.empty() && text != "-" && text != "+" &&
      std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
  if (formula_like) {
    std::string_view number = text;
    if (number.ends_with("%")) number.remove_suffix(1);
    if (!ParseDecimal(number.substr(number.front() == '+' ? 1 : 0))) cell += '\'';
  }
  for (char c : text) {
    if (c == '\n' || c == '\r')
      cell += c;
    else
      cell += EscapeControl(std::string_view(&c, 1));
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i > 0 ? "," : "") + CsvCell(cells[i]);
  return line + "\r\n";
}

std::string SheetName(std::string_view title, std::set<std::string>& taken) {
  std::string name;
  size_t characters = 0;
  for (size_t i = 0; i < title.size() && characters < 28;) {
    const unsigned char lead = static_cast<unsigned char>(title[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const std::string_view character = title.substr(i, length);
    name += character.find_first_of("[]:*?/\\") == std::string_view::npos ? std::string(character)
                                                                          : "_";
    i += length;
    ++characters;
  }
  if (name.empty()) name = "Sheet";
  std::string unique = name;
  for (int n = 2; taken.count(unique); ++n) unique = name + "(" + std::to_string(n) + ")";
  taken.insert(unique);
  return unique;
}

}  // namespace ptmon
