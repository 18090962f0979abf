// One test per claim of the threat model in docs/security.md, in-process where the claim
// is about a module, against the real binary where it is about the daemon.
#include <filesystem>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <ptmon/api/write_api.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/config/daemon_config.h>
#include <ptmon/exposition/metrics.h>
#include <ptmon/http/http_forms.h>
#include <ptmon/ingest/ingestor.h>

#include "support/daemon.h"
#include "support/process.h"

namespace ptmon {
namespace {

// Files dropped in the inbox: the operator's trust, every project.
const Submitter kInbox = Submitter::Everything("inbox");

namespace fs = std::filesystem;
using namespace testing_support;

const std::string kToken = "a-token-of-sufficient-length";

// The configuration's one all-access token (api: {token: kToken}).
std::vector<ApiToken> Tokens() {
  ApiToken token;
  token.name = "api";
  token.secret = kToken;
  return {token};
}

TEST(SecurityTest, ListensOnLoopbackByDefault) {
  EXPECT_EQ(DaemonConfig().listen, "127.0.0.1:10150");
  TempDir dir;
  const auto check = RunPtmon({"check-config", "--config", dir.Write("empty.yaml", "")});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("listen 127.0.0.1:10150"), std::string::npos) << check.out;
}

TEST(SecurityTest, TheWriteApiNeedsAConfiguredTokenOfSixteenCharacters) {
  HttpRequest request;
  request.headers["authorization"] = "Bearer " + kToken;
  bool ingested = false;
  const IngestBody ingest = [&](const std::string&, std::string_view, const Submitter&) {
    ingested = true;
    return IngestOutcome{};
  };
  EXPECT_EQ(HandleWriteRequest(request, {}, {}, ingest).status, 403);
  request.headers["authorization"] = "Bearer " + kToken.substr(0, kToken.size() - 1);
  EXPECT_EQ(HandleWriteRequest(request, Tokens(), {}, ingest).status, 401);
  request.headers["authorization"] = "Basic " + kToken;
  EXPECT_EQ(HandleWriteRequest(request, Tokens(), {}, ingest).status, 401);
  request.headers.erase("authorization");
  EXPECT_EQ(HandleWriteRequest(request, Tokens(), {}, ingest).status, 401);
  EXPECT_FALSE(ingested);
  TempDir dir;
  Diagnostics diagnostics;
  EXPECT_FALSE(
      LoadDaemonConfig(dir.Write("short.yaml", "api:\n  token: short\n"), diagnostics).ok());
  EXPECT_NE(diagnostics.ToString().find("the API token must be at least 16 characters"),
            std::string::npos);
  // Sixteen spaces, or a token with a tab inside, are no secret a header can carry.
  for (const std::string token : {"\"                \"", "\"abcdefgh\\tabcdefgh\""}) {
    Diagnostics blank;
    EXPECT_FALSE(
        LoadDaemonConfig(dir.Write("blank.yaml", "api:\n  token: " + token + "\n"), blank).ok())
        << token;
    EXPECT_NE(blank.ToString().find("blank.yaml:2:"), std::string::npos) << blank.ToString();
  }
}

// A token names who holds it and what it may write; the projects and unit it names are checked
// against the catalogue at their place in the configuration (also by check-config), and a token
// is matched among all in constant time, its scope becoming the submitter's.
TEST(SecurityTest, ApiTokensAreNamedAndScopedAndTheirProjectsChecked) {
  TempDir dir;
  const std::string config_text =
      "api:\n"
      "  tokens:\n"
      "    - name: finance-system\n"
      "      token: " +
      kToken +
      "\n"
      "      projects: [building-maintenance, no-such-project]\n"
      "      unit: no-such-unit\n"
      "    - name: ops\n"
      "      token_file: " +
      dir.Write("ops-token", "ops-token-0123456789abcdef\n") + "\n";
  const std::string path = dir.Write("ptmon.yaml", config_text);
  Diagnostics diagnostics;
  auto config = LoadDaemonConfig(path, diagnostics);
  ASSERT_TRUE(config.ok()) << diagnostics.ToString();
  ASSERT_EQ(config->api_tokens.size(), 2u);
  const Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  EXPECT_FALSE(CheckApiScopes(*config, {&catalog}, diagnostics));
  const std::string errors = diagnostics.ToString();
  EXPECT_NE(errors.find(path + ":5:40: token 'finance-system': no project 'no-such-project' in the "
                               "catalogue (2026)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find(path + ":6:13: token 'finance-system': no budget unit 'no-such-unit'"),
            std::string::npos)
      << errors;
  const auto check = RunPtmon({"check-config", "--config", path});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.err.find(":5:40: token 'finance-system': no project 'no-such-project'"),
            std::string::npos)
      << check.err;
  // The daemon does not start with it either (a reload keeps the configuration it serves).
  ChildProcess serve({PTMON_BINARY, "serve", "--config", path, "--listen",
                      "127.0.0.1:" + std::to_string(FreePort()), "--data-dir", dir / "data"},
                     dir / "serve.log");
  EXPECT_NE(serve.Wait(), 0);
  EXPECT_NE(serve.Log().find(":5:40: token 'finance-system': no project 'no-such-project'"),
            std::string::npos)
      << serve.Log();

  HttpRequest request;
  request.headers["authorization"] = "Bearer ops-token-0123456789abcdef";
  const ApiToken* ops = MatchToken(request, config->api_tokens);
  ASSERT_NE(ops, nullptr);
  EXPECT_EQ(TokenSubmitter(*ops).name, "api:ops");
  EXPECT_TRUE(TokenSubmitter(*ops).all_projects);
  request.headers["authorization"] = "Bearer " + kToken;
  const Submitter finance = TokenSubmitter(*MatchToken(request, config->api_tokens));
  EXPECT_EQ(finance.name, "api:finance-system");
  EXPECT_FALSE(finance.all_projects);
  EXPECT_FALSE(finance.May(*catalog.FindProject("building-maintenance"))) << "outside its unit";

  // Two tokens with one secret, or the single form beside the list, are refused at their place.
  Diagnostics twice;
  EXPECT_FALSE(
      LoadDaemonConfig(dir.Write("twice.yaml", "api:\n  token: " + kToken +
                                                   "\n  tokens:\n    - {name: a, token: " + kToken +
                                                   "}\n    - {name: b, token: " + kToken + "}\n"),
                       twice)
          .ok());
  EXPECT_NE(twice.ToString().find("twice.yaml:4:5: 'tokens' lists every token"), std::string::npos)
      << twice.ToString();
  EXPECT_NE(twice.ToString().find("tokens 'a' and 'b' have the same secret"), std::string::npos)
      << twice.ToString();
}

// The caps on bodies in flight are settings, 2 per account and 4 per address unless set; a
// cap that would refuse every body is a located error.
TEST(SecurityTest, BodiesInFlightAreCappedBySettings) {
  EXPECT_EQ(DaemonConfig().max_bodies_per_account, 2u);
  EXPECT_EQ(DaemonConfig().max_bodies_per_address, 4u);
  TempDir dir;
  Diagnostics diagnostics;
  auto config = LoadDaemonConfig(
      dir.Write("caps.yaml", "http:\n  max_bodies_per_account: 3\n  max_bodies_per_address: 9\n"),
      diagnostics);
  ASSERT_TRUE(config.ok()) << diagnostics.ToString();
  EXPECT_EQ(config->max_bodies_per_account, 3u);
  EXPECT_EQ(config->max_bodies_per_address, 9u);
  Diagnostics zero;
  EXPECT_FALSE(
      LoadDaemonConfig(dir.Write("zero.yaml", "http:\n  max_bodies_per_account: 0\n"), zero).ok());
  EXPECT_NE(zero.ToString().find("zero.yaml:2:"), std::string::npos) << zero.ToString();
}

TEST(SecurityTest, TokensAreComparedByTheirHashes) {
  EXPECT_TRUE(SameSecret(kToken, kToken));
  EXPECT_FALSE(SameSecret(kToken + "x", kToken));
  EXPECT_FALSE(SameSecret("", kToken));
  EXPECT_FALSE(SameSecret(std::string(10000, 'a'), kToken));
}

TEST(SecurityTest, TheWriteApiNeverTakesAPathFromTheRequest) {
  for (const char* name : {"../../etc/passwd.csv", "/tmp/x.csv", "a\nb.csv", "x.yaml.csv.tmp",
                           ".hidden.csv", "~$lock.csv", "x.exe"}) {
    HttpRequest request;
    request.headers["authorization"] = "Bearer " + kToken;
    request.query = std::string("name=") + name;
    std::string used;
    HandleWriteRequest(request, Tokens(), std::chrono::system_clock::from_time_t(0),
                       [&](const std::string& given, std::string_view, const Submitter&) {
                         used = given;
                         return IngestOutcome{};
                       });
    EXPECT_EQ(used, "api-1970-01-01T00:00:00Z.csv") << name;
  }
}

TEST(SecurityTest, HostileFileNamesCannotForgeLinesInMessagesOrSidecars) {
  TempDir dir;
  const InboxLayout layout = InboxLayout::ForDataDir(dir.path());
  ASSERT_TRUE(layout.Create(PosixFileSystem()).ok());
  auto store = Store::Open(dir / "ptmon.db").value();
  Diagnostics diagnostics;
  const Catalog catalog = LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  FixedClock clock(Date{2026, 8, 5});
  Ingestor ingestor(*store, catalog, clock, PosixFileSystem(), layout);
  const std::string name = "evil\nline2: forged\x1b[31m.csv";
  const std::string path =
      dir.Write("inbox/" + name, "project,indicator,period,value\nnope,x,2026-07,1\n");
  const IngestOutcome outcome = ingestor.IngestFile(path, kInbox);
  ASSERT_EQ(outcome.result, IngestResult::kRejected);
  for (const auto& error : outcome.errors) {
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_EQ(error.find('\x1b'), std::string::npos) << error;
  }
  EXPECT_EQ(outcome.Summary().find('\n'), std::string::npos);
  const std::string sidecar = ReadFile(layout.rejected + "/" + name + ".errors.txt");
  EXPECT_EQ(sidecar.find("\nline2: forged"), std::string::npos) << sidecar;
  EXPECT_NE(sidecar.find("evil\\x0Aline2: forged\\x1B[31m.csv:2:1:"), std::string::npos) << sidecar;
}

TEST(SecurityTest, ValuesReachSqlOnlyAsBoundParameters) {
  TempDir dir;
  const std::string payload = "x'); DROP TABLE actual; --";
  const std::string report = dir.Write("r.csv",
                                       "project,indicator,period,value,reason,reporter\nbuilding-"
                                       "maintenance,devices-maintained,2026-07,12,\"" +
                                           payload + "\",\"" + payload + "\"\n");
  ASSERT_EQ(
      RunPtmon({"ingest", "--data-dir", dir / "data", "--now", "2026-08-05", report}).exit_code, 0);
  const auto history =
      RunPtmon({"history", "--data-dir", dir / "data", "--project", "building-maintenance",
                "--indicator", "devices-maintained", "--format", "json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const auto json = nlohmann::json::parse(history.out);
  EXPECT_EQ(json[0]["reporter"], payload);
  EXPECT_EQ(json[0]["reason"], payload);
}

TEST(SecurityTest, LabelValuesAreEscapedInTheExposition) {
  Diagnostics diagnostics;
  auto catalog = LoadCatalog({{"c.yaml", R"(unit: {id: u, name: "单位 \"引号\" \\ 反斜杠"}
year: 2026
projects:
  - id: p
    name: "名称 \"quoted\" \\ back\nslash"
    department: d
    funds:
      period: {total: 1, provincial: 1}
      annual: {total: 1, provincial: 1}
    indicators:
      - {id: i, level1: 产出指标, level2: 数量指标, name: "a\"b\\c", target: "≥1次"}
)"}},
                             diagnostics);
  ASSERT_TRUE(catalog.ok()) << diagnostics.ToString();
  ActualsIndex actuals(*catalog);
  const Evaluation evaluation = Evaluator(*catalog).EvaluateAll(actuals, {2026, 1}, {2026, 1, 5});
  const std::string text = RenderEvaluationMetrics(*catalog, evaluation, 0, 0);
  EXPECT_NE(text.find("project_name=\"名称 \\\"quoted\\\" \\\\ back\\nslash\""), std::string::npos)
      << text;
  const auto promtool = RunProcess({"promtool", "check", "metrics"}, text);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
}

TEST(SecurityTest, TheShippedUnitRunsUnprivileged) {
  const std::string unit =
      ReadFile(std::string(PTMON_SOURCE_DIR) + "/deploy/systemd/ptmon.service");
  for (const char* line :
       {"\nUser=ptmon\n", "\nCapabilityBoundingSet=\n", "\nNoNewPrivileges=yes\n",
        "\nProtectSystem=strict\n", "\nRestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n"}) {
    EXPECT_NE(unit.find(line), std::string::npos) << line;
  }
}

// Request limits: headers over 16 KiB are refused, and clients that connect and say nothing
// never starve the others (they hold a socket, not a thread).
TEST(SecurityTest, OversizedHeadersAndSilentClientsAreBounded) {
  TempDir dir;
  const int port = FreePort();
  const std::string config =
      dir.Write("ptmon.yaml", "http:\n  threads: 2\n  request_timeout: 1s\n");
  ChildProcess ptmon({PTMON_BINARY, "serve", "--config", config, "--listen",
                      "127.0.0.1:" + std::to_string(port), "--data-dir", dir / "data"},
                     dir / "ptmon.log");
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(WaitFor([&] { return HttpGet(url + "/readyz").status == 200; })) << ptmon.Log();
  EXPECT_EQ(HttpGet(url + "/healthz", {"X-Big: " + std::string(20000, 'a')}).status, 431);
  std::vector<int> silent;
  for (int i = 0; i < 32; ++i) {  // far more than the threads
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    silent.push_back(fd);
  }
  EXPECT_TRUE(
      WaitFor([&] { return HttpGet(url + "/healthz").status == 200; }, std::chrono::seconds(8)))
      << "silent connections must not starve the server";
  for (int fd : silent) close(fd);
}

}  // namespace
}  // namespace ptmon

namespace ptmon {
namespace {

TEST(SecurityTest, CheckConfigNeverPrintsTheToken) {
  TempDir dir;
  const std::string token_file = dir.Write("token", kToken + "\n");
  const auto check =
      RunPtmon({"check-config", "--config",
                dir.Write("ptmon.yaml", "api:\n  token_file: " + token_file + "\n")});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("write API enabled"), std::string::npos);
  EXPECT_EQ((check.out + check.err).find(kToken), std::string::npos);
}

}  // namespace
}  // namespace ptmon
