// UTF-8 helpers for text typed by people: full-width forms, stray spaces, thousands separators.
#pragma once

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ptmon {

bool IsValidUtf8(std::string_view text);
bool IsAscii(std::string_view text);

// Folds full-width ASCII (＞，１２.５％ → >,12.5%) and the ideographic space to their ASCII
// forms, leaving every other character alone. Input must be valid UTF-8.
std::string FoldFullWidth(std::string_view text);
// False when FoldFullWidth would return the text unchanged (it may be true then too): spares
// callers the copy for the common cell, ASCII or Chinese.
bool MayHaveFullWidth(std::string_view text);

// Strips ASCII white space, the ideographic space U+3000, NBSP and a UTF-8 BOM at both ends.
std::string_view Trim(std::string_view text);

// ASCII lower case plus removal of all white space; for matching header names.
std::string NormalizeKey(std::string_view text);

// Parses a plain decimal number ("12", "-3.5", "1,234.5"); thousands separators are accepted
// only between groups of three digits. Returns nothing for anything else.
std::optional<double> ParseDecimal(std::string_view text);

// Exact money amount in fen (0.01 yuan) from a decimal with at most two fraction digits.
std::optional<long long> ParseFen(std::string_view text);

// A number for people: at most `decimals` fraction digits, trailing zeros dropped ("12",
// "20.5", "0.96").
std::string FormatNumber(double value, int decimals = 2);
// A figure for the official tables: exactly `decimals` fraction digits and thousands separators
// ("1,234.50", "60,000").
std::string FormatGrouped(double value, int decimals);
// `value` rounded to `decimals` places, but never across one of `thresholds`: a light judged on
// 79.99 against 80 prints 79.9 at one place, not 80.0 (truncated toward its own side instead).
double RoundKeepingSide(double value, int decimals, std::initializer_list<double> thresholds);

// Decodes %XX escapes (malformed ones are kept as written); `plus_is_space` for query strings
// and form bodies (application/x-www-form-urlencoded), not for paths.
std::string PercentDecode(std::string_view text, bool plus_is_space);
// Text for HTML (content and attribute values): & < > " ' as entities, other control characters
// than line breaks and tabs as \xNN.
std::string EscapeHtml(std::string_view text);
// Percent-encodes every byte but letters, digits and -._~ (a query parameter's value).
std::string UrlEncodeComponent(std::string_view text);
// Replaces control characters with \xNN, so a hostile file name or cell cannot forge lines in
// logs and error files.
std::string EscapeControl(std::string_view text);
// One CSV cell as Excel and WPS open it: quoted when it must be (RFC 4180), control characters
// other than line breaks as \xNN, and text a spreadsheet would take for a formula (=, +, -, @, a
// tab or CR first: "CSV injection") made plain text by a leading apostrophe. Numbers ("-3.5",
// "+12%") are left as they are.
std::string CsvCell(std::string_view text);
// A YAML double-quoted scalar that reads back as `text`: always quoted, so 是, 1年 or "≥30台"
// stay text; quotes and backslashes escaped, line breaks as \n, other control characters \xNN.
std::string YamlQuoted(std::string_view text);
// One CSV record of CsvCell cells, ended by CRLF.
std::string CsvLine(const std::vector<std::string>& cells);
// A worksheet name Excel accepts, from `title`: at most 28 characters (room for a "(2)"), none
// of []:*?/\ (each becomes _), and not in `taken`, to which it is added.
std::string SheetName(std::string_view title, std::set<std::string>& taken);
// EscapeControl in single quotes, for values quoted in messages.
std::string Quote(std::string_view text);
// Quote for a value a stranger may have made huge: at most its first 200 characters, then how
// many there are in all ("'项目项目…'…（共 50000000 字 / 50000000 characters）").
std::string QuoteExcerpt(std::string_view text);
// Characters (code points) of UTF-8 text: what a length limit on a name counts, not bytes.
size_t CharacterCount(std::string_view text);
// Terminal columns `text` takes: East Asian wide and full-width characters two, ANSI colour
// sequences none, everything else one.
size_t DisplayWidth(std::string_view text);

}  // namespace ptmon
