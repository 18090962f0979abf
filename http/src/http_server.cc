#include <algorithm>
#include <atomic>
#include <charconv>
#include <unordered_map>

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <spdlog/spdlog.h>

#include <ptmon/base/mutex.h>
#include <ptmon/http/gzip.h>
#include <ptmon/http/http_server.h>

#include "http_message.h"

namespace ptmon {

using http_internal::Lower;
using http_internal::ParseHead;
using http_internal::Reason;

namespace {

using asio::ip::tcp;

}  // namespace

// --- the server ------------------------------------------------------------------------------

// What Shutdown needs of a connection, whatever it runs over.
class Connection {
 public:
  virtual ~Connection() = default;
  // From any thread: closes the connection now.
  virtual void Abort() = 0;
};

struct HttpServer::Core {
  Core(HttpServerOptions options_in, Routes& routes_in)
      : options(std::move(options_in)), routes(routes_in) {}

  const HttpServerOptions options;
  Routes& routes;
  std::unique_ptr<asio::ssl::context> tls;  // set before the first accept when serving HTTPS
  Mutex live_mutex;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> live GUARDED_BY(live_mutex);
  // Once set nothing more is posted to `io`: a late answer is dropped instead of queueing a
  // handler that would keep its connection, and so this core, alive for ever.
  Mutex post_mutex;
  bool stopped GUARDED_BY(post_mutex) = false;
  // Bodies being read or handled, by "account NAME" and "address IP" (BodySlot).
  Mutex bodies_mutex;
  std::unordered_map<std::string, size_t> bodies GUARDED_BY(bodies_mutex);
  // After the members its handlers use, so it is destroyed before them: handlers it destroys
  // (connections among them) may still reach the members above.
  asio::io_context io;
  // The acceptor is touched by accept handlers and by Shutdown's close: one strand for both.
  asio::strand<asio::io_context::executor_type> accept_strand{asio::make_strand(io)};
  tcp::acceptor acceptor{accept_strand};
  bool shut_down = false;  // Shutdown() ran (owner's thread only)
};

using TlsStream = asio::ssl::stream<tcp::socket>;

// A body's place under the per-account and per-address caps: taken when the routes let a body
// in, given back when its answer is written or its connection goes.
class BodySlot {
 public:
  explicit BodySlot(HttpServer::Core& core) : core_(core) {}
  BodySlot(const BodySlot&) = delete;
  BodySlot& operator=(const BodySlot&) = delete;
  ~BodySlot() { Release(); }

  // Takes a place for `request`'s body, or answers 429 naming the cap that is full.
  std::optional<HttpResponse> Take(const HttpRequest& request) {
    const HttpServerOptions& options = core_.options;
    const size_t colon = request.peer.rfind(':');
    std::vector<std::pair<std::string, size_t>> caps{
        {"address " + request.peer.substr(0, colon), options.max_bodies_per_address}};
    if (!request.body_account.empty())
      caps.emplace_back("account " + request.body_account, options.max_bodies_per_account);
    MutexLock lock(core_.bodies_mutex);
    for (const auto& [key, cap] : caps) {
      const auto held = core_.bodies.find(key);
      if (held == core_.bodies.end() || held->second < cap) continue;
      const bool account = key.starts_with("account ");
      HttpResponse busy = HttpResponse::Error(
          429, std::string(account ? "这个账号" : "这个地址") + "已有 " + std::to_string(cap) +
                   " 个请求正在上传或处理，请稍后再试 / this " + (account ? "account" : "address") +
                   " already has " + std::to_string(cap) +
                   " bodies being sent or handled; try again shortly");
      busy.headers.emplace_back("Retry-After", "1");
      return busy;
    }
    for (const auto& [key, cap] : caps) {
      ++core_.bodies[key];
      keys_.push_back(key);
    }
    return std::nullopt;
  }

  void Release() {
    if (keys_.empty()) return;
    MutexLock lock(core_.bodies_mutex);
    for (const std::string& key : keys_) {
      if (auto held = core_.bodies.find(key); held != core_.bodies.end() && --held->second == 0)
        core_.bodies.erase(held);
    }
    keys_.clear();
  }

