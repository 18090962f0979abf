#include <algorithm>

#include <openssl/crypto.h>

#include <ptmon/base/sha256.h>
#include <ptmon/base/text.h>
#include <ptmon/http/http_forms.h>

#include "http_message.h"

namespace ptmon {

using http_internal::Lower;

bool SameSecret(const std::string& given, const std::string& expected) {
  const std::string a = Sha256Hex(given);
  const std::string b = Sha256Hex(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string FormFields::Get(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return "";
}

bool FormFields::Has(std::string_view name) const {
  return std::any_of(fields.begin(), fields.end(),
                     [&](const auto& field) { return field.first == name; });
}

FormFields ParseUrlEncoded(std::string_view body) {
  FormFields form;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    form.fields.emplace_back(
        PercentDecode(pair.substr(0, equals), true),
        equals == std::string_view::npos ? "" : PercentDecode(pair.substr(equals + 1), true));
  }
  return form;
}

namespace {

// The value of `name` in a header's parameters (`; name=value` or `; name="value"`).
std::optional<std::string> HeaderParameter(std::string_view header, std::string_view name) {
  std::vector<std::string_view> pieces;  // split at semicolons outside quotes
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i < header.size(); ++i) {
    if (quoted && header[i] == '\\') {
      ++i;
    } else if (header[i] == '"') {
      quoted = !quoted;
    } else if (header[i] == ';' && !quoted) {
      pieces.push_back(header.substr(start, i - start));
      start = i + 1;
    }
  }
  pieces.push_back(header.substr(std::min(start, header.size())));
  for (size_t p = 1; p < pieces.size(); ++p) {  // the first piece is the value itself
    const std::string_view piece = Trim(pieces[p]);
    const size_t equals = piece.find('=');
    if (equals == std::string_view::npos || Lower(Trim(piece.substr(0, equals))) != name) continue;
    const std::string_view value = Trim(piece.substr(equals + 1));
    if (!value.starts_with('"')) return std::string(value);
    std::string unquoted;
    for (size_t i = 1; i < value.size() && value[i] != '"'; ++i) {
      if (value[i] == '\\' && i + 1 < value.size()) ++i;
      unquoted += value[i];
    }
    return unquoted;
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<FormPart>> ParseMultipart(const FormBody& body, std::string_view content_type,
                                             size_t max_parts) {
  // A browser writes a few short header lines per part; more is not a form.
  constexpr size_t kMaxPartHead = 16u << 10;
  if (!Lower(content_type).starts_with("multipart/form-data"))
    return Status::Error("the form was not sent as multipart/form-data");
  const auto boundary = HeaderParameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70)
    return Status::Error("the form's Content-Type names no boundary");
  const std::string delimiter = "--" + *boundary;
  size_t at = body.Find(delimiter, 0);
  if (at == std::string_view::npos) return Status::Error("the form body has no parts");
  std::vector<FormPart> parts;
  const std::string separator = "\r\n" + delimiter;
  while (true) {
    at += delimiter.size();
    const std::string after = body.Read(at, 2);
    if (after == "--") return parts;  // the closing boundary
    if (after != "\r\n")
      return Status::Error("a part's boundary line does not end with a line break");
    at += 2;
    const std::string window = body.Read(at, kMaxPartHead + 4);
    const size_t head_length = window.find("\r\n\r\n");
    if (head_length == std::string::npos) {
      return Status::Error(window.size() > kMaxPartHead
                               ? "a part's headers are longer than 16 KiB"
                               : "a part's headers do not end with an empty line");
    }
    FormPart part;
    std::string_view head = std::string_view(window).substr(0, head_length);
    bool named = false;
    while (!head.empty()) {
      const size_t line_end = head.find("\r\n");
      const std::string_view line = head.substr(0, line_end);
      head = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string header = Lower(Trim(line.substr(0, colon)));
      const std::string_view value = Trim(line.substr(colon + 1));
      if (header == "content-disposition") {
        if (!Lower(value).starts_with("form-data")) return Status::Error("a part is not form-data");
        if (auto name = HeaderParameter(value, "name")) {
          part.name = *name;
          named = true;
        }
        part.file_name = HeaderParameter(value, "filename").value_or("");
      } else if (header == "content-type") {
        part.content_type = std::string(value);
      }
    }
    if (!named) return Status::Error("a part of the form has no name");
    part.offset = at + head_length + 4;
    const size_t data_end = body.Find(separator, part.offset);
    if (data_end == std::string_view::npos)
      return Status::Error("the form body ends before its closing boundary");
    part.size = data_end - part.offset;
    if (parts.size() >= max_parts)
      return Status::Error("the form has more than " + std::to_string(max_parts) + " parts");
    parts.push_back(std::move(part));
    at = data_end + 2;
  }
}

namespace {

class BytesInMemory final : public FormBody {
 public:
  explicit BytesInMemory(std::string_view bytes) : bytes_(bytes) {}
  size_t size() const override { return bytes_.size(); }
  size_t Find(std::string_view needle, size_t from) const override {
    return bytes_.find(needle, from);
  }
  std::string Read(size_t offset, size_t length) const override {
    return offset >= bytes_.size() ? "" : std::string(bytes_.substr(offset, length));
  }

 private:
  std::string_view bytes_;
};

}  // namespace

Result<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view content_type,
                                             size_t max_parts) {
  return ParseMultipart(BytesInMemory(body), content_type, max_parts);
}

std::map<std::string, std::string> ParseCookies(std::string_view header) {
  std::map<std::string, std::string> cookies;
  while (!header.empty()) {
    const size_t semicolon = header.find(';');
    const std::string_view pair = Trim(header.substr(0, semicolon));
    header =
        semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    std::string_view value = Trim(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    cookies.emplace(Trim(pair.substr(0, equals)), value);
  }
  return cookies;
}

}  // namespace ptmon
