// The web console served by the real daemon: many users at once while reports arrive, logins
// and reports always audited behind another writer, and HTTPS with secure cookies.
#include <filesystem>
#include <future>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "serve_fixture.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;
using Json = nlohmann::json;

// Managers and viewers in the console at once, while a file arrives and Prometheus-like scrapes
// go on: every page answers, every form is applied as its own batch with its reporter, and the
// audit log has every login. Under ThreadSanitizer this is the console's concurrency test.
TEST_F(ServeTest, TheConsoleServesManyUsersWhileReportsArrive) {
  AddConsoleUser("zhangsan", {"--role", "manager", "--project", "building-maintenance"});
  AddConsoleUser("lisi", {"--role", "viewer"});
  Start();
  constexpr int kUsers = 4;
  std::vector<std::string> failures(kUsers);
  std::vector<std::thread> users;
  for (int u = 0; u < kUsers; ++u) {
    users.emplace_back([&, u] {
      const bool manager = u % 2 == 0;
      const std::string session =
          ConsoleLogin(Url(""), manager ? "zhangsan" : "lisi", "correct+horse+2026");
      if (session.empty()) failures[u] += "login failed";
      const std::string cookie = "Cookie: ptmon_session=" + session;
      for (const char* path :
           {"/", "/?sort=score&dir=desc", "/projects/building-maintenance", "/alerts",
            "/projects/building-maintenance/history/devices-maintained", "/reports"}) {
        const HttpResult page = HttpGet(Url(path), {cookie});
        if (page.status != 200)
          failures[u] += std::string(path) + " " + std::to_string(page.status);
      }
      const HttpResult form =
          HttpGet(Url("/report?project=building-maintenance&period=2026-07"), {cookie});
      if (!manager) {
        if (form.status != 403) failures[u] += "a viewer got the form";
        return;
      }
      const std::string csrf = InputValue(form.body, "csrf");
      const HttpResult posted =
          HttpPost(Url("/report"),
                   "csrf=" + csrf + "&project=building-maintenance&period=2026-07&c0_0=" +
                       std::to_string(10 + u) + "&c1_0=20&c5_0=96%25",
                   {cookie, "Content-Type: application/x-www-form-urlencoded"});
      if (posted.status != 200 || posted.body.find("已保存") == std::string::npos)
        failures[u] += "report: " + std::to_string(posted.status) + " " + posted.body;
    });
  }
  Drop("july.csv", ReadFile(kData + "/golden/actuals-2026-07.csv"));
  for (int scrape = 0; scrape < 5; ++scrape) EXPECT_EQ(HttpGet(Url("/metrics")).status, 200);
  for (auto& user : users) user.join();
  for (int u = 0; u < kUsers; ++u) EXPECT_EQ(failures[u], "") << "user " << u;

  const ProcessResult history =
      RunPtmon({"history", "--data-dir", dir_ / "data", "--project", "building-maintenance",
                "--indicator", "devices-maintained", "--now", now_, "--format", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(Json::parse(history.out).dump().find("console-building-maintenance-2026-07.csv") !=
                std::string::npos,
            true);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir_ / "data/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  auto count = [&](const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
    const int rows = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int(statement, 0) : -1;
    sqlite3_finalize(statement);
    return rows;
  };
  const HttpResult post_to_page = HttpPost(Url("/"), "");
  EXPECT_EQ(post_to_page.status, 405);
  EXPECT_EQ(post_to_page.headers.at("allow"), "GET, HEAD");
  const HttpResult get_logout = HttpGet(Url("/logout"));
  EXPECT_EQ(get_logout.status, 405);
  EXPECT_EQ(get_logout.headers.at("allow"), "POST");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'login'"), kUsers);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'report'"), kUsers / 2);
  EXPECT_EQ(count("SELECT count(*) FROM batch WHERE file_name LIKE 'console-%' AND status = "
                  "'applied' AND reporter = 'zhangsan'"),
            kUsers / 2);
  sqlite3_close(db);
}

