// The notifier's shutdown flush: it gives every Alertmanager the latest payload one more try and
// waits only for those tries. Against the daemon's own HTTP server on loopback, and a port that
// refuses connections (claimed by FreePort, so nothing listens on it).
#include <atomic>
#include <mutex>

#include <gtest/gtest.h>

#include <ptmon/alerts/notifier.h>
#include <ptmon/http/http_server.h>

#include "support/daemon.h"

namespace ptmon {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class Receiver final : public HttpServer::Routes {
 public:
  std::optional<HttpResponse> Admit(HttpRequest&) override { return std::nullopt; }
  void Handle(HttpRequest request, HttpServer::Respond respond) override {
    {
      std::lock_guard lock(mutex_);
      last_body_ = std::string(request.body.view());
    }
    respond(HttpResponse::Text(200, ""));
  }
  std::string LastBody() {
    std::lock_guard lock(mutex_);
    return last_body_;
  }

 private:
  std::mutex mutex_;
  std::string last_body_;
};

TEST(NotifierTest, FlushToADeadAlertmanagerCostsOneAttemptNotTheTimeout) {
  std::atomic<int> failures{0};
  Notifier notifier({"http://127.0.0.1:" + std::to_string(testing_support::FreePort())},
                    seconds(30), [&](size_t, bool success) { failures += success ? 0 : 1; });
  notifier.Submit("[]");
  // With retries through the backoff (0.5 s, 1 s, 2 s, …) a minute would see many attempts.
  EXPECT_FALSE(notifier.Flush(seconds(60)));
  // The attempt Submit started may still have been under way when the flush began.
  EXPECT_GE(failures.load(), 1);
  EXPECT_LE(failures.load(), 2);
}

TEST(NotifierTest, FlushDeliversTheLatestPayloadDespiteABackoff) {
  Receiver receiver;
  HttpServerOptions options;
  options.listen = "127.0.0.1:0";
  auto server = HttpServer::Start(options, receiver);
  ASSERT_TRUE(server.ok()) << server.status().message();
  std::atomic<int> deliveries{0};
  Notifier notifier({"http://127.0.0.1:" + std::to_string((*server)->port())}, seconds(30),
                    [&](size_t, bool success) { deliveries += success ? 1 : 0; });
  notifier.Submit(R"([{"labels":{"n":"1"}}])");
  notifier.Submit(R"([{"labels":{"n":"2"}}])");
  EXPECT_TRUE(notifier.Flush(seconds(60)));
  EXPECT_EQ(receiver.LastBody(), R"([{"labels":{"n":"2"}}])");
  EXPECT_GE(deliveries.load(), 1);
}

}  // namespace
}  // namespace ptmon
