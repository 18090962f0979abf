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
  const std::string cookie = SessionCookie("zhangsan");
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

// The 填报 form shows the unit a bare number is read in beside each box; 10.5 typed for
// 设备维修维护成本 (≤20万元) is refused beside its field naming both readings, and nothing is
// saved; 10.5万元 is.
TEST_F(ServeTest, TheFormShowsEachUnitAndRefusesABareFigureAThousandTimesOff) {
  AddConsoleUser("zhangsan", {"--role", "manager", "--project", "building-maintenance"});
  Start();
  const std::string cookie = SessionCookie("zhangsan");
  const HttpResult form =
      HttpGet(Url("/report?project=building-maintenance&period=2026-07"), {cookie});
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("name=\"c3_0\" value=\"\""), std::string::npos);
  EXPECT_NE(form.body.find("<span class=\"unit\">元（可写 万元）</span>"), std::string::npos);
  EXPECT_NE(form.body.find("<span class=\"unit\">台</span>"), std::string::npos);
  const std::string csrf = InputValue(form.body, "csrf");
  auto post = [&](const std::string& cost) {
    return HttpPost(
        Url("/report"),
        "csrf=" + csrf + "&project=building-maintenance&period=2026-07&c0_0=12&c3_0=" + cost,
        {cookie, "Content-Type: application/x-www-form-urlencoded"});
  };
  const HttpResult refused = post("10.5");
  EXPECT_EQ(refused.status, 422);
  const size_t error = refused.body.find("id=\"c3_0-error\">");
  ASSERT_NE(error, std::string::npos) << refused.body;
  // In the field's own error box, after its label.
  const size_t message = refused.body.find(
      "10.5 按 元 读是 10.5元，只有目标 ≤20万元 的 0.0053%；如果是 10.5万元，请写成 "
      "10.5万元；如果确实是 10.5元，请写上单位「元」。",
      error);
  ASSERT_NE(message, std::string::npos) << refused.body.substr(error, 600);
  EXPECT_LT(message - error, 80u) << refused.body.substr(error, 600);
  const ProcessResult none =
      RunPtmon({"history", "--data-dir", dir_ / "data", "--project", "building-maintenance",
                "--indicator", "devices-maintained", "--now", now_, "--format", "json"});
  EXPECT_EQ(none.out.find("console-"), std::string::npos) << none.out;
  const HttpResult saved = post("10.5%E4%B8%87%E5%85%83");  // 10.5万元
  EXPECT_EQ(saved.status, 200) << saved.body;
  EXPECT_NE(saved.body.find("已保存"), std::string::npos);
}

