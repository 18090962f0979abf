// A small HTTP server on civetweb (which prometheus-cpp already brings): a fixed pool of
// threads, a request timeout, a body limit enforced before the body is read, and one handler
// for every path. Handlers run on civetweb's threads and must be thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ptmon/base/status.h>

struct mg_context;
struct mg_connection;

namespace ptmon {

struct HttpRequest {
  std::string method;
  std::string path;
  std::string query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string Header(const std::string& name) const;
  std::string QueryParameter(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::shared_ptr<const std::string>> body_parts;  // sent in order, not copied

  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(int status, std::string body);
};

struct HttpServerOptions {
  std::string listen = "127.0.0.1:10150";
  int threads = 8;
  size_t max_body_bytes = 64u << 20;
  int request_timeout_ms = 10000;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Binds and starts serving; fails naming the address when it cannot bind.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   Handler handler);
  ~HttpServer();  // stops accepting and waits for requests in flight
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }

 private:
  HttpServer(HttpServerOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}
  static int Dispatch(mg_connection* connection, void* self);

  HttpServerOptions options_;
  Handler handler_;
  mg_context* context_ = nullptr;
  int port_ = 0;
};

}  // namespace ptmon
