// The HTTP server against clients that misbehave: what it answers before reading a body, how
// it closes, and that slow or idle connections never hold back anyone else. In-process, with
// routes of the test's own, on a free loopback port.
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ptmon/http/gzip.h>
#include <ptmon/http/http_server.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

using namespace testing_support;

// The open files whose path lies in `dir`: a spooled body's file has no name there, but its
// descriptor still shows where it was made.
int OpenFilesIn(const std::string& dir) {
  int open = 0;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    const auto target = std::filesystem::read_symlink(fd.path(), error);
    open += !error && target.string().starts_with(dir + "/");
  }
  return open;
}

class TestRoutes final : public HttpServer::Routes {
 public:
  // POST /upload and /hold take a body for the account named by X-Account; /small takes 64
  // bytes at most; /forbidden none.
  std::optional<HttpResponse> Admit(HttpRequest& head) override {
    ++admitted;
    if (head.method == "POST" && head.path == "/forbidden")
      return HttpResponse::Error(403, "not for you");
    if (head.method == "POST" && head.path == "/small") {
      head.body_allowance = 64;
      return std::nullopt;
    }
    if (head.method == "POST" && (head.path == "/upload" || head.path == "/hold")) {
      head.body_account = head.Header("X-Account");
      return std::nullopt;
    }
    if (head.path == "/upload") return HttpResponse::Error(405, "POST only");
    if (head.method == "POST") return HttpResponse::Error(405, "GET only");
    if (head.path == "/empty") return HttpResponse::Text(204, "");
    if (head.path == "/members") return Members(head.Header("Accept-Encoding"));
    return HttpResponse::Text(200, "hello " + head.path + "\n");
  }
  // Answers "got SIZE" with where the body was and a hash of it, from another thread as the
  // daemon's loop does; /hold waits for Release() first.
  void Handle(HttpRequest request, HttpServer::Respond respond) override {
    if (!spool_dir.empty()) open_in_spool = OpenFilesIn(spool_dir);
    std::thread([this, request = std::move(request), respond = std::move(respond)] {
      if (request.path == "/hold") {
        std::unique_lock lock(mutex_);
        ++held_;
        released_.wait(lock, [&] { return release_; });
        --held_;
      }
      respond(HttpResponse::Text(
          200, "got " + std::to_string(request.body.size()) +
                   (request.body.spooled() ? " spooled " : " memory ") +
                   std::to_string(std::hash<std::string_view>()(request.body.view())) + "\n"));
    }).detach();
  }
  int held() {
    std::lock_guard lock(mutex_);
    return held_;
  }
  void Release() {
    std::lock_guard lock(mutex_);
    release_ = true;
    released_.notify_all();
  }
  std::atomic<int> admitted{0};
  std::string spool_dir;
  std::atomic<int> open_in_spool{-1};  // in the spool when the last body reached Handle

  // A document kept as gzip members of about 64 KB of text, as the daemon keeps /metrics.
  static std::string Document() {
    std::string text;
    for (int i = 0; text.size() < 300'000; ++i) {
      text += "ptmon_indicator_actual{project=\"building-maintenance-" + std::to_string(i) +
              "\"} " + std::to_string(i * 7) + "\n";
    }
    return text;
  }
  static HttpResponse Members(const std::string& accept_encoding) {
    GzipWriter writer(64 << 10);
    const std::string text = Document();
    for (size_t at = 0; at < text.size(); at += 1000) {
      writer.buffer() += text.substr(at, 1000);
      writer.Cut();
    }
    HttpResponse response;
    response.body_parts = writer.Finish();
    if (AcceptsGzip(accept_encoding)) {
      response.headers.emplace_back("Content-Encoding", "gzip");
    } else {
      response.inflate_parts = true;
    }
    return response;
  }

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  bool release_ = false;
  int held_ = 0;
};

class HttpServerTest : public testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    auto server = HttpServer::Start(options, routes_);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).value();
  }
  int port() const { return server_->port(); }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }

  TestRoutes routes_;
  std::unique_ptr<HttpServer> server_;
};