 private:
  HttpServer::Core& core_;
  std::vector<std::string> keys_;
};

// One request on one connection over `Stream`: a plain socket, or TLS over one (the handshake
// first, within the header timeout).
template <typename Stream>
class BasicConnection final : public Connection,
                              public std::enable_shared_from_this<BasicConnection<Stream>> {
 public:
  BasicConnection(std::shared_ptr<HttpServer::Core> core, tcp::socket socket)
      : core_(std::move(core)),
        strand_(asio::make_strand(core_->io)),
        socket_(MakeStream(std::move(socket), core_->tls.get())),
        deadline_(strand_),
        head_(core_->options.max_header_bytes),
        body_slot_(*core_) {}

  ~BasicConnection() override {
    MutexLock lock(core_->live_mutex);
    core_->live.erase(this);
  }

  void Start(bool over_capacity) {
    std::error_code ignored;
    const auto remote = Socket().remote_endpoint(ignored);
    request_.peer = remote.address().to_string() + ":" + std::to_string(remote.port());
    Socket().set_option(tcp::no_delay(true), ignored);
    asio::dispatch(strand_, [self = shared_from(this), over_capacity] {
      if constexpr (std::is_same_v<Stream, TlsStream>) {
        self->Handshake(over_capacity);
      } else {
        self->Begin(over_capacity);
      }
    });
  }

  // From any thread: answers the request (once).
  void Respond(HttpResponse response) {
    MutexLock lock(core_->post_mutex);
    if (core_->stopped) return;
    asio::post(strand_, [self = shared_from(this), response = std::move(response)]() mutable {
      self->Finish(std::move(response));
    });
  }

  void Abort() override {
    asio::dispatch(strand_, [self = shared_from(this)] { self->Close(); });
  }

 private:
  static Stream MakeStream(tcp::socket socket, asio::ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      return TlsStream(std::move(socket), *tls);
    } else {
      (void)tls;
      return socket;
    }
  }
  static std::shared_ptr<BasicConnection> shared_from(BasicConnection* self) {
    return self->shared_from_this();
  }
  tcp::socket& Socket() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      return socket_.next_layer();
    } else {
      return socket_;
    }
  }

  void Begin(bool over_capacity) {
    if (over_capacity) {
      Finish(HttpResponse::Error(503, "too many connections; try again shortly"));
      return;
    }
    ReadHead();
  }

  // A client that never completes the handshake is closed at the header timeout; one that
  // fails it (plain HTTP to the TLS port) is closed at once.
  void Handshake(bool over_capacity) {
    phase_ = Phase::kHead;
    Arm(core_->options.header_timeout);
    socket_.async_handshake(asio::ssl::stream_base::server,
                            asio::bind_executor(strand_, [self = shared_from(this),
                                                          over_capacity](std::error_code error) {
                              if (self->phase_ != Phase::kHead) return;
                              if (error) {
                                self->Close();
                                return;
                              }
                              self->Begin(over_capacity);
                            }));
  }

  enum class Phase { kHead, kBody, kHandling, kWriting, kLingering, kClosed };

  void Arm(std::chrono::milliseconds timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait([self = shared_from(this), phase = phase_](std::error_code error) {
      if (error || self->phase_ != phase) return;
      if (phase == Phase::kHead || phase == Phase::kBody) {
        self->Finish(HttpResponse::Error(408, "the request was not complete in time"));
      } else if (phase != Phase::kHandling) {
        self->Close();
      }
    });
  }

  void ReadHead() {
    phase_ = Phase::kHead;
    Arm(core_->options.header_timeout);
    asio::async_read_until(
        socket_, head_, "\r\n\r\n",
        asio::bind_executor(strand_, [self = shared_from(this)](std::error_code error, size_t n) {
          self->OnHead(error, n);
        }));
  }

  void OnHead(std::error_code error, size_t length) {
    if (phase_ != Phase::kHead) return;
    if (error == asio::error::not_found) {
      Finish(HttpResponse::Error(431, "the request head is larger than " +
                                          std::to_string(core_->options.max_header_bytes) +
                                          " bytes"));
      return;
    }
    if (error) {
      Close();
      return;
    }
    const std::string head(asio::buffers_begin(head_.data()),
                           asio::buffers_begin(head_.data()) + static_cast<long>(length) - 4);
    head_.consume(length);
    if (auto problem = ParseHead(head, request_)) {
      Finish(HttpResponse::Error(problem->status, problem->message));
      return;
    }
    head_only_ = request_.method == "HEAD";
    if (request_.content_length > core_->options.max_body_bytes) {
      Finish(HttpResponse::Error(
          413,
          "the body is larger than " + std::to_string(core_->options.max_body_bytes) + " bytes"));
      return;
    }
    if (auto answer = core_->routes.Admit(request_)) {
      Finish(std::move(*answer));
      return;
    }
    if (request_.content_length > request_.body_allowance) {
      Finish(HttpResponse::Error(
          413, "内容超过这里允许的 " + std::to_string(request_.body_allowance) +
                   " 字节 / the body is larger than the " +
                   std::to_string(request_.body_allowance) + " bytes allowed here"));
      return;
    }
    if (request_.content_length > 0) {
      if (auto busy = body_slot_.Take(request_)) {
        Finish(std::move(*busy));
        return;
      }
    }
    ReadBody();
  }

  // Reads the body into memory, or into a spool file when it is large, in pieces of chunk_.
  void ReadBody() {
    phase_ = Phase::kBody;
    Arm(core_->options.body_timeout);
    const size_t length = request_.content_length;
    if (length > core_->options.spool_threshold && !core_->options.spool_dir.empty()) {
      auto spool = BodySpool::Create(core_->options.spool_dir, length);
      if (!spool.ok()) {
        SpoolFailed(spool.status());
        return;
      }
      spool_.emplace(std::move(spool).value());
    } else {
      memory_.reserve(length);
    }
    chunk_.resize(kBodyChunk);
    // What arrived with the head is the body's beginning (the head's buffer is smaller than a
    // chunk).
    const size_t buffered = std::min(length, head_.size());
    asio::buffer_copy(asio::buffer(chunk_), head_.data(), buffered);
    head_.consume(head_.size());
    if (!Store(buffered)) return;
    if (received_ == length) {
      BodyRead();
      return;
    }
    if (Lower(request_.Header("Expect")) == "100-continue") {
      auto interim = std::make_shared<const std::string>("HTTP/1.1 100 Continue\r\n\r\n");
      asio::async_write(socket_, asio::buffer(*interim),
                        asio::bind_executor(strand_, [self = shared_from(this), interim](
                                                         std::error_code error, size_t) {
                          if (error) {
                            self->Close();
                            return;
                          }
                          self->ReadMore();
                        }));
      return;
    }
    ReadMore();
  }

  void ReadMore() {
    const size_t want = std::min(chunk_.size(), request_.content_length - received_);
    socket_.async_read_some(
        asio::buffer(chunk_.data(), want),
        asio::bind_executor(strand_, [self = shared_from(this)](std::error_code error, size_t n) {
          if (self->phase_ != Phase::kBody) return;
          if (error) {
            self->Close();
            return;
          }
          if (!self->Store(n)) return;
          if (self->received_ == self->request_.content_length) {
            self->BodyRead();
          } else {
            self->ReadMore();
          }
        }));
  }

  // Keeps the first `n` bytes of chunk_; false (and answered) when the spool refused them.
  bool Store(size_t n) {
    if (spool_) {
      if (Status written = spool_->Append(std::string_view(chunk_.data(), n)); !written.ok()) {
        SpoolFailed(written);
        return false;
      }
    } else {
      memory_.append(chunk_.data(), n);
    }
    received_ += n;
    return true;
  }

  void BodyRead() {
    chunk_ = {};
    if (spool_) {
      auto body = spool_->Finish();
      spool_.reset();
      if (!body.ok()) {
        SpoolFailed(body.status());
        return;
      }
      request_.body = std::move(body).value();
    } else {
      request_.body = RequestBody(std::move(memory_));
    }
    Handle();
  }

  // The disk said no (full, or the spool directory gone): the operator's problem, not the
  // client's; the rest of the body is drained as after any early answer.
  void SpoolFailed(const Status& status) {
    spool_.reset();
    spdlog::error("a request body from {} was refused: {}", request_.peer, status.message());
    HttpResponse unavailable = HttpResponse::Error(
        503, "服务器暂时无法接收这个内容，请稍后再试 / the body cannot be stored now: " +
                 status.message());
    unavailable.headers.emplace_back("Retry-After", "10");
    Finish(std::move(unavailable));
  }

  void Handle() {
    phase_ = Phase::kHandling;
    deadline_.cancel();
    core_->routes.Handle(std::move(request_), [self = shared_from(this)](HttpResponse response) {
      self->Respond(std::move(response));
    });
  }

  void Finish(HttpResponse response) {
    if (phase_ == Phase::kWriting || phase_ == Phase::kLingering || phase_ == Phase::kClosed)
      return;
    phase_ = Phase::kWriting;
    Arm(core_->options.write_timeout);
    response_ = std::move(response);
    size_t length = 0;
    for (const auto& part : response_.body_parts) {
      length += response_.inflate_parts ? GzipTextSize(*part) : part->size();
    }
    head_text_ =
        "HTTP/1.1 " + std::to_string(response_.status) + " " + Reason(response_.status) + "\r\n";
    // RFC 9110 §8.6: a 204 or 304 carries no content and must not announce any.
    if (response_.status != 204 && response_.status != 304) {
      head_text_ += "Content-Type: " + response_.content_type +
                    "\r\nContent-Length: " + std::to_string(length) + "\r\n";
    }
    head_text_ += "Connection: close\r\n";
    for (const auto& [name, value] : response_.headers) head_text_ += name + ": " + value + "\r\n";
    head_text_ += "\r\n";
    std::vector<asio::const_buffer> buffers{asio::buffer(head_text_)};
    if (head_only_ || response_.inflate_parts) {
      Write(buffers, 0);
      return;
    }
    for (const auto& part : response_.body_parts) buffers.push_back(asio::buffer(*part));
    Write(buffers, response_.body_parts.size());
  }

  // Writes `buffers`, then the parts from `next_part` on, each inflated in turn.
  void Write(const std::vector<asio::const_buffer>& buffers, size_t next_part) {
    asio::async_write(socket_, buffers,
                      asio::bind_executor(strand_, [self = shared_from(this), next_part](
                                                       std::error_code error, size_t) {
                        if (error) {
                          self->Close();
                          return;
                        }
                        self->WritePart(next_part);
                      }));
  }

  // Inflates parts into one buffer of about kInflatedWrite bytes per write: a member is 30 KB of
  // text, and a write (and a trip through the strand) per member cost more than inflating it.
  void WritePart(size_t part) {
    constexpr size_t kInflatedWrite = 1 << 20;
    if (head_only_ || part >= response_.body_parts.size()) {
      inflated_ = {};
      Linger();
      return;
    }
    inflated_.clear();
    for (; part < response_.body_parts.size() && inflated_.size() < kInflatedWrite; ++part) {
      AppendGunzipped(*response_.body_parts[part], inflated_);
    }
    Write({asio::buffer(inflated_)}, part);
  }

  // Half-closes and reads what the client still sends (a body we did not want) until it
  // closes too, so that it reads our answer instead of a reset.
  void Linger() {
    phase_ = Phase::kLingering;
    response_ = {};
    body_slot_.Release();
    std::error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_send, ignored);
    Arm(std::chrono::milliseconds(2000));
    DrainOnce();
  }

  void DrainOnce() {
    // Raw bytes: what is drained is discarded, TLS records or not.
    Socket().async_read_some(
        asio::buffer(drain_),
        asio::bind_executor(strand_, [self = shared_from(this)](std::error_code error, size_t) {
          if (self->phase_ != Phase::kLingering) return;
          if (error) {
            self->Close();
            return;
          }
          self->DrainOnce();
        }));
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    body_slot_.Release();
    std::error_code ignored;
    deadline_.cancel();
    Socket().close(ignored);
  }

  const std::shared_ptr<HttpServer::Core> core_;
  asio::strand<asio::io_context::executor_type> strand_;
  Stream socket_;
  asio::steady_timer deadline_;
  asio::streambuf head_;
  HttpRequest request_;
  static constexpr size_t kBodyChunk = 64u << 10;
  std::vector<char> chunk_;         // a piece of the body, while it is read
  std::string memory_;              // a small body, as it arrives
  std::optional<BodySpool> spool_;  // a large one
  size_t received_ = 0;
  BodySlot body_slot_;
  HttpResponse response_;
  std::string head_text_;
  std::string inflated_;  // the part being written, when parts are inflated
  std::array<char, 16384> drain_{};
  Phase phase_ = Phase::kHead;
  bool head_only_ = false;
};

