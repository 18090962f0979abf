#include "http_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include <ptmon/base/text.h>
#include <ptmon/http/http_server.h>

namespace ptmon {

using http_internal::Lower;

namespace {

// Optional whitespace as HTTP defines it (RFC 9110 §5.6.3): spaces and tabs only.
std::string_view TrimOws(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string EscapeJson(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

namespace http_internal {

const char* Reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 303:
      return "See Other";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Status";
  }
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<HeadError> ParseHead(std::string_view head, HttpRequest& request) {
  constexpr size_t kMaxHeaders = 100;
  const size_t line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const size_t first_space = line.find(' ');
  const size_t last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space)
    return HeadError{400, "the request line is not 'METHOD /path HTTP/1.1'"};
  request.method = std::string(line.substr(0, first_space));
  std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = line.substr(last_space + 1);
  if (request.method.empty() || !std::all_of(request.method.begin(), request.method.end(),
                                             [](unsigned char c) { return std::isupper(c) != 0; }))
    return HeadError{400, "the method is not a word in capitals like GET"};
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    if (version.starts_with("HTTP/")) return HeadError{505, "only HTTP/1.0 and 1.1 are served"};
    return HeadError{400, "the request line does not end with HTTP/1.1"};
  }
  if (target.starts_with("http://") || target.starts_with("https://")) {  // absolute form
    const size_t authority = target.find("//") + 2;
    const size_t path = target.find('/', authority);
    target = path == std::string_view::npos ? std::string_view("/") : target.substr(path);
  }
  if (target == "*") {
    request.path = "*";
  } else {
    if (!target.starts_with('/')) return HeadError{400, "the path must start with /"};
    const size_t question = target.find('?');
    request.path = PercentDecode(target.substr(0, question), false);
    if (request.path.find('\0') != std::string::npos)
      return HeadError{400, "the path holds a NUL byte"};
    if (question != std::string_view::npos)
      request.query = std::string(target.substr(question + 1));
  }
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    const size_t end = rest.find("\r\n");
    const std::string_view field = rest.substr(0, end);
    rest = end == std::string_view::npos ? "" : rest.substr(end + 2);
    if (field.empty()) continue;
    if (field.front() == ' ' || field.front() == '\t')
      return HeadError{400, "folded header lines are not accepted"};
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        field.substr(0, colon).find_first_of(" \t") != std::string_view::npos)
      return HeadError{400, "a header line is not 'Name: value'"};
    if (request.headers.size() >= kMaxHeaders)
      return HeadError{431, "more than " + std::to_string(kMaxHeaders) + " headers"};
    std::string name = Lower(field.substr(0, colon));
    const std::string_view value = TrimOws(field.substr(colon + 1));
    auto [at, inserted] = request.headers.emplace(name, value);
    if (!inserted) {
      if (name == "content-length" && at->second != value)
        return HeadError{400, "two different Content-Length headers"};
      if (name != "content-length") at->second += ", " + std::string(value);
    }
  }
  if (request.headers.count("transfer-encoding"))
    return HeadError{411, "send the body with a Content-Length, not Transfer-Encoding"};
  if (auto length = request.headers.find("content-length"); length != request.headers.end()) {
    const std::string& text = length->second;
    unsigned long long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
      return HeadError{400, "Content-Length is not a whole number"};
    request.content_length = value;
  }
  return std::nullopt;
}

}  // namespace http_internal

std::string HttpRequest::Header(const std::string& name) const {
  auto found = headers.find(Lower(name));
  return found == headers.end() ? "" : found->second;
}

std::string HttpRequest::QueryParameter(const std::string& name) const {
  size_t start = 0;
  while (start <= query.size()) {
    const size_t end = std::min(query.find('&', start), query.size());
    const std::string_view pair = std::string_view(query).substr(start, end - start);
    const size_t equals = pair.find('=');
    if (PercentDecode(pair.substr(0, equals), true) == name) {
      return equals == std::string_view::npos ? "" : PercentDecode(pair.substr(equals + 1), true);
    }
    start = end + 1;
  }
  return "";
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body_parts.push_back(std::make_shared<const std::string>(std::move(body)));
  return response;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse response = Text(status, std::move(body));
  response.content_type = "application/json; charset=utf-8";
  return response;
}

HttpResponse HttpResponse::Error(int status, std::string_view message) {
  return Json(status, "{\"error\":" + EscapeJson(message) + "}\n");
}

bool AllowsMethod(std::string_view allow, std::string_view method) {
  for (size_t start = 0; start < allow.size();) {
    const size_t comma = std::min(allow.find(", ", start), allow.size());
    if (allow.substr(start, comma - start) == method) return true;
    start = comma + 2;
  }
  return false;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<bool> gzip, any;
  while (!accept_encoding.empty()) {
    const size_t comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const size_t semicolon = item.find(';');
    const std::string coding = Lower(TrimOws(item.substr(0, semicolon)));
    double q = 1;
    if (semicolon != std::string_view::npos) {
      std::string_view parameter = TrimOws(item.substr(semicolon + 1));
      if (parameter.size() > 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
          parameter[1] == '=') {
        parameter.remove_prefix(2);
        auto [end, error] =
            std::from_chars(parameter.data(), parameter.data() + parameter.size(), q);
        if (error != std::errc()) q = 0;
      }
    }
    if (coding == "gzip" || coding == "x-gzip") gzip = q > 0;
    if (coding == "*") any = q > 0;
  }
  return gzip.value_or(any.value_or(false));
}

}  // namespace ptmon
