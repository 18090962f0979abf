// POST /api/v1/actuals: who may write, what the request asks to ingest, and the answer. The
// ingest itself is a callback (the service runs it on its loop), so this is the whole request
// path short of the socket — what the fuzzer drives.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <ptmon/config/daemon_config.h>
#include <ptmon/http/http_server.h>
#include <ptmon/ingest/ingestor.h>

namespace ptmon {

using IngestBody = std::function<IngestOutcome(const std::string& name, std::string_view body,
                                               const Submitter& who)>;

// The token the request's `Authorization: Bearer` names, compared with every configured one in
// constant time; null when none matches.
const ApiToken* MatchToken(const HttpRequest& head, const std::vector<ApiToken>& tokens);
// Who a token's requests come from: "api:<name>", with the token's projects and unit.
Submitter TokenSubmitter(const ApiToken& token);

// The checks made on the request head, before the body is read: 403 when no token is
// configured, 401 without a matching Bearer token, 400 for an unknown format. Nothing when the
// request may go on. Which projects the token may write is decided by the Ingestor, on the body.
std::optional<HttpResponse> AdmitWriteRequest(const HttpRequest& head,
                                              const std::vector<ApiToken>& tokens);

// The name the batch is recorded under: the `name` parameter when it is a plain report name
// with the request's format, otherwise api-<time>.<format>.
std::string WriteRequestName(const HttpRequest& request, std::chrono::system_clock::time_point now);

// The answer to an ingest: 200 applied or duplicate, 400 rejected (with every located error),
// 403 forbidden (a project outside the token's scope), 503 when it could not be processed.
HttpResponse WriteResponse(const std::string& name, const IngestOutcome& outcome);

// The three above in sequence, with the ingest in between: the whole request path short of
// the socket, as the fuzzer and the threat-model tests drive it.
HttpResponse HandleWriteRequest(const HttpRequest& request, const std::vector<ApiToken>& tokens,
                                std::chrono::system_clock::time_point now,
                                const IngestBody& ingest);

}  // namespace ptmon