// Members are sent as they are to a client that takes gzip, and inflated one by one, with the
// inflated length announced, to one that does not; HEAD announces that length and sends none.
TEST_F(HttpServerTest, SendsGzipMembersAsTheyAreOrInflated) {
  Start();
  const std::string text = TestRoutes::Document();
  ASSERT_GT(TestRoutes::Members("gzip").body_parts.size(), 4u);
  const auto plain = HttpGet(Url("/members"));
  EXPECT_EQ(plain.content_encoding, "");
  EXPECT_EQ(plain.body, text);
  const auto compressed = HttpGet(Url("/members"), {"Accept-Encoding: gzip"});
  EXPECT_EQ(compressed.content_encoding, "gzip");
  EXPECT_LT(compressed.body.size(), text.size() / 3);
  EXPECT_EQ(Gunzip(compressed.body), text);
  const std::string head = RawExchange(port(), "HEAD /members HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(head.find("Content-Length: " + std::to_string(text.size()) + "\r\n"), std::string::npos)
      << head;
  EXPECT_TRUE(head.ends_with("\r\n\r\n")) << head;
}

// A document compressed once and read many times is compressed harder: smaller, the same text.
TEST(GzipTest, ReadManyIsDenserAndInflatesToTheSameText) {
  const std::string text = TestRoutes::Document();
  const std::string fastest = Gzip(text);
  const std::string dense = Gzip(text, GzipEffort::kReadMany);
  EXPECT_LT(dense.size(), fastest.size());
  for (const std::string* member : {&fastest, &dense}) {
    std::string inflated = "kept ";
    ASSERT_TRUE(AppendGunzipped(*member, inflated));
    EXPECT_EQ(inflated, "kept " + text);
  }
  GzipWriter writer(64 << 10, GzipEffort::kReadMany);
  writer.buffer() = text;
  writer.Cut();
  std::string whole;
  for (const auto& member : writer.Finish()) ASSERT_TRUE(AppendGunzipped(*member, whole));
  EXPECT_EQ(whole, text);
}

TEST_F(HttpServerTest, AnswersAWrongMethodBeforeAnyOfTheBodyIsSent) {
  Start();
  // A head that announces 60 MB and then sends none of it: the answer comes from the head alone.
  const std::string answer =
      RawExchange(port(), "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 62914560\r\n\r\n",
                  false, std::chrono::seconds(20));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 405 ")) << answer;
}

TEST_F(HttpServerTest, RefusesAnAnnouncedBodyOverTheLimitWithoutReadingIt) {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  Start(options);
  const std::string answer =
      RawExchange(port(), "POST /upload HTTP/1.1\r\nContent-Length: 1001\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413 ")) << answer;
  EXPECT_TRUE(HttpPost(Url("/upload"), std::string(1000, 'x')).body.starts_with("got 1000 "));
}

// A body over the threshold reaches Handle from an unnamed spool file, byte for byte; one under
// it from memory. The file never has a name in the spool and is closed once the answer is out.
TEST_F(HttpServerTest, LargeBodiesAreSpooledToAnUnnamedFileAndGoneAfter) {
  TempDir spool;
  routes_.spool_dir = spool.path();
  HttpServerOptions options;
  options.spool_dir = spool.path();
  options.spool_threshold = 4096;
  Start(options);
  std::string large;
  for (int i = 0; large.size() < (3u << 20); ++i) large += "row " + std::to_string(i) + ",";
  auto hash = [](const std::string& text) {
    return std::to_string(std::hash<std::string_view>()(text));
  };
  const HttpResult spooled = HttpPost(Url("/upload"), large);
  EXPECT_EQ(spooled.body, "got " + std::to_string(large.size()) + " spooled " + hash(large) + "\n");
  EXPECT_EQ(routes_.open_in_spool, 1) << "the body was read from a file in the spool";
  EXPECT_TRUE(std::filesystem::is_empty(spool.path())) << "a spooled body has no name";
  EXPECT_TRUE(WaitFor([&] { return OpenFilesIn(spool.path()) == 0; }))
      << "the spool file is closed (and so gone) after the answer";
  const std::string small(4096, 's');
  EXPECT_EQ(HttpPost(Url("/upload"), small).body, "got 4096 memory " + hash(small) + "\n");
  EXPECT_EQ(routes_.open_in_spool, 0);
}

