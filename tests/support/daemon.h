// Starting real programs for integration tests — ptmon serve, Alertmanager, Prometheus — on
// free loopback ports, talking HTTP to them, and waiting (with a deadline, never a fixed sleep)
// for what they are expected to do.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

struct sqlite3;

namespace ptmon::testing_support {

// A TCP port on 127.0.0.1 that nothing uses now and that no other caller of FreePort, in this
// process or any other on the machine (Python's free_port in tests/console too), is given while
// this process lives: tests that start servers run side by side.
int FreePort();

struct HttpResult {
  long status = 0;  // 0 when the connection failed
  std::string body;
  std::string content_encoding;
  std::map<std::string, std::string> headers;  // by lower-case name; the last of each
};

HttpResult HttpGet(const std::string& url, const std::vector<std::string>& headers = {});
// A GET whose body is counted and dropped, not kept (`body` stays empty): what a scraper that
// streams costs, without the client's copying of a large body into memory. Given up (status 0)
// after `timeout`, as every request here is after 30 s.
HttpResult HttpGetDiscarding(const std::string& url, const std::vector<std::string>& headers,
                             size_t& body_bytes,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));
HttpResult HttpPost(const std::string& url, const std::string& body,
                    const std::vector<std::string>& headers = {});

// A client that speaks raw bytes, for what curl will not send (slow, broken or hostile
// requests). Connects to 127.0.0.1:port; -1 when it cannot.
int ConnectLoopback(int port);
// Sends `bytes` on a new connection (shutting down the sending side when `half_close`), then
// reads until the server closes or `timeout` passes; returns everything read.
std::string RawExchange(int port, const std::string& bytes, bool half_close = false,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
// Reads from `fd` until the peer closes or `timeout` passes.
std::string ReadUntilClosed(int fd, std::chrono::milliseconds timeout);

// Report files waiting in an inbox or claimed from it (in its .processing folder): what a
// daemon or `ptmon ingest` has yet to finish.
int FilesWaitingIn(const std::string& inbox);

// Polls `done` every 20 ms until it is true or `timeout` passes; returns whether it became true.
// The deadline only bounds a failure, so it is generous: a sanitizer build on a busy 2-core
// machine ingests a large file many times slower than a quiet plain build.
bool WaitFor(const std::function<bool()>& done,
             std::chrono::milliseconds timeout = std::chrono::seconds(120));

// A child process with its output in a log file; killed (SIGKILL) on destruction if still running.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::string log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signal) const;
  // Waits for the exit; returns the exit code (128 + signal when killed), -1 on timeout.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  bool exited_ = false;
};

// Another writer on a ptmon database, as a long catalogue check or a large `ptmon ingest` is: a
// connection of its own holding SQLite's write lock (BEGIN IMMEDIATE) from construction until
// Release() or destruction. Throws when it cannot take the lock.
class DatabaseWriteLock {
 public:
  explicit DatabaseWriteLock(const std::string& db_path);
  ~DatabaseWriteLock() { Release(); }
  DatabaseWriteLock(const DatabaseWriteLock&) = delete;
  DatabaseWriteLock& operator=(const DatabaseWriteLock&) = delete;
  void Release();

 private:
  sqlite3* db_ = nullptr;
};

// Debian's prometheus-alertmanager on 127.0.0.1:`port` with `config` (by default a receiver
// that drops everything), its configuration and data under `directory`; waits until it is
// ready. Null when it did not become ready (its log is in directory/alertmanager.log).
std::unique_ptr<ChildProcess> StartAlertmanager(const std::string& directory, int port,
                                                const std::string& config = "");

// Logs into the web console of the ptmon at `base` ("http://127.0.0.1:PORT") as a browser does
// (the login page's token, then the form); returns the session cookie's value, "" on failure.
// `password` must be form-encoded already ('+' for spaces).
std::string ConsoleLogin(const std::string& base, const std::string& user,
                         const std::string& password);

// The value of the cookie `name` set by a response ("name=value; Path=/…"), or "".
std::string SetCookieValue(const HttpResult& result, const std::string& name);

// Percent-encodes everything but letters, digits, '_', '-' and '.' (a PromQL query in a URL).
std::string UrlEncode(const std::string& text);

// Decompresses a gzip body (possibly several members).
std::string Gunzip(const std::string& compressed);

}  // namespace ptmon::testing_support
