#include "http_server.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <civetweb.h>

namespace ptmon {

namespace {

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
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
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

void Send(mg_connection* connection, const HttpResponse& response) {
  size_t length = 0;
  for (const auto& part : response.body_parts) length += part->size();
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " + Reason(response.status) +
                     "\r\nContent-Type: " + response.content_type +
                     "\r\nContent-Length: " + std::to_string(length) +
                     "\r\nConnection: close\r\n";  // keep-alive is off (see Start)
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  head += "\r\n";
  mg_write(connection, head.data(), head.size());
  for (const auto& part : response.body_parts) {
    // mg_write takes an int-sized length: large bodies go in chunks.
    for (size_t offset = 0; offset < part->size();) {
      const size_t chunk = std::min<size_t>(part->size() - offset, 1 << 20);
      if (mg_write(connection, part->data() + offset, chunk) <= 0) return;
      offset += chunk;
    }
  }
}

}  // namespace

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
    if (PercentDecode(pair.substr(0, equals)) == name) {
      return equals == std::string_view::npos ? "" : PercentDecode(pair.substr(equals + 1));
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

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      Handler handler) {
  static const bool initialised = mg_init_library(0) != 0;
  (void)initialised;
  std::unique_ptr<HttpServer> server(new HttpServer(options, std::move(handler)));
  const std::string threads = std::to_string(options.threads);
  const std::string timeout = std::to_string(options.request_timeout_ms);
  const char* civet_options[] = {"listening_ports",
                                 server->options_.listen.c_str(),
                                 "num_threads",
                                 threads.c_str(),
                                 "request_timeout_ms",
                                 timeout.c_str(),
                                 "enable_keep_alive",
                                 "yes",
                                 nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = [](const mg_connection*, const char*) { return 1; };  // we log ourselves
  server->context_ = mg_start(&callbacks, server.get(), civet_options);
  if (server->context_ == nullptr) {
    return Status::Error("cannot listen on " + options.listen +
                         " (in use, or not an address of this machine)");
  }
  mg_set_request_handler(server->context_, "/", &HttpServer::Dispatch, server.get());
  mg_server_port ports[4];
  const int count = mg_get_server_ports(server->context_, 4, ports);
  if (count > 0) server->port_ = ports[0].port;
  return server;
}

HttpServer::~HttpServer() {
  if (context_ != nullptr) mg_stop(context_);
}

int HttpServer::Dispatch(mg_connection* connection, void* self) {
  auto* server = static_cast<HttpServer*>(self);
  const mg_request_info* info = mg_get_request_info(connection);
  HttpRequest request;
  request.method = info->request_method ? info->request_method : "";
  request.path = info->local_uri ? info->local_uri : "/";
  request.query = info->query_string ? info->query_string : "";
  for (int i = 0; i < info->num_headers; ++i) {
    request.headers[Lower(info->http_headers[i].name)] = info->http_headers[i].value;
  }
  if (info->content_length > 0 &&
      static_cast<size_t>(info->content_length) > server->options_.max_body_bytes) {
    Send(connection, HttpResponse::Json(413, "{\"error\":\"the body is larger than " +
                                                 std::to_string(server->options_.max_body_bytes) +
                                                 " bytes\"}"));
    return 413;
  }
  // On the heap: civetweb's worker threads have small stacks.
  std::vector<char> buffer(64 * 1024);
  while (true) {
    const int read = mg_read(connection, buffer.data(), buffer.size());
    if (read <= 0) break;
    request.body.append(buffer.data(), static_cast<size_t>(read));
    if (request.body.size() > server->options_.max_body_bytes) {  // chunked bodies have no length
      Send(connection, HttpResponse::Json(413, "{\"error\":\"the body is larger than " +
                                                   std::to_string(server->options_.max_body_bytes) +
                                                   " bytes\"}"));
      return 413;
    }
  }
  HttpResponse response = server->handler_(request);
  Send(connection, response);
  return response.status;
}

}  // namespace ptmon
