#include <algorithm>

#include <nlohmann/json.hpp>

#include <ptmon/api/write_api.h>
#include <ptmon/base/clock.h>
#include <ptmon/http/http_forms.h>

namespace ptmon {

namespace {

// ?format= first, then a Content-Type that names a format, then the name's extension (curl's
// default type and application/octet-stream name none), else CSV.
std::string RequestFormat(const HttpRequest& request) {
  const std::string format = request.QueryParameter("format");
  if (!format.empty()) return format;
  const std::string type = request.Header("Content-Type");
  if (type.find("spreadsheetml") != std::string::npos) return "xlsx";
  if (type.find("yaml") != std::string::npos) return "yaml";
  if (type.find("csv") != std::string::npos) return "csv";
  const std::string name = request.QueryParameter("name");
  if (name.ends_with(".xlsx")) return "xlsx";
  if (name.ends_with(".yaml") || name.ends_with(".yml")) return "yaml";
  return "csv";
}

}  // namespace

const ApiToken* MatchToken(const HttpRequest& head, const std::vector<ApiToken>& tokens) {
  const std::string authorization = head.Header("Authorization");
  if (!authorization.starts_with("Bearer ")) return nullptr;
  const std::string given = authorization.substr(7);
  // Every token is compared, so the time taken says nothing about which one matched.
  const ApiToken* matched = nullptr;
  for (const ApiToken& token : tokens) {
    if (SameSecret(given, token.secret)) matched = &token;
  }
  return matched;
}

Submitter TokenSubmitter(const ApiToken& token) {
  std::string name = "api:" + token.name;
  if (token.projects.empty()) return Submitter::Everything(std::move(name), token.unit);
  return Submitter::Only(std::move(name), token.projects, token.unit);
}

std::optional<HttpResponse> AdmitWriteRequest(const HttpRequest& head,
                                              const std::vector<ApiToken>& tokens) {
  if (tokens.empty()) {
    return HttpResponse::Error(403,
                               "the write API is disabled; set api.token in the configuration");
  }
  if (MatchToken(head, tokens) == nullptr) {
    HttpResponse response =
        HttpResponse::Error(401, "a valid 'Authorization: Bearer <token>' is required");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  const std::string format = RequestFormat(head);
  if (format != "csv" && format != "yaml" && format != "xlsx") {
    return HttpResponse::Error(400, "format must be csv, yaml or xlsx");
  }
  return std::nullopt;
}

std::string WriteRequestName(const HttpRequest& request,
                             std::chrono::system_clock::time_point now) {
  const std::string format = RequestFormat(request);
  // A name only labels the batch; one that is not a plain report name is replaced.
  const std::string name = request.QueryParameter("name");
  const bool plain = !name.empty() && name.size() <= 200 &&
                     name.find_first_of("/\\") == std::string::npos &&
                     std::none_of(name.begin(), name.end(),
                                  [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (!plain || !IsReportName(name) || !name.ends_with("." + format)) {
    return "api-" + FormatRfc3339(now) + "." + format;
  }
  return name;
}

HttpResponse WriteResponse(const std::string& name, const IngestOutcome& outcome) {
  nlohmann::ordered_json body{{"result", IngestResultName(outcome.result)}, {"file", name}};
  if (outcome.batch_id != 0) body["batch"] = outcome.batch_id;
  body["values"] = outcome.values;
  body["errors"] = outcome.errors;
  body["error_count"] = outcome.error_count;
  const int status =
      outcome.result == IngestResult::kApplied || outcome.result == IngestResult::kDuplicate ? 200
      : outcome.result == IngestResult::kRejected                                            ? 400
      : outcome.result == IngestResult::kForbidden                                           ? 403
                                                                                             : 503;
  // Messages may quote anything the body held; dump() replaces invalid UTF-8 instead of throwing.
  return HttpResponse::Json(status,
                            body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse HandleWriteRequest(const HttpRequest& request, const std::vector<ApiToken>& tokens,
                                std::chrono::system_clock::time_point now,
                                const IngestBody& ingest) {
  if (auto refused = AdmitWriteRequest(request, tokens)) return *refused;
  const std::string name = WriteRequestName(request, now);
  return WriteResponse(
      name, ingest(name, request.body.view(), TokenSubmitter(*MatchToken(request, tokens))));
}

}  // namespace ptmon
