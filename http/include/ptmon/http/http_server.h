// A small HTTP/1.1 server on Asio, event-driven so that a slow or idle client costs a socket and
// a timer, never a thread: 16 slowloris connections cannot delay /metrics. One request per
// connection (every answer carries `Connection: close`). The routes see the request head before
// any of the body is read, so a wrong method, path, token, role or length is answered without
// taking any of the body. A body the routes let in is counted against its account's and its
// address's caps (429 beyond them, still from the head), and is read into memory when small and
// into an unnamed spool file when not (request_body.h). HEAD gets the headers of GET without the
// body. Every request is answered with a status or, when the client stops talking, closed after
// a deadline.
//
// Thread-safety: handlers run on the server's threads, a connection's steps one at a time; the
// routes must be thread-safe. `Respond` may be called from any thread, once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <ptmon/base/status.h>
#include <ptmon/http/request_body.h>

namespace ptmon {

struct HttpRequest {
  std::string method;
  std::string path;  // percent-decoded; "*" for `OPTIONS *`
  std::string query;
  std::map<std::string, std::string> headers;  // names in lower case
  size_t content_length = 0;
  RequestBody body;  // empty until the routes admitted the request
  std::string peer;  // address:port of the client
  // Set by Routes::Admit for a request whose body it lets in: the most this caller may send
  // here (beyond it 413; the server's max_body_bytes when left as is), and whose body it is
  // (counted against max_bodies_per_account; empty: only the address's cap applies).
  size_t body_allowance = SIZE_MAX;
  std::string body_account;
  std::string Header(const std::string& name) const;
  std::string QueryParameter(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::shared_ptr<const std::string>> body_parts;  // sent in order, not copied
  // body_parts are gzip members (gzip.h) for a client that did not ask for gzip: each is
  // inflated as it is written, so only one member's text is in memory at a time.
  bool inflate_parts = false;

  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(int status, std::string body);
  // {"error": message}, with the message escaped.
  static HttpResponse Error(int status, std::string_view message);
};

// Whether `method` is one of an Allow header's ("GET, HEAD, OPTIONS").
bool AllowsMethod(std::string_view allow, std::string_view method);

// Whether an Accept-Encoding header accepts gzip: `gzip` or `*` with a q-value above 0.
bool AcceptsGzip(std::string_view accept_encoding);

struct HttpServerOptions {
  std::string listen = "127.0.0.1:10150";
  int threads = 4;
  size_t max_body_bytes = 64u << 20;
  // Bodies up to this many bytes are read into memory; larger ones into an unnamed file of
  // `spool_dir` (kept in memory when it is empty).
  size_t spool_threshold = 256u << 10;
  std::string spool_dir;
  // Bodies being read or handled at once, per account (HttpRequest::body_account) and per
  // client address; beyond either the request gets 429 with Retry-After from its head.
  size_t max_bodies_per_account = 2;
  size_t max_bodies_per_address = 4;
  size_t max_header_bytes = 16u << 10;
  size_t max_connections = 1024;  // beyond it new connections get 503 at once
  // From accept to the end of the headers, and from there to the end of the body.
  std::chrono::milliseconds header_timeout{5000};
  std::chrono::milliseconds body_timeout{30000};
  // For writing the answer (a client that stops reading a large /metrics is cut off).
  std::chrono::milliseconds write_timeout{60000};
  // HTTPS when set: the certificate chain and its private key, PEM files.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class HttpServer {
 public:
  using Respond = std::function<void(HttpResponse)>;

  class Routes {
   public:
    virtual ~Routes() = default;
    // Called with the head (no body yet). A response answers the request without reading the
    // body; nothing means "read the body, then Handle", after setting the head's body_allowance
    // and body_account for what the caller may send.
    virtual std::optional<HttpResponse> Admit(HttpRequest& head) = 0;
    // Called with the whole body for requests Admit let through. The body's slot under the caps
    // is held until the answer is written.
    virtual void Handle(HttpRequest request, Respond respond) = 0;
  };

  // Binds and starts serving; fails naming the address when it cannot bind. `routes` must
  // outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   Routes& routes);
  // Stops accepting, gives requests in flight up to `grace` to finish, closes the rest and
  // joins the threads. Idempotent; the destructor calls it with no grace.
  void Shutdown(std::chrono::milliseconds grace);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }

  struct Core;

 private:
  explicit HttpServer(std::shared_ptr<Core> core) : core_(std::move(core)) {}

  std::shared_ptr<Core> core_;
  std::vector<std::thread> threads_;
  int port_ = 0;
};

}  // namespace ptmon