// The routes' allowance and refusal are answered from the head: the client announces 60 MB and
// sends none of it.
TEST_F(HttpServerTest, BodiesOverTheCallersAllowanceOrNotAllowedAreRefusedFromTheHead) {
  Start();
  auto announce = [&](const std::string& path) {
    return RawExchange(port(), "POST " + path + " HTTP/1.1\r\nContent-Length: 62914560\r\n\r\n",
                       false, std::chrono::seconds(20));
  };
  const std::string too_large = announce("/small");
  EXPECT_TRUE(too_large.starts_with("HTTP/1.1 413 ")) << too_large;
  EXPECT_NE(too_large.find("64 bytes allowed here"), std::string::npos) << too_large;
  EXPECT_TRUE(announce("/forbidden").starts_with("HTTP/1.1 403 "));
  EXPECT_TRUE(HttpPost(Url("/small"), std::string(64, 'x')).body.starts_with("got 64 memory"));
  EXPECT_EQ(HttpPost(Url("/small"), std::string(65, 'x')).status, 413);
}

// Bodies in flight are capped per account and per client address; beyond either the answer is
// 429 with Retry-After, from the head, and a slot is free again once its answer is written.
TEST_F(HttpServerTest, BodiesInFlightAreCappedPerAccountAndPerAddress) {
  HttpServerOptions options;
  options.max_bodies_per_account = 1;
  options.max_bodies_per_address = 2;
  Start(options);
  auto post = [&](const std::string& path, const std::string& account) {
    return HttpPost(Url(path), "body", {"X-Account: " + account});
  };
  auto announce = [&](const std::string& account) {
    return RawExchange(
        port(),
        "POST /upload HTTP/1.1\r\nX-Account: " + account + "\r\nContent-Length: 62914560\r\n\r\n",
        false, std::chrono::seconds(20));
  };
  std::thread first([&] { EXPECT_EQ(post("/hold", "a").status, 200); });
  ASSERT_TRUE(WaitFor([&] { return routes_.held() == 1; }));
  const std::string same_account = announce("a");
  EXPECT_TRUE(same_account.starts_with("HTTP/1.1 429 ")) << same_account;
  EXPECT_NE(same_account.find("Retry-After: 1\r\n"), std::string::npos) << same_account;
  EXPECT_NE(same_account.find("this account already has 1"), std::string::npos) << same_account;
  EXPECT_EQ(post("/upload", "b").status, 200) << "another account from the same address";
  // b's slot is given back just after its answer is read: until then c is one too many.
  std::thread second(
      [&] { EXPECT_TRUE(WaitFor([&] { return post("/hold", "c").status == 200; })); });
  ASSERT_TRUE(WaitFor([&] { return routes_.held() == 2; }));
  const std::string same_address = announce("d");
  EXPECT_TRUE(same_address.starts_with("HTTP/1.1 429 ")) << same_address;
  EXPECT_NE(same_address.find("this address already has 2"), std::string::npos) << same_address;
  EXPECT_EQ(HttpGet(Url("/page")).status, 200) << "requests without a body are not counted";
  routes_.Release();
  first.join();
  second.join();
  // Slots are given back once the answers are written, just after the clients read them.
  EXPECT_TRUE(WaitFor([&] { return post("/upload", "a").status == 200; }));
  EXPECT_TRUE(WaitFor([&] { return post("/upload", "d").status == 200; }));
}