namespace {

// Registers a new connection under the stop lock, so Shutdown either sees it or it sees
// Shutdown, and starts it.
template <typename Stream>
void Admit(const std::shared_ptr<HttpServer::Core>& core,
           std::shared_ptr<BasicConnection<Stream>> connection) {
  bool refused = false, over_capacity = false;
  {
    MutexLock stop_lock(core->post_mutex);
    refused = core->stopped;
    if (!refused) {
      MutexLock lock(core->live_mutex);
      over_capacity = core->live.size() >= core->options.max_connections;
      core->live.emplace(connection.get(), connection);
    }
  }
  if (refused) return;  // the connection closes as it goes out of scope
  connection->Start(over_capacity);
}

void Accept(const std::shared_ptr<HttpServer::Core>& core) {
  core->acceptor.async_accept(
      [weak = std::weak_ptr<HttpServer::Core>(core)](std::error_code error, tcp::socket socket) {
        auto core = weak.lock();
        if (!core) return;
        if (error == asio::error::operation_aborted || !core->acceptor.is_open()) return;
        if (!error) {
          if (core->tls) {
            Admit(core, std::make_shared<BasicConnection<TlsStream>>(core, std::move(socket)));
          } else {
            Admit(core, std::make_shared<BasicConnection<tcp::socket>>(core, std::move(socket)));
          }
        }
        Accept(core);  // also after EMFILE and the like: the next accept may succeed
      });
}

Result<tcp::endpoint> Resolve(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::Error("listen " + listen + " is not host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = 0;
  const std::string port_text = listen.substr(colon + 1);
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535)
    return Status::Error("listen " + listen + " has no port number");
  std::error_code code;
  const auto address = host.empty() ? asio::ip::address(asio::ip::address_v4::any())
                                    : asio::ip::make_address(host, code);
  if (code) return Status::Error("listen " + listen + ": " + host + " is not an IP address");
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

// TLS 1.2 and later with the certificate chain and key (PEM); fails naming the file refused.
Result<std::unique_ptr<asio::ssl::context>> TlsContext(const std::string& cert_file,
                                                       const std::string& key_file) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  std::error_code error;
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                       error);
  context->use_certificate_chain_file(cert_file, error);
  if (error) {
    return Status::Error("tls.cert_file " + cert_file +
                         ": cannot read a PEM certificate chain from it (" + error.message() + ")");
  }
  context->use_private_key_file(key_file, asio::ssl::context::pem, error);
  if (error) {
    return Status::Error("tls.key_file " + key_file +
                         ": cannot read the PEM private key of the certificate from it (" +
                         error.message() + ")");
  }
  return context;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                      Routes& routes) {
  auto endpoint = Resolve(options.listen);
  if (!endpoint.ok()) return endpoint.status();
  auto core = std::make_shared<Core>(options, routes);
  if (!options.tls_cert_file.empty()) {
    auto tls = TlsContext(options.tls_cert_file, options.tls_key_file);
    if (!tls.ok()) return tls.status();
    core->tls = std::move(tls).value();
  }
  std::error_code error;
  core->acceptor.open(endpoint->protocol(), error);
  if (!error) core->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) core->acceptor.bind(*endpoint, error);
  if (!error) core->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return Status::Error("cannot listen on " + options.listen + ": " + error.message() +
                         " (in use, or not an address of this machine)");
  }
  std::unique_ptr<HttpServer> server(new HttpServer(core));
  server->port_ = core->acceptor.local_endpoint().port();
  Accept(core);
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    server->threads_.emplace_back([core] { core->io.run(); });
  }
  return server;
}

void HttpServer::Shutdown(std::chrono::milliseconds grace) {
  if (core_->shut_down) return;
  core_->shut_down = true;
  asio::post(core_->accept_strand, [core = core_] {
    std::error_code ignored;
    core->acceptor.close(ignored);
  });
  const auto give_up = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < give_up) {
    {
      MutexLock lock(core_->live_mutex);
      if (core_->live.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    MutexLock lock(core_->post_mutex);
    core_->stopped = true;
  }
  std::vector<std::shared_ptr<Connection>> remaining;
  {
    MutexLock lock(core_->live_mutex);
    for (auto& [pointer, weak] : core_->live) {
      if (auto connection = weak.lock()) remaining.push_back(std::move(connection));
    }
  }
  for (auto& connection : remaining) connection->Abort();
  remaining.clear();
  // With the acceptor and every socket closed the threads run out of work and return; what
  // they left queued (answers posted before `stopped`) is run here, on closed sockets.
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  core_->io.restart();
  core_->io.run();
}

HttpServer::~HttpServer() { Shutdown(std::chrono::milliseconds(0)); }

}  // namespace ptmon
