// POST /api/v1/actuals: who may write, what the request asks to ingest, and the answer. The
// ingest itself is a callback (the service runs it on its loop), so this is the whole request
// path short of the socket — what the fuzzer drives.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <ptmon/ingest/ingestor.h>

#include "http_server.h"

namespace ptmon {

// Compares secrets in time independent of where they differ; both are hashed first, so the
// length of the expected one leaks nothing either.
bool SameSecret(const std::string& given, const std::string& expected);

using IngestBody = std::function<IngestOutcome(const std::string& name, const std::string& body)>;

// 403 when no token is configured, 401 without a matching Bearer token, 400 for an unknown
// format, otherwise the ingest's outcome: 200 applied or duplicate, 400 rejected (with every
// located error), 503 when it could not be processed.
HttpResponse HandleWriteRequest(const HttpRequest& request, const std::string& token,
                                std::chrono::system_clock::time_point now,
                                const IngestBody& ingest);

}  // namespace ptmon
