#include "routes.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include <ptmon/api/write_api.h>
#include <ptmon/reports/reports.h>

namespace ptmon {

namespace {

using Json = nlohmann::ordered_json;

enum class Endpoint { kHealth, kReady, kMetrics, kStatus, kAlerts, kActuals };

struct Route {
  std::string_view path;
  Endpoint endpoint;
  std::string_view allow;  // the Allow header: the methods this path answers
  bool needs_snapshot;
};

constexpr std::array kRoutes{
    Route{"/healthz", Endpoint::kHealth, "GET, HEAD, OPTIONS", false},
    Route{"/readyz", Endpoint::kReady, "GET, HEAD, OPTIONS", false},
    Route{"/metrics", Endpoint::kMetrics, "GET, HEAD, OPTIONS", true},
    Route{"/api/v1/status", Endpoint::kStatus, "GET, HEAD, OPTIONS", true},
    Route{"/api/v1/alerts", Endpoint::kAlerts, "GET, HEAD, OPTIONS", true},
    Route{"/api/v1/actuals", Endpoint::kActuals, "POST, OPTIONS", true},
};

const Route* FindRoute(std::string_view path) {
  for (const Route& route : kRoutes) {
    if (route.path == path) return &route;
  }
  return nullptr;
}

// The route label of the request histogram: the API's paths as they are, the console's in a few
// groups, everything else `other` — a client's raw path would make a series per path it invents.
std::string_view RouteLabel(const HttpRequest& request) {
  if (const Route* route = FindRoute(request.path)) return route->path;
  if (request.path == "*" || !ConsoleRoutes::Owns(request.path)) return "other";
  if (request.path.starts_with("/assets/")) return "console_asset";
  if (request.path == "/login" || request.path == "/logout") return "console_login";
  if (request.path == "/upload") return "console_upload";
  if (request.method == "POST") return "console_form";
  return "console_page";
}

using Steady = std::chrono::steady_clock;

double SecondsSince(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

HttpResponse WithAllow(HttpResponse response, std::string_view allow) {
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

// A whole number from a query parameter, at most `max`; nothing when it is not one.
std::optional<size_t> CountParameter(const std::string& text, size_t max) {
  size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > max)
    return std::nullopt;
  return value;
}

// A response whose body_parts are gzip members: sent as they are when the client takes gzip,
// inflated one at a time as they are written when it does not.
void SendCompressed(HttpResponse& response, std::string_view accept_encoding) {
  if (AcceptsGzip(accept_encoding)) {
    response.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    response.inflate_parts = true;
  }
  response.headers.emplace_back("Vary", "Accept-Encoding");
}

// A catalogue of 66,000 indicators is a 55 MB document: clients page through it with
// ?limit=&offset= (a Link header names the next page) or ask for one project.
// For the next page's link; StatusResponse has checked it is one of the years served (digits).
std::string YearParameter(const HttpRequest& request) {
  const std::string year = request.QueryParameter("year");
  return year.empty() ? "" : "&year=" + year;
}

// ?year= names the year served (the default) or the one before it, kept until the next.
HttpResponse StatusResponse(const Snapshot& snapshot, const HttpRequest& request) {
  const Catalog* catalog = snapshot.catalog.get();
  const Evaluation* evaluation = snapshot.evaluation.get();
  const GzipMembers* document = snapshot.status_document.get();
  if (const std::string year = request.QueryParameter("year");
      !year.empty() && year != std::to_string(catalog->year)) {
    if (!snapshot.past_catalog || year != std::to_string(snapshot.past_catalog->year)) {
      return HttpResponse::Error(
          404,
          "no evaluation of " + year + " here: this ptmon serves " + std::to_string(catalog->year) +
              (snapshot.past_catalog ? " and keeps " + std::to_string(snapshot.past_catalog->year)
                                     : std::string()));
    }
    catalog = snapshot.past_catalog.get();
    evaluation = snapshot.past_evaluation.get();
    document = snapshot.past_status_document.get();
  }
  const std::string project = request.QueryParameter("project");
  if (!project.empty() && catalog->FindProject(project) == nullptr) {
    return HttpResponse::Error(404, "no project " + project);
  }
  const std::string limit_text = request.QueryParameter("limit");
  const std::string offset_text = request.QueryParameter("offset");
  if (limit_text.empty() && offset_text.empty()) {
    if (!project.empty()) return HttpResponse::Json(200, StatusJsonText(*evaluation, project));
    HttpResponse response = HttpResponse::Json(200, "");
    response.body_parts = *document;
    SendCompressed(response, request.Header("Accept-Encoding"));
    return response;
  }
  if (!project.empty())
    return HttpResponse::Error(400, "page (limit, offset) or project, not both");
  constexpr size_t kMaxLimit = 10'000;
  const auto limit =
      limit_text.empty() ? std::optional<size_t>(100) : CountParameter(limit_text, kMaxLimit);
  const auto offset =
      offset_text.empty() ? std::optional<size_t>(0) : CountParameter(offset_text, SIZE_MAX / 2);
  if (!limit || *limit == 0 || !offset) {
    return HttpResponse::Error(400, "limit must be a whole number from 1 to " +
                                        std::to_string(kMaxLimit) +
                                        " and offset a whole number (projects to skip)");
  }
  HttpResponse response =
      HttpResponse::Json(200, StatusJsonText(*evaluation, StatusPage{*offset, *limit}));
  if (*offset + *limit < evaluation->projects.size()) {
    response.headers.emplace_back("Link", "</api/v1/status?limit=" + std::to_string(*limit) +
                                              "&offset=" + std::to_string(*offset + *limit) +
                                              YearParameter(request) + ">; rel=\"next\"");
  }
  return response;
}

HttpResponse AlertsResponse(const Snapshot& snapshot, const HttpRequest& request) {
  HttpResponse response = HttpResponse::Json(200, "");
  response.body_parts = *snapshot.alerts_list;
  SendCompressed(response, request.Header("Accept-Encoding"));
  return response;
}

}  // namespace

std::shared_ptr<const ConsoleSnapshot> ServiceRoutes::Console::Current() const {
  const std::shared_ptr<const Snapshot> snapshot = snapshots_.Current();
  if (snapshot == nullptr) return nullptr;
  auto console = std::make_shared<ConsoleSnapshot>();
  console->config = snapshot->config;
  console->catalog = snapshot->catalog;
  console->evaluation = snapshot->evaluation;
  console->alerts_list = snapshot->alerts_list;
  console->version = snapshot->facts.version;
  console->reload_success = snapshot->facts.reload_success;
  console->reload_timestamp = snapshot->facts.reload_timestamp;
  console->last_ingest_success = snapshot->counters->last_ingest_success();
  return console;
}

HttpResponse ServiceRoutes::Metrics(const Snapshot& snapshot, std::string_view accept_encoding) {
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  // The cached members, then this scrape's few service lines and the operational registry.
  response.body_parts = snapshot.metrics->gzip;
  response.body_parts.push_back(std::make_shared<const std::string>(
      Gzip(RenderServiceMetrics(snapshot.facts, *snapshot.counters))));
  response.body_parts.push_back(
      std::make_shared<const std::string>(Gzip(snapshot.counters->RenderOperational())));
  SendCompressed(response, accept_encoding);
  return response;
}

std::optional<HttpResponse> ServiceRoutes::Admit(HttpRequest& head) {
  const auto start = Steady::now();
  std::optional<HttpResponse> answer = Answer(head);
  if (answer) metrics_.ObserveRequest(RouteLabel(head), answer->status, SecondsSince(start));
  return answer;
}

std::optional<HttpResponse> ServiceRoutes::Answer(HttpRequest& head) {
  if (head.path == "*") {
    if (head.method == "OPTIONS")
      return WithAllow(HttpResponse::Text(204, ""), "GET, HEAD, POST, OPTIONS");
    return HttpResponse::Error(400, "only OPTIONS may ask for *");
  }
  const Route* route = FindRoute(head.path);
  if (route == nullptr) {
    if (!ConsoleRoutes::Owns(head.path)) return HttpResponse::Error(404, "no such endpoint");
    if (head.method == "OPTIONS") {
      return WithAllow(HttpResponse::Text(204, ""),
                       std::string(ConsoleRoutes::AllowedMethods(head.path)) + ", OPTIONS");
    }
    return console_.Admit(head);
  }
  if (head.method == "OPTIONS") return WithAllow(HttpResponse::Text(204, ""), route->allow);
  if (!AllowsMethod(route->allow, head.method)) {
    return WithAllow(HttpResponse::Error(405, "method not allowed"), route->allow);
  }
  // One snapshot for the whole request: everything below reads from it alone.
  const std::shared_ptr<const Snapshot> snapshot = snapshots_.Current();
  if (route->needs_snapshot && snapshot == nullptr) {
    HttpResponse starting = HttpResponse::Error(503, "ptmon is starting; try again shortly");
    starting.headers.emplace_back("Retry-After", "1");
    return starting;
  }
  switch (route->endpoint) {
    case Endpoint::kHealth:
      return HttpResponse::Text(200, "ok\n");
    case Endpoint::kReady:
      if (snapshot == nullptr) return HttpResponse::Text(503, "starting\n");
      if (stopping_) return HttpResponse::Text(503, "stopping\n");
      return HttpResponse::Text(200, "ready\n");
    case Endpoint::kMetrics:
      return Metrics(*snapshot, head.Header("Accept-Encoding"));
    case Endpoint::kStatus:
      return StatusResponse(*snapshot, head);
    case Endpoint::kAlerts:
      return AlertsResponse(*snapshot, head);
    case Endpoint::kActuals:
      if (auto refused = AdmitWriteRequest(head, snapshot->config->api_tokens)) return refused;
      // One token, one account: its holders share the cap on bodies in flight.
      head.body_account = "api " + MatchToken(head, snapshot->config->api_tokens)->name;
      head.body_allowance = snapshot->config->max_body_bytes;
      return std::nullopt;
  }
  return HttpResponse::Error(500, "unrouted endpoint");
}

void ServiceRoutes::Handle(HttpRequest request, HttpServer::Respond respond) {
  // The body has been read: what follows is ptmon's work, not the client's upload.
  respond = [this, route = RouteLabel(request), start = Steady::now(),
             respond = std::move(respond)](HttpResponse response) {
    metrics_.ObserveRequest(route, response.status, SecondsSince(start));
    respond(std::move(response));
  };
  if (FindRoute(request.path) == nullptr) {
    console_.Handle(std::move(request), std::move(respond));
    return;
  }
  // Of the API only the write endpoint reads a body (Admit answered everything else). The token
  // is matched again in the snapshot of now: a reload meanwhile may have removed it.
  const std::shared_ptr<const Snapshot> snapshot = snapshots_.Current();
  const ApiToken* token = MatchToken(request, snapshot->config->api_tokens);
  if (token == nullptr) {
    respond(*AdmitWriteRequest(request, snapshot->config->api_tokens));
    return;
  }
  const std::string name = WriteRequestName(request, clock_.Now());
  write_(name, std::move(request.body), TokenSubmitter(*token),
         [name, respond = std::move(respond)](IngestOutcome outcome) {
           respond(WriteResponse(name, outcome));
         });
}

}  // namespace ptmon
