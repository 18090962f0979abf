// No account reaches past its role (issue #29): every way a report enters the real `ptmon serve`
// — the console's form and upload, the write API with a scoped token, the inbox — for rows of
// the year served, of last year (whose catalogue the data directory keeps) and of next year, for
// the manager's own project and for another's. One decision, the Ingestor's, on every row as
// resolved against its own year's catalogue; the batch records who sent it.
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;
using namespace testing_support;
using Json = nlohmann::json;

const std::string kToken = "finance-system-token-0123456789";

enum class Path { kForm, kUpload, kApi, kInbox };
enum class Year { kServed, kLast, kNext };
enum class Whose { kOwn, kAnothers };

const char* PathName(Path path) {
  switch (path) {
    case Path::kForm:
      return "form";
    case Path::kUpload:
      return "upload";
    case Path::kApi:
      return "api";
    case Path::kInbox:
      return "inbox";
  }
  return "?";
}

struct Expected {
  int status = 0;  // the HTTP answer; 0 for the inbox
  bool applied = false;
  bool forbidden = false;  // refused as another's, and audited
};

// The decision table. The inbox is the operator's trust: it reaches every project. A year
// without a catalogue (next year) resolves no project, so it is refused as an unknown year
// whoever's project it names. The form offers only the served year.
Expected Expect(Path path, Year year, Whose whose) {
  const int refused = path == Path::kUpload ? 422 : 400;
  if (path == Path::kInbox) return {0, year != Year::kNext, false};
  if (whose == Whose::kAnothers && (path == Path::kForm || year != Year::kNext))
    return {403, false, true};
  if (year == Year::kNext || (path == Path::kForm && year == Year::kLast))
    return {refused, false, false};
  return {200, true, false};
}

