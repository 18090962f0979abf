#include "write_api.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include <ptmon/base/clock.h>
#include <ptmon/base/sha256.h>

namespace ptmon {

bool SameSecret(const std::string& given, const std::string& expected) {
  const std::string a = Sha256Hex(given);
  const std::string b = Sha256Hex(expected);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

HttpResponse HandleWriteRequest(const HttpRequest& request, const std::string& token,
                                std::chrono::system_clock::time_point now,
                                const IngestBody& ingest) {
  if (token.empty()) {
    return HttpResponse::Json(
        403, "{\"error\":\"the write API is disabled; set api.token in the configuration\"}");
  }
  const std::string authorization = request.Header("Authorization");
  if (!authorization.starts_with("Bearer ") || !SameSecret(authorization.substr(7), token)) {
    HttpResponse response = HttpResponse::Json(
        401, "{\"error\":\"a valid 'Authorization: Bearer <token>' is required\"}");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  std::string format = request.QueryParameter("format");
  if (format.empty())
    format = request.Header("Content-Type").find("yaml") != std::string::npos ? "yaml" : "csv";
  if (format != "csv" && format != "yaml") {
    return HttpResponse::Json(400, "{\"error\":\"format must be csv or yaml\"}");
  }
  // A name only labels the batch; one that is not a plain report name is replaced.
  std::string name = request.QueryParameter("name");
  const bool plain = !name.empty() && name.size() <= 200 &&
                     name.find_first_of("/\\") == std::string::npos &&
                     std::none_of(name.begin(), name.end(),
                                  [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (!plain || !IsReportName(name) || !name.ends_with("." + format)) {
    name = "api-" + FormatRfc3339(now) + "." + format;
  }
  const IngestOutcome outcome = ingest(name, request.body);
  nlohmann::ordered_json body{{"result", IngestResultName(outcome.result)}, {"file", name}};
  if (outcome.batch_id != 0) body["batch"] = outcome.batch_id;
  body["values"] = outcome.values;
  body["errors"] = outcome.errors;
  body["error_count"] = outcome.error_count;
  const int status =
      outcome.result == IngestResult::kApplied || outcome.result == IngestResult::kDuplicate ? 200
      : outcome.result == IngestResult::kRejected                                            ? 400
                                                                                             : 503;
  // Messages may quote anything the body held; dump() replaces invalid UTF-8 instead of throwing.
  return HttpResponse::Json(status,
                            body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace ptmon
