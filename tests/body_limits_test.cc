// Large bodies against the real `ptmon serve`: 24 parallel 60 MB posts from a viewer, a manager,
// the API token's holder and nobody at all. Each is answered from its head (403, 413, 429) or
// read into an unnamed spool file and checked from there; the daemon's peak resident memory
// (VmHWM) stays where it was. The bodies are streamed by curl from one file on disk, so the test
// does not hold them either.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;

const std::string kToken = "test-token-0123456789abcdef";
constexpr size_t kBodyBytes = 60u << 20;
constexpr int kParallel = 24;

// The peak resident set of `pid` so far, in MiB.
long PeakMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6)) / 1024;
  }
  return -1;
}

class BodyLimitsTest : public testing::Test {
 protected:
  void SetUp() override {
    const std::string password = dir_.Write("password", "correct horse 2026\n");
    for (const std::vector<std::string>& user :
         {std::vector<std::string>{"zhangsan", "--role", "manager", "--project",
                                   "building-maintenance"},
          std::vector<std::string>{"lisi", "--role", "viewer"}}) {
      std::vector<std::string> args{"user", "add"};
      args.insert(args.end(), user.begin(), user.end());
      args.insert(args.end(), {"--password-file", password, "--data-dir", dir_ / "data"});
      ASSERT_EQ(RunPtmon(args).exit_code, 0);
    }
    port_ = FreePort();
    const std::string config = dir_.Write("ptmon.yaml", "api:\n  token: " + kToken + "\n");
    ptmon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{PTMON_BINARY, "serve", "--config", config, "--listen",
                                 "127.0.0.1:" + std::to_string(port_), "--data-dir", dir_ / "data",
                                 "--now", "2026-08-15"},
        dir_ / "ptmon.log");
    ASSERT_TRUE(WaitFor([&] { return HttpGet(Url("/readyz")).status == 200; })) << ptmon_->Log();
    manager_ = ConsoleLogin(Url(""), "zhangsan", "correct+horse+2026");
    viewer_ = ConsoleLogin(Url(""), "lisi", "correct+horse+2026");
    ASSERT_FALSE(manager_.empty());
    ASSERT_FALSE(viewer_.empty());
    std::smatch match;
    const std::string form =
        HttpGet(Url("/report?project=building-maintenance"), {"Cookie: ptmon_session=" + manager_})
            .body;
    ASSERT_TRUE(
        std::regex_search(form, match, std::regex("action=\"/upload\\?csrf=([0-9a-f]{64})\"")))
        << form.substr(0, 2000);
    manager_csrf_ = match[1];
    const std::string board = HttpGet(Url("/"), {"Cookie: ptmon_session=" + viewer_}).body;
    ASSERT_TRUE(
        std::regex_search(board, match, std::regex("name=\"csrf\" value=\"([0-9a-f]{64})\"")));
    viewer_csrf_ = match[1];
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // Runs `kParallel` curls with `args` at once; the statuses they got, counted.
  std::map<int, int> PostInParallel(const std::vector<std::string>& args) const {
    std::vector<int> statuses(kParallel);
    std::vector<std::thread> clients;
    for (int i = 0; i < kParallel; ++i) {
      clients.emplace_back([&, i] {
        std::vector<std::string> argv{"curl", "-s",           "-o",         "/dev/null",
                                      "-w",   "%{http_code}", "--max-time", "600"};
        argv.insert(argv.end(), args.begin(), args.end());
        const ProcessResult curl = RunProcess(argv);
        statuses[i] = curl.out.empty() ? -1 : std::stoi(curl.out);
      });
    }
    for (auto& client : clients) client.join();
    std::map<int, int> counts;
    for (int status : statuses) ++counts[status];
    return counts;
  }

  // A head announcing `length` bytes, sent without any of the body: what the daemon answers.
  std::string Announce(const std::string& target, const std::string& session,
                       size_t length = kBodyBytes) const {
    return RawExchange(port_,
                       "POST " + target + " HTTP/1.1\r\nCookie: ptmon_session=" + session +
                           "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                           "Content-Length: " +
                           std::to_string(length) + "\r\n\r\n",
                       false, std::chrono::seconds(60));
  }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> ptmon_;
  std::string manager_, viewer_;            // their sessions
  std::string manager_csrf_, viewer_csrf_;  // and the sessions' form tokens
};

std::string Describe(const std::map<int, int>& counts) {
  std::string text;
  for (const auto& [status, count] : counts)
    text += std::to_string(count) + "×" + std::to_string(status) + " ";
  return text;
}

// Statuses other than `allowed`, counted; empty when every request got one of them.
std::map<int, int> Unexpected(std::map<int, int> counts, std::initializer_list<int> allowed) {
  for (int status : allowed) counts.erase(status);
  return counts;
}

