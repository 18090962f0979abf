#include "daemon.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "process.h"

namespace ptmon::testing_support {

namespace {

size_t Collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

size_t Count(char*, size_t size, size_t count, void* out) {
  *static_cast<size_t*>(out) += size * count;
  return size * count;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* out) {
  const std::string line(data, size * count);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    auto* result = static_cast<HttpResult*>(out);
    if (name == "content-encoding") result->content_encoding = value;
    result->headers[name] = value;
  }
  return size * count;
}

// Keeps the body, or only counts it into `body_bytes` when that is given.
HttpResult Request(const std::string& url, const std::string* body,
                   const std::vector<std::string>& headers, size_t* body_bytes = nullptr,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)initialised;
  HttpResult result;
  CURL* curl = curl_easy_init();
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (body_bytes != nullptr) {
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Count);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body_bytes);
  } else {
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  }
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

}  // namespace

int FreePort() {
  // Below Linux's ephemeral range (ip_local_port_range): no bind to port 0 and no outgoing
  // connection is ever given a port there, so none can take this one before its server binds it.
  int ephemeral_first = 32768;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_first;
  const int first = std::max(1024, ephemeral_first - 12288);
  const int count = ephemeral_first - first;
  if (count <= 0) throw std::runtime_error("no ports below the ephemeral range for tests");
  const int start = static_cast<int>(std::random_device{}() % static_cast<unsigned>(count));
  for (int i = 0; i < count; ++i) {
    const int port = first + (start + i) % count;
    // The claim: a name in the abstract Unix socket namespace, which only one socket in the
    // machine can hold. It is never closed, so the kernel releases it when this process exits;
    // tests running side by side, from this clone or another, never get the same port.
    const int claim = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un name{};
    name.sun_family = AF_UNIX;
    const std::string label = "ptmon-test-port-" + std::to_string(port);
    std::copy(label.begin(), label.end(), name.sun_path + 1);  // sun_path[0] == 0: abstract
    const auto name_length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + label.size());
    if (bind(claim, reinterpret_cast<sockaddr*>(&name), name_length) != 0) {
      close(claim);
      continue;
    }
    // Nothing else may use it either: a server of another program, or a connection of an
    // earlier test still in TIME_WAIT (no SO_REUSEADDR here, so that one counts as taken too).
    const int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    const bool free = bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(probe);
    if (free) return port;
    close(claim);
  }
  throw std::runtime_error("every test port below the ephemeral range is taken");
}

HttpResult HttpGet(const std::string& url, const std::vector<std::string>& headers) {
  return Request(url, nullptr, headers);
}

HttpResult HttpGetDiscarding(const std::string& url, const std::vector<std::string>& headers,
                             size_t& body_bytes, std::chrono::milliseconds timeout) {
  body_bytes = 0;
  return Request(url, nullptr, headers, &body_bytes, timeout);
}

HttpResult HttpPost(const std::string& url, const std::string& body,
                    const std::vector<std::string>& headers) {
  return Request(url, &body, headers);
}

int FilesWaitingIn(const std::string& inbox) {
  int waiting = 0;
  for (const auto& dir : {inbox, inbox + "/.processing"}) {
    std::error_code error;
    for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
         it.increment(error)) {
      waiting += it->is_regular_file() && !it->path().filename().string().starts_with(".");
    }
  }
  return waiting;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

DatabaseWriteLock::DatabaseWriteLock(const std::string& db_path) {
  if (sqlite3_open(db_path.c_str(), &db_) != SQLITE_OK ||
      sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string error = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    throw std::runtime_error("cannot take the write lock of " + db_path + ": " + error);
  }
}

void DatabaseWriteLock::Release() {
  if (db_ == nullptr) return;
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db_);
  db_ = nullptr;
}

ChildProcess::ChildProcess(std::vector<std::string> argv, std::string log_path)
    : log_path_(std::move(log_path)) {
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork");
  if (pid_ == 0) {
    const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (!exited_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void ChildProcess::Signal(int signal) const {
  if (!exited_) kill(pid_, signal);
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  int status = 0;
  const bool done = WaitFor([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
  if (!done) return -1;
  exited_ = true;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ChildProcess::Log() const { return ReadFile(log_path_); }

std::string UrlEncode(const std::string& text) {
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.') {
      encoded += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  return encoded;
}

std::string Gunzip(const std::string& compressed) {
  std::string out;
  z_stream stream{};
  inflateInit2(&stream, 15 + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  char buffer[65536];
  while (true) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    const int code = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (code == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // the next member
      continue;
    }
    if (code != Z_OK) break;
  }
  inflateEnd(&stream);
  return out;
}

std::unique_ptr<ChildProcess> StartAlertmanager(const std::string& directory, int port,
                                                const std::string& config_text) {
  const std::string config = directory + "/alertmanager.yml";
  std::ofstream(config) << (config_text.empty()
                                ? "route:\n  receiver: 'null'\n  group_wait: 1s\nreceivers:\n"
                                  "  - name: 'null'\n"
                                : config_text);
  std::filesystem::create_directories(directory + "/am");
  auto alertmanager = std::make_unique<ChildProcess>(
      std::vector<std::string>{"prometheus-alertmanager", "--config.file=" + config,
                               "--storage.path=" + directory + "/am",
                               "--web.listen-address=127.0.0.1:" + std::to_string(port),
                               "--cluster.listen-address="},
      directory + "/alertmanager.log");
  const std::string ready = "http://127.0.0.1:" + std::to_string(port) + "/-/ready";
  if (!WaitFor([&] { return HttpGet(ready).status == 200; }, std::chrono::seconds(30)))
    return nullptr;
  return alertmanager;
}

int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string ReadUntilClosed(int fd, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  std::string received;
  char buffer[65536];
  while (std::chrono::steady_clock::now() < give_up) {
    pollfd poll_fd{fd, POLLIN, 0};
    if (poll(&poll_fd, 1, 50) <= 0) continue;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<size_t>(n));
  }
  return received;
}

std::string RawExchange(int port, const std::string& bytes, bool half_close,
                        std::chrono::milliseconds timeout) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return "";
  for (size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  if (half_close) shutdown(fd, SHUT_WR);
  std::string received = ReadUntilClosed(fd, timeout);
  close(fd);
  return received;
}

std::string SetCookieValue(const HttpResult& result, const std::string& name) {
  const auto header = result.headers.find("set-cookie");
  if (header == result.headers.end() || !header->second.starts_with(name + "=")) return "";
  return header->second.substr(name.size() + 1, header->second.find(';') - name.size() - 1);
}

std::string ConsoleLogin(const std::string& base, const std::string& user,
                         const std::string& password) {
  const std::string token = SetCookieValue(HttpGet(base + "/login"), "ptmon_login");
  const HttpResult done =
      HttpPost(base + "/login", "login_token=" + token + "&user=" + user + "&password=" + password,
               {"Cookie: ptmon_login=" + token, "Content-Type: application/x-www-form-urlencoded"});
  return done.status == 303 ? SetCookieValue(done, "ptmon_session") : "";
}

}  // namespace ptmon::testing_support