// A login is in the audit log or does not happen. Behind another writer (a long catalogue check,
// a large `ptmon ingest`) it waits for the write lock; held past the store's busy timeout, the
// login is refused and no session granted. Accounts are read beside the writer: a disabled one
// is refused at once.
TEST_F(ServeTest, ALoginBehindAnotherWriterWaitsAndIsNeverUnaudited) {
  const std::string password = dir_.Write("password", "correct horse 2026\n");
  for (const char* name : {"zhangsan", "lisi"}) {
    ASSERT_EQ(RunPtmon({"user", "add", name, "--role", "viewer", "--password-file", password,
                        "--data-dir", dir_ / "data"})
                  .exit_code,
              0);
  }
  Start();
  const std::string lisi = ConsoleLogin(Url(""), "lisi", "correct+horse+2026");
  ASSERT_NE(lisi, "");
  ASSERT_EQ(RunPtmon({"user", "disable", "lisi", "--data-dir", dir_ / "data"}).exit_code, 0);
  auto logins = [&](const std::string& name) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((dir_ / "data/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT count(*) FROM audit_log WHERE action = 'login' AND user_name = ?",
                       -1, &statement, nullptr);
    sqlite3_bind_text(statement, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    const int count = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int(statement, 0) : -1;
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return count;
  };
  DatabaseWriteLock lock(dir_ / "data/ptmon.db");
  const HttpResult disabled = HttpGet(Url("/"), {"Cookie: ptmon_session=" + lisi});
  EXPECT_EQ(disabled.status, 303);
  EXPECT_EQ(disabled.headers.at("location"), "/login?next=%2F");
  // The lock outlives the busy timeout: refused, nothing granted.
  EXPECT_EQ(ConsoleLogin(Url(""), "zhangsan", "correct+horse+2026"), "");
  EXPECT_EQ(logins("zhangsan"), 0);
  // Released after the 5 s a login once waited before going on unaudited: it waits, then succeeds.
  auto login = std::async(std::launch::async,
                          [&] { return ConsoleLogin(Url(""), "zhangsan", "correct+horse+2026"); });
  EXPECT_EQ(login.wait_for(std::chrono::seconds(6)), std::future_status::timeout);
  lock.Release();
  const std::string session = login.get();
  ASSERT_NE(session, "");
  EXPECT_EQ(logins("zhangsan"), 1);
  EXPECT_EQ(HttpGet(Url("/"), {"Cookie: ptmon_session=" + session}).status, 200);
}

// A console report is recorded as submitted before it is applied, its outcome after; behind a
// writer that outlives the busy timeout it is refused with nothing applied.
TEST_F(ServeTest, AReportIsAuditedBeforeItIsAppliedOrRefused) {
  const std::string password = dir_.Write("password", "correct horse 2026\n");
  ASSERT_EQ(
      RunPtmon({"user", "add", "zhangsan", "--role", "manager", "--project", "building-maintenance",
                "--password-file", password, "--data-dir", dir_ / "data"})
          .exit_code,
      0);
  Start();
  const std::string cookie =
      "Cookie: ptmon_session=" + ConsoleLogin(Url(""), "zhangsan", "correct+horse+2026");
  const HttpResult form =
      HttpGet(Url("/report?project=building-maintenance&period=2026-07"), {cookie});
  ASSERT_EQ(form.status, 200);
  auto post = [&] {
    return HttpPost(Url("/report"),
                    "csrf=" + InputValue(form.body, "csrf") +
                        "&project=building-maintenance&period=2026-07&c0_0=12&c1_0=20&c5_0=96%25",
                    {cookie, "Content-Type: application/x-www-form-urlencoded"});
  };
  auto audited = [&] {
    const ProcessResult rows =
        RunProcess({"sqlite3", dir_ / "data/ptmon.db",
                    "SELECT group_concat(action, ' ') FROM audit_log WHERE action LIKE 'report%'"});
    return rows.out;
  };
  {
    DatabaseWriteLock lock(dir_ / "data/ptmon.db");
    const HttpResult refused = post();
    EXPECT_EQ(refused.status, 503);
    EXPECT_NE(refused.body.find("本次操作没有执行"), std::string::npos) << refused.body;
  }
  EXPECT_EQ(audited(), "\n");
  EXPECT_EQ(RunProcess({"sqlite3", dir_ / "data/ptmon.db", "SELECT count(*) FROM batch"}).out,
            "0\n");
  const HttpResult saved = post();
  EXPECT_EQ(saved.status, 200);
  EXPECT_NE(saved.body.find("已保存"), std::string::npos) << saved.body;
  EXPECT_EQ(audited(), "report_submitted report\n");
}

// HTTPS with a self-signed certificate: the console, /metrics and /healthz over TLS, cookies
// marked Secure, and plain HTTP to the port answered with nothing.
TEST_F(ServeTest, HttpsServesTheConsoleAndMetricsWithSecureCookies) {
  const std::string key = dir_ / "key.pem", cert = dir_ / "cert.pem";
  const ProcessResult made = RunProcess(
      {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
       "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string config =
      dir_.Write("ptmon.yaml", "tls:\n  cert_file: " + cert + "\n  key_file: " + key + "\n");
  port_ = FreePort();
  ptmon_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{PTMON_BINARY, "serve", "--config", config, "--listen",
                               "127.0.0.1:" + std::to_string(port_), "--data-dir", dir_ / "data",
                               "--now", now_},
      dir_ / "ptmon.log");
  const std::string https = "https://127.0.0.1:" + std::to_string(port_);
  auto curl = [&](const std::string& path, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {"curl", "-s", "-m", "30", "--cacert", cert};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(https + path);
    return RunProcess(argv);
  };
  ASSERT_TRUE(WaitFor([&] { return curl("/readyz").out == "ready\n"; })) << ptmon_->Log();
  EXPECT_NE(curl("/metrics").out.find("ptmon_indicator_info{project=\"building-maintenance\""),
            std::string::npos);
  const ProcessResult login = curl("/login", {"-i"});
  EXPECT_NE(login.out.find("HttpOnly; SameSite=Strict; Secure"), std::string::npos) << login.out;
  EXPECT_NE(login.out.find("lang=\"zh-CN\""), std::string::npos);
  EXPECT_EQ(HttpGet("http://127.0.0.1:" + std::to_string(port_) + "/healthz").status, 0)
      << "plain HTTP gets no answer from the TLS port";
  EXPECT_EQ(curl("/healthz").out, "ok\n") << "and the server goes on";
}

}  // namespace
}  // namespace ptmon