TEST_F(HttpServerTest, ReadsTheBodyAfterTheHeadAndAnswersFromAnotherThread) {
  Start();
  EXPECT_TRUE(HttpPost(Url("/upload"), std::string(3 << 20, 'x')).body.starts_with("got 3145728 "));
  // curl sends Expect: 100-continue for large bodies and waits: the body is asked for once the
  // head is admitted.
  const int fd = ConnectLoopback(port());
  ASSERT_GE(fd, 0);
  const std::string head =
      "POST /upload HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
  send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  std::string interim;
  char buffer[256];
  while (!interim.ends_with("\r\n\r\n")) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    ASSERT_GT(n, 0);
    interim.append(buffer, static_cast<size_t>(n));
  }
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  send(fd, "hello", 5, MSG_NOSIGNAL);
  const std::string answer = ReadUntilClosed(fd, std::chrono::seconds(20));
  close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK")) << answer;
  EXPECT_NE(answer.find("got 5 memory "), std::string::npos) << answer;
}

TEST_F(HttpServerTest, OneRequestPerConnection) {
  Start();
  const std::string answer = RawExchange(
      port(), "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n", true);
  EXPECT_NE(answer.find("hello /a"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("hello /b"), std::string::npos) << "keep-alive must be off: " << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos);
}

TEST_F(HttpServerTest, HeadSendsTheHeadersOfGetWithoutTheBody) {
  Start();
  const std::string answer = RawExchange(port(), "HEAD /a HTTP/1.1\r\n\r\n", true);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK\r\n")) << answer;
  EXPECT_NE(answer.find("Content-Length: 9\r\n"), std::string::npos) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\n")) << "no body after the head: " << answer;
}

TEST_F(HttpServerTest, NoContentAnnouncesNoContent) {
  Start();
  const std::string answer = RawExchange(port(), "GET /empty HTTP/1.1\r\n\r\n", true);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 204 No Content\r\n")) << answer;
  EXPECT_EQ(answer.find("Content-Length"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("Content-Type"), std::string::npos) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\n")) << answer;
}

TEST_F(HttpServerTest, EveryMalformedRequestGetsAStatus) {
  Start();
  const std::pair<std::string, std::string> cases[] = {
      {"GARBAGE\r\n\r\n", "400"},
      {"get / HTTP/1.1\r\n\r\n", "400"},
      {"GET / HTTP/2.0\r\n\r\n", "505"},
      {"GET nopath HTTP/1.1\r\n\r\n", "400"},
      {"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", "400"},
      {"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", "400"},
      {"POST /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "411"},
      {"POST /upload HTTP/1.1\r\nContent-Length: 12x\r\n\r\n", "400"},
      {"POST /upload HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "400"},
      {"GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n", "431"},
  };
  for (const auto& [request, status] : cases) {
    const std::string answer = RawExchange(port(), request, true);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 " + status + " ")) << request << "\n→ " << answer;
  }
}

TEST_F(HttpServerTest, ASilentClientGets408AfterTheHeaderTimeout) {
  HttpServerOptions options;
  options.header_timeout = std::chrono::milliseconds(200);
  Start(options);
  const int fd = ConnectLoopback(port());
  ASSERT_GE(fd, 0);
  send(fd, "GET / HTTP/1.1\r\nHost", 20, MSG_NOSIGNAL);
  const std::string answer = ReadUntilClosed(fd, std::chrono::seconds(20));
  close(fd);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 408 ")) << answer;
}

// Slow and idle clients hold a socket each, never a thread: with one thread and a header
// timeout far longer than the client's patience, a thread-per-connection server could not
// answer the last request at all.
TEST_F(HttpServerTest, SlowClientsDoNotHoldBackOthers) {
  HttpServerOptions options;
  options.threads = 1;
  options.header_timeout = std::chrono::minutes(5);
  Start(options);
  std::vector<int> slow;
  for (int i = 0; i < 64; ++i) {
    const int fd = ConnectLoopback(port());
    ASSERT_GE(fd, 0);
    send(fd, "GET /metrics HTTP/1.1\r\nX-Slow: ", 31, MSG_NOSIGNAL);
    slow.push_back(fd);
  }
  const std::string answer =
      RawExchange(port(), "GET /fast HTTP/1.1\r\n\r\n", true, std::chrono::seconds(20));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200 OK")) << answer;
  for (int fd : slow) close(fd);
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitGet503) {
  HttpServerOptions options;
  options.max_connections = 4;
  Start(options);
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(ConnectLoopback(port()));
  // The four are registered once accepted; the fifth may race them, so wait for the refusal.
  EXPECT_TRUE(WaitFor([&] {
    return RawExchange(port(), "GET / HTTP/1.1\r\n\r\n", true).starts_with("HTTP/1.1 503 ");
  }));
  for (int fd : idle) close(fd);
  EXPECT_TRUE(WaitFor([&] { return HttpGet(Url("/again")).status == 200; }));
}

TEST_F(HttpServerTest, ShutdownClosesIdleConnectionsAndReturns) {
  Start();
  std::vector<int> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(ConnectLoopback(port()));
  server_->Shutdown(std::chrono::milliseconds(100));
  for (int fd : idle) {
    EXPECT_EQ(ReadUntilClosed(fd, std::chrono::seconds(20)), "");
    close(fd);
  }
  EXPECT_EQ(HttpGet(Url("/")).status, 0) << "nothing listens any more";
}

// The process's resident file-backed pages, in KiB.
long RssFileKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("RssFile:")) return std::stol(line.substr(8));
  }
  return -1;
}