// The 填报 page closes the loop: the month's workbook, with last values, to download behind the
// manager's login and projects; only months that are due; a month not yet due posted anyway is
// said once, not once per row; an upload answers in Chinese, naming the sheet and the cell, with
// advice a manager can follow (no commands), and says who submitted it and who the file names.
TEST_F(ServeTest, TheReportPageOffersTheMonthsWorkbookAndAnswersUploadsInChinese) {
  // By the published name, as a manager's office writes it.
  AddConsoleUser("zhangsan", {"--role", "manager", "--project", "维修维护费"});
  AddConsoleUser("lisi", {"--role", "viewer"});
  Start();
  Drop("july.csv",
       "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-07,12\n");
  ASSERT_TRUE(WaitFor([&] {
    return MetricsContain(
        "ptmon_indicator_actual{project=\"building-maintenance\",indicator=\"devices-maintained\"} "
        "12");
  })) << ptmon_->Log();
  const std::string cookie = SessionCookie("zhangsan");
  const HttpResult page =
      HttpGet(Url("/report?project=building-maintenance&period=2026-08"), {cookie});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("href=\"/report/template.xlsx?project=building-maintenance&amp;"
                           "period=2026-08\">下载本月 Excel 模板</a>"),
            std::string::npos)
      << page.body;
  // Today is 2026-08-15: August is the last month offered.
  EXPECT_NE(page.body.find("<option value=\"2026-08\""), std::string::npos);
  EXPECT_EQ(page.body.find("<option value=\"2026-09\""), std::string::npos);

  const std::string path = "/report/template.xlsx?project=building-maintenance&period=2026-08";
  const HttpResult workbook = HttpGet(Url(path), {cookie});
  ASSERT_EQ(workbook.status, 200) << workbook.body;
  EXPECT_EQ(workbook.headers.at("content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_NE(workbook.headers.at("content-disposition").find("report-building-maintenance-2026-08"),
            std::string::npos);
  const std::string template_path = dir_.Write("template.xlsx", workbook.body);
  const ProcessResult cells =
      RunProcess({"/usr/bin/python3", "-c",
                  "import sys, openpyxl\n"
                  "sheet = openpyxl.load_workbook(sys.argv[1]).worksheets[0]\n"
                  "for row in sheet.iter_rows(values_only=True):\n"
                  "    print('|'.join('' if v is None else str(v) for v in row))\n",
                  template_path});
  ASSERT_EQ(cells.exit_code, 0) << cells.err;
  EXPECT_NE(cells.out.find("|12台（7月）|台|"), std::string::npos) << cells.out;
  EXPECT_EQ(
      HttpGet(Url("/report/template.xlsx?project=retiree-heating&period=2026-08"), {cookie}).status,
      403);
  const std::string viewer = SessionCookie("lisi");
  EXPECT_EQ(HttpGet(Url(path), {viewer}).status, 403);
  EXPECT_EQ(HttpGet(Url(path)).status, 303);  // to the login

  const std::string csrf = InputValue(page.body, "csrf");
  const HttpResult future = HttpPost(
      Url("/report"),
      "csrf=" + csrf + "&project=building-maintenance&period=2026-09&c0_0=14&c1_0=20&c3_0=50000",
      {cookie, "Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(future.status, 422);
  const std::string once =
      "2026年9月还没到（今天是 2026-08-15），不能填报；请选择 2026年8月 或更早的月份。";
  const size_t said = future.body.find(once);
  ASSERT_NE(said, std::string::npos) << future.body;
  EXPECT_EQ(future.body.find(once, said + 1), std::string::npos) << "said once";
  EXPECT_EQ(future.body.find("还没到", said + once.size()), std::string::npos) << "not per row";

  auto upload = [&](const std::string& name, const std::string& content) {
    const std::string boundary = "ptmon-test-boundary";
    const std::string body = "--" + boundary +
                             "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                             name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
                             content + "\r\n--" + boundary + "--\r\n";
    return HttpPost(Url("/upload?csrf=" + csrf), body,
                    {cookie, "Content-Type: multipart/form-data; boundary=" + boundary});
  };
  // The downloaded workbook with a word where a number belongs.
  const ProcessResult filled =
      RunProcess({"/usr/bin/python3", "-c",
                  "import sys, openpyxl\n"
                  "book = openpyxl.load_workbook(sys.argv[1])\n"
                  "sheet = book.worksheets[0]\n"
                  "header = [c.value for c in sheet[1]]\n"
                  "sheet.cell(row=2, column=header.index('完成值') + 1).value = '很多'\n"
                  "book.save(sys.argv[2])\n",
                  template_path, dir_ / "filled.xlsx"});
  ASSERT_EQ(filled.exit_code, 0) << filled.out << filled.err;
  const HttpResult refused = upload("august.xlsx", ReadFile(dir_ / "filled.xlsx"));
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("「august.xlsx」有 1 处需要修改，整个文件都没有保存。"),
            std::string::npos)
      << refused.body;
  EXPECT_NE(refused.body.find("工作表「维修维护费」"), std::string::npos) << refused.body;
  EXPECT_NE(
      refused.body.find("2 单元格：&#39;完成值&#39;: &#39;很多&#39; 不是可用的数值，请核对后按 "
                        "12、6.2万 这样的写法填写"),
      std::string::npos)
      << refused.body;
  const HttpResult unreadable = upload("august.txt", "12\n");
  EXPECT_EQ(unreadable.status, 400);
  EXPECT_NE(unreadable.body.find("请在填报页下载本月 Excel 模板"), std::string::npos);
  const HttpResult applied = upload(
      "august.csv",
      "项目,指标,期间,完成值,填报人\nbuilding-maintenance,devices-maintained,2026-08,14,王五\n");
  EXPECT_EQ(applied.status, 200) << applied.body;
  EXPECT_NE(applied.body.find("「august.csv」已保存：1 个数据（第 "), std::string::npos)
      << applied.body;
  EXPECT_NE(applied.body.find("提交人（登录账号）：zhangsan；文件中的填报人：王五。"),
            std::string::npos)
      << applied.body;
  // The indicator's record says both: the account that submitted, the 填报人 the file named.
  const HttpResult history =
      HttpGet(Url("/projects/building-maintenance/history/devices-maintained"), {cookie});
  EXPECT_NE(history.body.find("upload-august.csv</td><td>zhangsan</td><td>王五</td>"),
            std::string::npos)
      << history.body;
  for (const HttpResult* answer : {&refused, &unreadable, &applied}) {
    for (const char* english : {"ptmon template", "ptmon revert", "applied", "rejected", " / '"})
      EXPECT_EQ(answer->body.find(english), std::string::npos) << english << " in " << answer->body;
  }
}

}  // namespace
}  // namespace ptmon