class AuthzTest : public testing::Test {
 protected:
  void SetUp() override {
    // 2026 as the data directory monitored it, then a 2027 catalogue served in January 2027.
    const std::string november = dir_.Write(
        "november.csv",
        "project,indicator,period,value\nbuilding-maintenance,devices-maintained,2026-11,28\n");
    ASSERT_EQ(RunPtmon({"ingest", november, "--data-dir", Data(), "--now", "2026-12-20"}).exit_code,
              0);
    std::string catalog = ReadFile(std::string(PTMON_SOURCE_DIR) + "/config/default-catalog.yaml");
    catalog.replace(catalog.find("\nyear: 2026\n"), 12, "\nyear: 2027\n");
    catalog_2027_ = dir_.Write("catalog-2027.yaml", catalog);
    const ProcessResult added =
        RunPtmon({"user", "add", "mgr", "--role", "manager", "--project", "building-maintenance",
                  "--password-file", dir_.Write("password", "correct horse 2027\n"), "--data-dir",
                  Data(), "--catalog", catalog_2027_});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    const std::string config = dir_.Write(
        "ptmon.yaml", "api:\n  tokens:\n    - name: finance-system\n      token: " + kToken +
                          "\n      projects: [building-maintenance]\n");
    port_ = FreePort();
    ptmon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{PTMON_BINARY, "serve", "--config", config, "--catalog",
                                 catalog_2027_, "--listen", "127.0.0.1:" + std::to_string(port_),
                                 "--data-dir", Data(), "--now", "2027-01-05"},
        dir_ / "ptmon.log");
    ASSERT_TRUE(WaitFor([&] { return HttpGet(Url("/readyz")).status == 200; })) << ptmon_->Log();
    session_ = ConsoleLogin(Url(""), "mgr", "correct+horse+2027");
    ASSERT_NE(session_, "") << ptmon_->Log();
    csrf_ = CsrfOf(HttpGet(Url("/report?project=building-maintenance"), {Cookie()}).body);
    ASSERT_NE(csrf_, "");
  }

  std::string Data() const { return dir_ / "data"; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string Cookie() const { return "Cookie: ptmon_session=" + session_; }
  static std::string CsrfOf(const std::string& page) {
    const std::string marker = "name=\"csrf\" value=\"";
    const size_t at = page.find(marker);
    if (at == std::string::npos) return "";
    const size_t start = at + marker.size();
    return page.substr(start, page.find('"', start) - start);
  }

  long long Count(const std::string& sql) const {
    sqlite3* db = nullptr;
    long long count = -1;
    if (sqlite3_open_v2((dir_ / "data/ptmon.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
        SQLITE_OK) {
      sqlite3_stmt* statement = nullptr;
      sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
      if (sqlite3_step(statement) == SQLITE_ROW) count = sqlite3_column_int64(statement, 0);
      sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return count;
  }
  long long Batches() const { return Count("SELECT count(*) FROM batch"); }
  long long Applied() const { return Count("SELECT count(*) FROM batch WHERE status = 'applied'"); }

  HttpResult Upload(const std::string& name, const std::string& csv) const {
    const std::string boundary = "ptmon-test-boundary";
    const std::string body =
        "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf_ +
        "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
        name + "\"\r\nContent-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
    return HttpPost(Url("/upload?csrf=" + csrf_), body,
                    {Cookie(), "Content-Type: multipart/form-data; boundary=" + boundary});
  }

  // Sends one report by `path`; returns the HTTP status (0 for the inbox, once it was taken).
  int Send(Path path, const std::string& project, const std::string& period, int value) {
    const std::string indicator =
        project == "building-maintenance" ? "devices-maintained" : "spent";
    const std::string csv = "project,indicator,period,value\n" + project + "," + indicator + "," +
                            period + "," + std::to_string(value) +
                            (indicator == "spent" ? "万元" : "") + "\n";
    const std::string name = "r" + std::to_string(value) + ".csv";
    switch (path) {
      case Path::kForm:
        return static_cast<int>(
            HttpPost(Url("/report"),
                     "csrf=" + csrf_ + "&project=" + project + "&period=" + period +
                         "&c0_0=" + std::to_string(value),
                     {Cookie(), "Content-Type: application/x-www-form-urlencoded"})
                .status);
      case Path::kUpload:
        return static_cast<int>(Upload(name, csv).status);
      case Path::kApi:
        return static_cast<int>(
            HttpPost(Url("/api/v1/actuals?name=" + name), csv, {"Authorization: Bearer " + kToken})
                .status);
      case Path::kInbox: {
        const long long before = Batches();
        const std::string temporary = dir_.Write("data/inbox/." + name + ".tmp", csv);
        fs::rename(temporary, dir_ / ("data/inbox/" + name));
        EXPECT_TRUE(WaitFor([&] {
          return FilesWaitingIn(dir_ / "data/inbox") == 0 && Batches() == before + 1;
        })) << ptmon_->Log();
        return 0;
      }
    }
    return -1;
  }

  TempDir dir_;
  std::string catalog_2027_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> ptmon_;
  std::string session_;
  std::string csrf_;
};

TEST_F(AuthzTest, EveryPathEveryYearOwnProjectOrAnothers) {
  const std::pair<Year, std::string> years[] = {
      {Year::kServed, "2027-01"}, {Year::kLast, "2026-12"}, {Year::kNext, "2028-01"}};
  const std::pair<Whose, std::string> projects[] = {{Whose::kOwn, "building-maintenance"},
                                                    {Whose::kAnothers, "retiree-heating"}};
  int value = 1;
  for (Path path : {Path::kForm, Path::kUpload, Path::kApi, Path::kInbox}) {
    for (const auto& [year, period] : years) {
      for (const auto& [whose, project] : projects) {
        const Expected expected = Expect(path, year, whose);
        const std::string what = std::string(PathName(path)) + " " + project + " " + period;
        const long long applied = Applied();
        const long long refusals = Count("SELECT count(*) FROM audit_log WHERE action = 'refused'");
        const long long forbidden_batches = Count(
            "SELECT count(*) FROM batch WHERE status = 'rejected' AND error_text LIKE "
            "'%文件中有未分配给您的项目：retiree-heating%'");
        EXPECT_EQ(Send(path, project, period, ++value), expected.status) << what;
        EXPECT_EQ(Applied(), applied + (expected.applied ? 1 : 0)) << what;
        if (!expected.forbidden) continue;
        // Refused whole, and on record: the console's audit log; the Ingestor's refused batch.
        if (path != Path::kApi) {
          EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'refused'"), refusals + 1)
              << what;
        }
        if (path != Path::kForm) {
          EXPECT_EQ(Count("SELECT count(*) FROM batch WHERE status = 'rejected' AND error_text "
                          "LIKE '%文件中有未分配给您的项目：retiree-heating%'"),
                    forbidden_batches + 1)
              << what;
        }
      }
    }
  }
  // Who sent each applied batch, as authenticated.
  EXPECT_EQ(Count("SELECT count(*) FROM batch WHERE status = 'applied' AND submitted_by = 'mgr'"),
            3);  // the form this year, the upload this year and last
  EXPECT_EQ(Count("SELECT count(*) FROM batch WHERE status = 'applied' AND "
                  "submitted_by = 'api:finance-system'"),
            2);
  EXPECT_EQ(Count("SELECT count(*) FROM batch WHERE status = 'applied' AND submitted_by = 'inbox'"),
            4);
}

// docs/reports.md promises the logged-in user is the submitter; the file's 填报人 column is kept as
// what the file says, and both are shown.
TEST_F(AuthzTest, TheSubmitterIsTheLoggedInUserAndTheFilesReporterIsKept) {
  const HttpResult uploaded =
      Upload("reporter.csv",
             "项目,指标,期间,完成值,填报人\nbuilding-maintenance,devices-maintained,2027-01,3,"
             "财务处处长\n");
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  const ProcessResult history =
      RunPtmon({"history", "--data-dir", Data(), "--catalog", catalog_2027_, "--now", "2027-01-05",
                "--project", "building-maintenance", "--indicator", "devices-maintained",
                "--format", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const Json revisions = Json::parse(history.out);
  ASSERT_FALSE(revisions.empty());
  EXPECT_EQ(revisions.back()["period"], "2027-01");
  EXPECT_EQ(revisions.back()["submitted_by"], "mgr");
  EXPECT_EQ(revisions.back()["reporter"], "财务处处长");
  const ProcessResult table =
      RunPtmon({"history", "--data-dir", Data(), "--catalog", catalog_2027_, "--now", "2027-01-05",
                "--project", "building-maintenance", "--indicator", "devices-maintained"});
  EXPECT_NE(table.out.find("submitted by mgr  reporter 财务处处长"), std::string::npos)
      << table.out;
  const HttpResult page =
      HttpGet(Url("/projects/building-maintenance/history/devices-maintained"), {Cookie()});
  EXPECT_NE(page.body.find("<td>mgr</td><td>财务处处长</td>"), std::string::npos) << page.body;
}

}  // namespace
}  // namespace ptmon