// A spooled body searched, sliced and read without mapping it in; the pages its view brought in
// given back once it was read.
TEST(RequestBodyTest, SpooledBodiesAreSearchedInPiecesAndGiveTheirPagesBack) {
  TempDir spool;
  std::string text(24u << 20, 'x');
  const std::string needle = "--boundary";
  const size_t across = (256u << 10) - 3;  // across the first two pieces of a search
  text.replace(across, needle.size(), needle);
  text.replace(text.size() - needle.size(), needle.size(), needle);
  auto writer = BodySpool::Create(spool.path(), text.size());
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  for (size_t at = 0; at < text.size(); at += 1 << 20)
    ASSERT_TRUE(writer->Append(std::string_view(text).substr(at, 1 << 20)).ok());
  auto finished = writer->Finish();
  ASSERT_TRUE(finished.ok()) << finished.status().message();
  const RequestBody body = std::move(finished).value();
  EXPECT_TRUE(body.spooled());
  EXPECT_TRUE(std::filesystem::is_empty(spool.path()));
  const long untouched = RssFileKiB();
  EXPECT_EQ(body.Find(needle, 0), across);
  EXPECT_EQ(body.Find(needle, across + 1), text.size() - needle.size());
  EXPECT_EQ(body.Find(needle, text.size() - 2), std::string_view::npos);
  const RequestBody tail = body.Slice(across, text.size());
  EXPECT_EQ(tail.size(), text.size() - across);
  EXPECT_EQ(tail.Read(0, needle.size()), needle);
  EXPECT_EQ(tail.Find(needle, 1), text.size() - needle.size() - across);
  EXPECT_LT(RssFileKiB() - untouched, 4096) << "searching maps none of the body in";
  EXPECT_EQ(body.view(), text);
  EXPECT_GT(RssFileKiB() - untouched, 20 << 10) << "reading the view brings its pages in";
  tail.ReleasePages();
  body.ReleasePages();
  EXPECT_LT(RssFileKiB() - untouched, 4096);
  EXPECT_EQ(tail.view().substr(0, needle.size()), needle) << "and reads them again when asked";
}

TEST(AcceptEncodingTest, HonoursQualityValues) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *"));  // the explicit refusal wins over the wildcard
  EXPECT_TRUE(AcceptsGzip("GZIP;Q=1"));
}

}  // namespace
}  // namespace ptmon