namespace ptmon {
namespace {

using namespace testing_support;

// Issue #34: an admin keeps the managers' contacts on /admin, with the form's CSRF token and an
// audit row; a malformed one is refused on the page, and nobody else may change them or see them.
TEST_F(ServeTest, AnAdminEditsAManagersContactsOnTheAdminPage) {
  AddConsoleUser("admin", {"--role", "admin"});
  AddConsoleUser("lijun", {"--role", "manager", "--project", "building-maintenance"});
  Start();
  const std::string admin = SessionCookie("admin");
  const std::string csrf = InputValue(HttpGet(Url("/admin"), {admin}).body, "csrf");
  ASSERT_NE(csrf, "");
  auto post = [&](const std::string& cookie, const std::string& fields) {
    return HttpPost(Url("/admin/contacts"), "csrf=" + csrf + "&user=lijun&" + fields,
                    {cookie, "Content-Type: application/x-www-form-urlencoded"});
  };
  const HttpResult saved = post(admin, "email=lijun%40sxsi.example.gov.cn&phone=&wecom=LiJun");
  EXPECT_EQ(saved.status, 303) << saved.body;
  const std::string page = HttpGet(Url("/admin?contacts=lijun"), {admin}).body;
  EXPECT_NE(page.find("已保存「lijun」的联系方式。"), std::string::npos) << page;
  EXPECT_NE(page.find("value=\"lijun@sxsi.example.gov.cn\""), std::string::npos);
  EXPECT_NE(page.find("value=\"LiJun\""), std::string::npos);
  EXPECT_NE(page.find("changed the contacts of lijun: email=lijun@sxsi.example.gov.cn "
                      "wecom=LiJun"),
            std::string::npos)
      << "audited";

  const HttpResult refused = post(admin, "email=lijun&phone=&wecom=LiJun");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("「lijun」的联系方式未保存：邮箱「lijun」不是有效的电子邮件地址"),
            std::string::npos)
      << refused.body;
  const ProcessResult listed = RunPtmon({"user", "list", "--data-dir", dir_ / "data"});
  EXPECT_NE(listed.out.find("email=lijun@sxsi.example.gov.cn wecom=LiJun"), std::string::npos)
      << "unchanged: " << listed.out;

  const std::string manager = SessionCookie("lijun");
  EXPECT_EQ(post(manager, "email=x%40example.cn").status, 403);
  EXPECT_EQ(HttpGet(Url("/admin"), {manager}).status, 403) << "contacts are for admins' eyes";
  EXPECT_EQ(HttpPost(Url("/admin/contacts"), "user=lijun&email=x%40example.cn",
                     {admin, "Content-Type: application/x-www-form-urlencoded"})
                .status,
            403)
      << "no CSRF token";
}

}  // namespace
}  // namespace ptmon