// Who may send what is decided on the head: the session, the role, the upload's token in the
// form's address, the size each form needs. None of the bodies is sent at all.
TEST_F(BodyLimitsTest, TheConsoleDecidesOnTheHeadWhoMaySendABody) {
  auto status = [](const std::string& answer) { return answer.substr(0, answer.find("\r\n")); };
  EXPECT_EQ(status(Announce("/report", viewer_)), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(status(Announce("/upload?csrf=" + viewer_csrf_, viewer_)), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(status(Announce("/admin/reload", manager_)), "HTTP/1.1 403 Forbidden");
  const std::string forged = Announce("/upload?csrf=" + std::string(64, '0'), manager_);
  EXPECT_EQ(status(forged), "HTTP/1.1 403 Forbidden");
  EXPECT_NE(forged.find("表单已失效"), std::string::npos) << forged;
  EXPECT_EQ(status(Announce("/upload", manager_)), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(status(Announce("/upload?csrf=" + manager_csrf_, "")), "HTTP/1.1 303 See Other");
  EXPECT_EQ(status(Announce("/report", manager_, (1u << 20) + 1)),
            "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(status(Announce("/logout", viewer_, (64u << 10) + 1)),
            "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(status(Announce("/api/v1/actuals", "")), "HTTP/1.1 401 Unauthorized");
  const HttpResult logout = HttpPost(
      Url("/logout"), "csrf=" + viewer_csrf_,
      {"Cookie: ptmon_session=" + viewer_, "Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(logout.status, 303) << "a viewer still posts the small forms";
}

TEST_F(BodyLimitsTest, ParallelLargeBodiesLeaveThePeakMemoryFlat) {
  // A report that is junk from its first line on and holds a NUL byte at its end: the checker
  // reads all 60 MB before it refuses it, one file at a time on the service's loop.
  {
    std::ofstream junk(dir_ / "big.csv", std::ios::binary);
    const std::string line = "项目,指标,期间,完成值,这一行不是报表的内容\n";
    for (size_t written = 0; written + line.size() < kBodyBytes; written += line.size())
      junk << line;
    junk << '\0';
  }
  ASSERT_GT(fs::file_size(dir_ / "big.csv"), 59u << 20);
  const long before = PeakMiB(ptmon_->pid());
  ASSERT_GT(before, 0);
  const std::string file = "file=@" + (dir_ / "big.csv") + ";filename=big.csv;type=text/csv";

  // A viewer may not upload, even with the session's own token: 403 before any of it is read.
  const auto viewers = PostInParallel(
      {"-H", "Cookie: ptmon_session=" + viewer_, "-F", file, Url("/upload?csrf=" + viewer_csrf_)});
  EXPECT_EQ(viewers, (std::map<int, int>{{403, kParallel}})) << Describe(viewers);
  const long after_viewers = PeakMiB(ptmon_->pid());

  // Nobody may send 60 MB to the login form: 413 from the head.
  const auto logins = PostInParallel({"-H", "Content-Type: application/x-www-form-urlencoded", "-X",
                                      "POST", "-T", dir_ / "big.csv", Url("/login")});
  EXPECT_EQ(logins, (std::map<int, int>{{413, kParallel}})) << Describe(logins);

  // A manager's uploads: two at a time are spooled, parsed and checked (and refused, 422), the
  // rest are told to come back (429).
  const auto managers = PostInParallel({"-H", "Cookie: ptmon_session=" + manager_, "-F", file,
                                        Url("/upload?csrf=" + manager_csrf_)});
  EXPECT_TRUE(Unexpected(managers, {422, 429}).empty()) << Describe(managers);
  EXPECT_GE(managers.count(422) ? managers.at(422) : 0, 1) << Describe(managers);

  // The API token's holder: the same, 400 for the refused report.
  const auto api =
      PostInParallel({"-H", "Authorization: Bearer " + kToken, "-H", "Content-Type: text/csv", "-X",
                      "POST", "-T", dir_ / "big.csv", Url("/api/v1/actuals?name=big.csv")});
  EXPECT_TRUE(Unexpected(api, {400, 429}).empty()) << Describe(api);
  EXPECT_GE(api.count(400) ? api.at(400) : 0, 1) << Describe(api);

  const long after = PeakMiB(ptmon_->pid());
  std::cout << "VmHWM before " << before << " MiB, after the viewers " << after_viewers
            << " MiB, after all " << after << " MiB; managers " << Describe(managers) << ", API "
            << Describe(api) << "\n";
  // Main held every body whole: 0.71 GB for 8 viewers' uploads, 1.87 GB for 24. Here a refused
  // body costs nothing, and an accepted one is a file whose pages count only while it is
  // checked: two of an account's at a time, 120 MB at the very most.
  EXPECT_LE(after_viewers, before + 8) << "viewers' bodies are never read";
  EXPECT_LE(after, before + 150) << "the peak grew by more than two 60 MB bodies being checked";
  EXPECT_TRUE(fs::is_empty(dir_ / "data/spool")) << "spooled bodies leave nothing behind";
  EXPECT_EQ(HttpGet(Url("/healthz")).status, 200);
}

}  // namespace
}  // namespace ptmon
