// The console's parts without a socket: form, multipart and cookie parsing, the session store
// and the login throttle on an injected clock, Argon2id passwords, accounts in the store, and
// the pages' escaping and figures.
#include <filesystem>

#include <gtest/gtest.h>

#include <ptmon/base/clock.h>
#include <ptmon/base/text.h>
#include <ptmon/console/console_routes.h>
#include <ptmon/console/console_service.h>
#include <ptmon/console/pages.h>
#include <ptmon/console/password.h>
#include <ptmon/console/sessions.h>
#include <ptmon/http/http_forms.h>
#include <ptmon/indicators/target.h>
#include <ptmon/storage/accounts.h>

#include "support/process.h"

namespace ptmon {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

TEST(ConsoleFormsTest, UrlEncodedFieldsDecodePlusAndPercent) {
  const FormFields form = ParseUrlEncoded("c0_0=6.2%E4%B8%87&csrf=ab&&c1_2=a+b%26c&flag&c0_0=x");
  EXPECT_EQ(form.Get("c0_0"), "6.2万");  // the first of a repeated name
  EXPECT_EQ(form.Get("c1_2"), "a b&c");
  EXPECT_TRUE(form.Has("flag"));
  EXPECT_EQ(form.Get("flag"), "");
  EXPECT_EQ(form.Get("missing"), "");
  EXPECT_EQ(form.fields.size(), 5u);
}

TEST(ConsoleFormsTest, MultipartPartsKeepBinaryDataAndFileNames) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"七月 "
      "\\\"报表\\\".csv\"\r\n"
      "Content-Type: text/csv\r\n\r\n项目,指标\r\n\x00\xff\r\n--XyZ--\r\n"s;
  auto parts = ParseMultipart(std::string_view(body.data(), body.size()),
                              "multipart/form-data; boundary=XyZ");
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "csrf");
  auto data = [&](const FormPart& part) { return body.substr(part.offset, part.size); };
  EXPECT_EQ(data((*parts)[0]), "token");
  EXPECT_EQ((*parts)[1].file_name, "七月 \"报表\".csv");
  EXPECT_EQ((*parts)[1].content_type, "text/csv");
  EXPECT_EQ(data((*parts)[1]), std::string("项目,指标\r\n\x00\xff", 17));
}

TEST(ConsoleFormsTest, MalformedMultipartIsRefusedNamingWhy) {
  const std::string type = "multipart/form-data; boundary=b";
  EXPECT_NE(ParseMultipart("x", "text/plain").status().message().find("multipart"),
            std::string::npos);
  EXPECT_NE(ParseMultipart("x", "multipart/form-data").status().message().find("boundary"),
            std::string::npos);
  EXPECT_NE(ParseMultipart("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", type)
                .status()
                .message()
                .find("closing boundary"),
            std::string::npos);
  EXPECT_NE(ParseMultipart("--b\r\nContent-Type: x\r\n\r\nv\r\n--b--", type)
                .status()
                .message()
                .find("no name"),
            std::string::npos);
  std::string many;
  for (int i = 0; i < 3; ++i)
    many += "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n";
  EXPECT_FALSE(ParseMultipart(many + "--b--", type, 2).ok());
}

TEST(ConsoleFormsTest, CookiesTakeTheFirstOfAName) {
  const auto cookies = ParseCookies("ptmon_session=abc; other=\"q\"; ptmon_session=later;bad; =x");
  EXPECT_EQ(cookies.at("ptmon_session"), "abc");
  EXPECT_EQ(cookies.at("other"), "q");
  EXPECT_EQ(cookies.count("bad"), 0u);
}

TEST(ConsoleSessionsTest, SessionsExpireWhenIdleAndAfterTheirLifetime) {
  FixedClock clock(Date{2026, 7, 10});
  SessionStore sessions(clock, SessionLimits{30min, 12h, 100});
  auto session = sessions.Create("zhangsan");
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->id.size(), 64u);
  EXPECT_EQ(session->csrf.size(), 64u);
  EXPECT_NE(session->id, session->csrf);
  clock.Advance(29min);
  ASSERT_TRUE(sessions.Find(session->id).has_value()) << "seen: the idle time starts again";
  clock.Advance(29min);
  EXPECT_TRUE(sessions.Find(session->id).has_value());
  clock.Advance(30min);
  EXPECT_FALSE(sessions.Find(session->id).has_value()) << "idle for 30 minutes";
  EXPECT_EQ(sessions.size(), 0u);

  auto busy = sessions.Create("lisi");
  ASSERT_TRUE(busy.ok());
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    clock.Advance(20min);
    ASSERT_TRUE(sessions.Find(busy->id).has_value()) << i;
  }
  clock.Advance(20min);
  EXPECT_FALSE(sessions.Find(busy->id).has_value()) << "12 hours, however busy";
  EXPECT_FALSE(sessions.Find("not-a-session").has_value());
}

TEST(ConsoleSessionsTest, EndedSessionsAndTheLeastRecentBeyondTheLimitAreGone) {
  FixedClock clock(Date{2026, 7, 10});
  SessionStore sessions(clock, SessionLimits{30min, 12h, 2});
  auto first = sessions.Create("a");
  clock.Advance(1s);
  auto second = sessions.Create("b");
  clock.Advance(1s);
  ASSERT_TRUE(sessions.Find(first->id));  // now the most recently seen
  auto third = sessions.Create("c");
  EXPECT_TRUE(sessions.Find(first->id));
  EXPECT_FALSE(sessions.Find(second->id)) << "the least recently seen made room";
  sessions.End(third->id);
  EXPECT_FALSE(sessions.Find(third->id));
}

TEST(ConsoleSessionsTest, TheThrottleWaitsAfterFiveFailuresAndDoubles) {
  FixedClock clock(Date{2026, 7, 10});
  LoginThrottle throttle(clock, 5);
  for (int i = 0; i < 4; ++i) throttle.Failed("user:admin");
  EXPECT_EQ(throttle.Wait("user:admin"), 0s);
  throttle.Failed("user:admin");
  EXPECT_EQ(throttle.Wait("user:admin"), 30s);
  EXPECT_EQ(throttle.Wait("user:other"), 0s);
  clock.Advance(30s);
  EXPECT_EQ(throttle.Wait("user:admin"), 0s);
  throttle.Failed("user:admin");
  EXPECT_EQ(throttle.Wait("user:admin"), 60s);
  for (int i = 0; i < 20; ++i) throttle.Failed("user:admin");
  EXPECT_EQ(throttle.Wait("user:admin"), 15min) << "capped";
  throttle.Succeeded("user:admin");
  EXPECT_EQ(throttle.Wait("user:admin"), 0s);
}

TEST(ConsolePasswordTest, Argon2idHashesVerifyOnlyTheirPassword) {
  auto hash = HashPassword("correct horse 2026");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *hash;
  EXPECT_TRUE(VerifyPassword("correct horse 2026", *hash));
  EXPECT_FALSE(VerifyPassword("correct horse 2027", *hash));
  EXPECT_NE(*HashPassword("correct horse 2026"), *hash) << "a new salt each time";
  EXPECT_FALSE(VerifyPassword("x", "plain text"));
  EXPECT_FALSE(CheckNewPassword("short").ok());
  EXPECT_TRUE(CheckNewPassword("long enough").ok());
}

TEST(ConsoleAccountsTest, UsersRolesProjectsAndTheAuditLogLiveInTheStore) {
  const auto dir = std::filesystem::temp_directory_path() / "ptmon-console-accounts";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = Store::Open((dir / "ptmon.db").string());
  ASSERT_TRUE(store.ok());
  ConsoleUser user{"zhangsan",
                   Role::kManager,
                   {"building-maintenance", "archive-rent"},
                   "$argon2id$x",
                   false,
                   "2026-07-01T00:00:00Z",
                   "2026-07-01T00:00:00Z",
                   {}};
  const AuditEntry added{"2026-07-01T00:00:00Z", "zhangsan", "cli", "user_add", "added"};
  ASSERT_TRUE((*store)->accounts().AddUser(user, added).ok());
  EXPECT_NE((*store)->accounts().AddUser(user, added).message().find("exists already"),
            std::string::npos);
  ASSERT_TRUE((*store)
                  ->accounts()
                  .SetUserDisabled("zhangsan", true,
                                   {"2026-07-02T00:00:00Z", "zhangsan", "cli", "user_disable", ""})
                  .ok());
  EXPECT_NE((*store)
                ->accounts()
                .SetUserPassword("nobody", "h", {"t", "nobody", "cli", "user_passwd", ""})
                .message()
                .find("no user"),
            std::string::npos);
  auto found = (*store)->accounts().FindUser("zhangsan");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_TRUE((*found)->disabled);
  EXPECT_EQ((*found)->role, Role::kManager);
  EXPECT_EQ((*found)->projects, (std::vector<std::string>{"archive-rent", "building-maintenance"}));
  EXPECT_EQ((*found)->changed_at, "2026-07-02T00:00:00Z");
  ASSERT_TRUE((*store)
                  ->accounts()
                  .RecordAudit({"2026-07-02T00:00:01Z", "zhangsan", "127.0.0.1:5", "login", ""})
                  .ok());
  ASSERT_TRUE((*store)
                  ->accounts()
                  .RecordAudit({"2026-07-02T00:00:02Z", "zhangsan", "127.0.0.1:5", "logout", ""})
                  .ok());
  auto audit = (*store)->accounts().RecentAudit(10);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 4u) << "each change with its row; the refused ones without";
  EXPECT_EQ((*audit)[0].action, "logout") << "newest first";
  EXPECT_EQ((*audit)[2].action, "user_disable");
  EXPECT_EQ((*audit)[3].action, "user_add");
  EXPECT_FALSE(IsUserName("two words"));
  EXPECT_TRUE(IsUserName("张三"));
  std::filesystem::remove_all(dir);
}

TEST(ConsolePagesTest, EverythingFromPeopleIsEscaped) {
  EXPECT_EQ(EscapeHtml("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;");
  OutcomeView outcome{false, "<b>", {"<img src=x onerror=alert(1)>"}, "/"};
  const std::string page = OutcomePage(PageFrame{}, outcome);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x"), std::string::npos);
  EXPECT_NE(page.find("lang=\"zh-CN\""), std::string::npos);
}

TEST(ConsolePagesTest, ChartsDrawTheReportedMonthsOnly) {
  ChartSeries series;
  series.actual[0] = 3;
  series.actual[6] = 12;
  for (int m = 0; m < 12; ++m) series.expected[static_cast<size_t>(m)] = 30.0 * (m + 1) / 12;
  series.target = 30;
  series.unit = {"台", 1, 30.0};
  series.last_month = 7;
  const std::string svg = LineChartSvg(series, "设备维护数量");
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n'), 0);
  size_t circles = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1))
    ++circles;
  EXPECT_EQ(circles, 2u);
  EXPECT_NE(svg.find("7月 12台"), std::string::npos);
  EXPECT_NE(svg.find("目标 30台"), std::string::npos);
  // The expected path stops at the month evaluated.
  const size_t expected = svg.find("class=\"expected\"");
  ASSERT_NE(expected, std::string::npos);
  const std::string points = svg.substr(expected, svg.find("/>", expected) - expected);
  EXPECT_EQ(std::count(points.begin(), points.end(), ','), 7);
}

// Issue #30: gridlines at round steps in the target's unit, a little above the highest point.
TEST(ConsolePagesTest, ChartTicksAreRoundStepsInThePublishedUnit) {
  auto labels = [](double highest, std::string_view target_text) {
    const Target target = ParseTarget(target_text).value();
    ChartSeries series;
    series.target = highest;
    series.unit = PublishedUnitOf(target);
    std::vector<std::string> texts;
    const std::string svg = LineChartSvg(series, "t");
    for (size_t at = svg.find("text-anchor=\"end\">"); at != std::string::npos;
         at = svg.find("text-anchor=\"end\">", at + 1)) {
      const size_t from = at + 18;
      texts.push_back(svg.substr(from, svg.find('<', from) - from));
    }
    return texts;
  };
  using Labels = std::vector<std::string>;
  // Not 6.2万元/12万元/19万元 and not up to twice the target.
  EXPECT_EQ(labels(200000, "≤20万元"),
            (Labels{"0万元", "5万元", "10万元", "15万元", "20万元", "25万元"}));
  EXPECT_EQ(labels(0.95, "≥95%"), (Labels{"0%", "20%", "40%", "60%", "80%", "100%"}));
  EXPECT_EQ(labels(1, "≥100%"), (Labels{"0%", "20%", "40%", "60%", "80%", "100%"}));
  EXPECT_EQ(labels(30, "≥30台"), (Labels{"0台", "10台", "20台", "30台", "40台"}));
  EXPECT_EQ(labels(3, "≥3台"), (Labels{"0台", "1台", "2台", "3台", "4台"}));
  EXPECT_EQ(labels(1.5e7, "≥1500万条"),
            (Labels{"0万条", "500万条", "1000万条", "1500万条", "2000万条"}));
}

TEST(ConsolePagesTest, ChartLabelsFitLeftOfTheAxisAndReverseTargetsShadeTheExcess) {
  ChartSeries budget;
  budget.target = 4.9e8;
  budget.unit = WanYuan();
  const std::string svg = LineChartSvg(budget, "预算执行数");
  // Each label ends 4 units left of the axis; its width at 11px must fit in what is left.
  const size_t first = svg.find("text-anchor=\"end\">60000万元<");
  ASSERT_NE(first, std::string::npos) << svg;
  const size_t x_at = svg.rfind("<text x=\"", first) + 9;
  EXPECT_GE(std::stod(svg.substr(x_at)), 11.0 * 2 + 6.2 * 5) << svg;
  EXPECT_EQ(svg.find("over-limit"), std::string::npos);

  ChartSeries hours;
  hours.target = 24;
  hours.actual[6] = 20;
  hours.unit = PublishedUnitOf(ParseTarget("≤24小时").value());
  hours.reverse = true;
  EXPECT_NE(LineChartSvg(hours, "修复时间").find("class=\"over-limit\""), std::string::npos);
}

// A catalogue of one project whose indicators have these targets, and its evaluation with a
// status per indicator for the test to fill in.
struct OneProject {
  Catalog catalog;
  Evaluation evaluation;
  explicit OneProject(std::initializer_list<std::pair<std::string, std::string>> targets) {
    catalog.year = 2026;
    catalog.units.push_back({"unit", "山西省社会保险局", ""});
    Project project;
    project.id = "p";
    project.unit_id = "unit";
    project.name = "维修维护费";
    for (const auto& [name, target] : targets) {
      Indicator indicator;
      indicator.id = name;
      indicator.name = name;
      indicator.annual_target = ParseTarget(target).value();
      project.indicators.push_back(indicator);
    }
    catalog.projects.push_back(project);
    evaluation.as_of = {2026, 7};
    evaluation.time_progress = 7.0 / 12;
    ProjectStatus status;
    status.project = &catalog.projects[0];
    for (const Indicator& indicator : catalog.projects[0].indicators) {
      IndicatorStatus item;
      item.indicator = &indicator;
      item.target = &indicator.annual_target;
      item.light = Light::kGreen;
      status.indicators.push_back(item);
    }
    status.light = Light::kGreen;
    status.budget.light = Light::kGreen;
    evaluation.projects.push_back(status);
  }
  IndicatorStatus& Status(size_t i) { return evaluation.projects[0].indicators[i]; }
  std::string Page() {
    return ProjectPage(
        PageFrame{}, catalog, evaluation, evaluation.projects[0],
        ProjectMonths{std::vector<MonthValues>(catalog.projects[0].indicators.size()), {}});
  }
  std::string Board() { return BoardPage(PageFrame{}, catalog, evaluation, BoardQuery{}, {}); }
};

TEST(ConsolePagesTest, FiguresAreNeverRoundedAcrossTheirThreshold) {
  OneProject one({{"设备维护数量", "≥30台"}});
  one.evaluation.as_of = {2026, 12};
  one.evaluation.time_progress = 1;
  IndicatorStatus& indicator = one.Status(0);
  indicator.period = Period{2026, 12};
  indicator.actual = 23.999;  // 79.997% of the 30 expected by December
  indicator.expected = 30;
  indicator.progress = 23.999 / 30;  // yellow: below 80%
  indicator.light = Light::kYellow;
  indicator.forecast = 29.9996;  // short of ≥30台, whatever rounding would say

  const std::string page = one.Page();
  EXPECT_NE(page.find(">79.9%<"), std::string::npos) << "not 80.0%, which is green";
  EXPECT_EQ(page.find("80.0%"), std::string::npos);
  EXPECT_NE(page.find(">29台<"), std::string::npos) << "the forecast stays short of 30台";
  EXPECT_NE(page.find(">24台<"), std::string::npos)
      << "whole devices, as the official tables print";
}

// Issue #30: figures in the unit their target was published in; a reverse indicator met reads
// as met, not as an 83.3% bar.
TEST(ConsolePagesTest, ProjectPagesPrintFiguresInThePublishedUnit) {
  OneProject one({{"数据条数", "≥1500万条"}, {"租用金额", "≤26.3万元"}, {"修复时间", "≤24小时"}});
  one.Status(0).actual = 12000000;
  one.Status(1).actual = 263000;
  IndicatorStatus& hours = one.Status(2);
  hours.actual = 20;
  hours.expected = 24;
  hours.progress = 20.0 / 24;
  const std::string page = one.Page();
  EXPECT_NE(page.find(">1200万条<"), std::string::npos) << page;
  EXPECT_NE(page.find(">26.30万元<"), std::string::npos);
  EXPECT_EQ(page.find("83.3%"), std::string::npos);
  EXPECT_NE(page.find("aria-label=\"100%\""), std::string::npos);
}

// Issue #30: the board says why: the budget's light has a column, and a red from the budget
// is named as such (not 红灯 0 and nothing else); an indicator's red comes with its reason.
TEST(ConsolePagesTest, TheBoardNamesTheMainReasonAndTheBudgetLight) {
  OneProject budget_red({{"设备维护数量", "≥30台"}});
  budget_red.evaluation.projects[0].light = Light::kRed;
  budget_red.evaluation.projects[0].budget.light = Light::kRed;
  std::string board = budget_red.Board();
  EXPECT_NE(board.find(">预算执行灯<"), std::string::npos);
  EXPECT_NE(board.find("预算执行滞后（红灯）"), std::string::npos) << board;

  OneProject indicator_red({{"设备维护数量", "≥30台"}});
  indicator_red.evaluation.projects[0].light = Light::kRed;
  indicator_red.Status(0).light = Light::kRed;
  indicator_red.Status(0).notes =
      std::make_shared<ValueNotes>(ValueNotes{"人员保障", "技术人员不足", "增派人员", ""});
  board = indicator_red.Board();
  EXPECT_NE(board.find("设备维护数量（红灯）：人员保障，技术人员不足"), std::string::npos) << board;
  EXPECT_EQ(board.find("预算执行滞后"), std::string::npos);

  // The manager's budget reason stands beside the budget's light when another light is the
  // project's (overdue reports here, the budget on its plan).
  OneProject on_plan({{"设备维护数量", "≥30台"}});
  on_plan.evaluation.projects[0].light = Light::kOverdue;
  on_plan.evaluation.projects[0].budget.light = Light::kGreen;
  on_plan.evaluation.projects[0].budget.budget_reason = "资金按采暖季拨付";
  board = on_plan.Board();
  EXPECT_NE(board.find("绿灯</span><div class=\"muted budget-reason\">资金按采暖季拨付</div>"),
            std::string::npos)
      << board;
}

// The console's routes run on what they are given, with no daemon behind them: the snapshot
// of the service (none yet: 503), the write of a report, the reload.
class FixedService final : public ConsoleService {
 public:
  std::shared_ptr<const ConsoleSnapshot> snapshot;
  std::vector<std::pair<std::string, std::string>> writes;  // file name, submitter
  int reloads = 0;

  std::shared_ptr<const ConsoleSnapshot> Current() const override { return snapshot; }
  void Write(std::string name, RequestBody, Submitter who, Done done) override {
    writes.emplace_back(name, who.name);
    IngestOutcome outcome;
    outcome.result = IngestResult::kApplied;
    outcome.file_name = name;
    outcome.values = 1;
    outcome.batch_id = 1;
    done(outcome);
  }
  void Reload() override { ++reloads; }
};

HttpRequest Request(std::string method, std::string path, std::string cookie = "",
                    std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  const size_t question = path.find('?');
  request.path = path.substr(0, question);
  if (question != std::string::npos) request.query = path.substr(question + 1);
  if (!cookie.empty()) request.headers["cookie"] = cookie;
  request.peer = "127.0.0.1:5000";
  request.body = RequestBody(std::move(body));
  return request;
}

// "name=value" of the response's Set-Cookie for `name`.
std::string CookieSet(const HttpResponse& response, std::string_view name) {
  for (const auto& [header, value] : response.headers) {
    if (header == "Set-Cookie" && value.starts_with(std::string(name) + "="))
      return value.substr(0, value.find(';'));
  }
  return "";
}

std::string Body(const HttpResponse& response) {
  std::string body;
  for (const auto& part : response.body_parts) body += *part;
  return body;
}

// What a posted form answers: Admit, then (when it lets the body in) Handle.
HttpResponse Post(ConsoleRoutes& routes, HttpRequest request) {
  if (auto answer = routes.Admit(request)) return *answer;
  std::optional<HttpResponse> answer;
  routes.Handle(std::move(request), [&](HttpResponse response) { answer = std::move(response); });
  EXPECT_TRUE(answer.has_value());
  return answer.value_or(HttpResponse::Error(500, "no answer"));
}

TEST(ConsoleRoutesTest, TheRoutesServeWhatTheServiceGivesAndWriteThroughIt) {
  const testing_support::TempDir dir;
  {
    auto store = Store::Open(dir / "ptmon.db");
    ASSERT_TRUE(store.ok());
    const auto hash = HashPassword("correct horse battery");
    ASSERT_TRUE(hash.ok());
    ASSERT_TRUE((*store)
                    ->accounts()
                    .AddUser({"admin",
                              Role::kAdmin,
                              {},
                              *hash,
                              false,
                              "2026-07-01T00:00:00Z",
                              "2026-07-01T00:00:00Z",
                              {}},
                             {"2026-07-01T00:00:00Z", "admin", "cli", "user_add", ""})
                    .ok());
  }
  FixedClock clock(Date{2026, 7, 10});
  FixedService service;
  ConsoleRoutes routes(service, clock, SessionLimits{}, false);
  HttpRequest board = Request("GET", "/");
  EXPECT_EQ(routes.Admit(board)->status, 503);

  auto one = std::make_shared<OneProject>(
      std::initializer_list<std::pair<std::string, std::string>>{{"设备维护数量", "≥30台"}});
  auto config = std::make_shared<DaemonConfig>();
  config->data_dir = dir.path();
  auto snapshot = std::make_shared<ConsoleSnapshot>();
  snapshot->config = config;
  snapshot->catalog = std::shared_ptr<const Catalog>(one, &one->catalog);
  snapshot->evaluation = std::shared_ptr<const Evaluation>(one, &one->evaluation);
  snapshot->alerts_list = std::make_shared<const GzipMembers>(
      GzipMembers{std::make_shared<const std::string>(Gzip("[]"))});
  service.snapshot = snapshot;
  EXPECT_EQ(routes.Admit(board)->status, 303);  // to the login: the board is not open

  HttpRequest login_page = Request("GET", "/login");
  const std::string login_cookie = CookieSet(*routes.Admit(login_page), "ptmon_login");
  ASSERT_FALSE(login_cookie.empty());
  const HttpResponse logged_in =
      Post(routes, Request("POST", "/login", login_cookie,
                           "login_token=" + login_cookie.substr(login_cookie.find('=') + 1) +
                               "&user=admin&password=correct+horse+battery"));
  ASSERT_EQ(logged_in.status, 303) << Body(logged_in);
  const std::string session = CookieSet(logged_in, "ptmon_session");
  ASSERT_FALSE(session.empty());

  HttpRequest signed_in = Request("GET", "/", session);
  const HttpResponse page = *routes.Admit(signed_in);
  ASSERT_EQ(page.status, 200);
  const std::string html = Body(page);
  EXPECT_NE(html.find("维修维护费"), std::string::npos);
  const std::string field = "name=\"csrf\" value=\"";
  const size_t at = html.find(field);
  ASSERT_NE(at, std::string::npos);
  const std::string csrf = html.substr(at + field.size(), 64);

  EXPECT_EQ(Post(routes, Request("POST", "/admin/reload", session, "csrf=" + csrf)).status, 303);
  EXPECT_EQ(service.reloads, 1);

  const HttpResponse saved = Post(routes, Request("POST", "/report", session,
                                                  "csrf=" + csrf + "&project=p&period=2026-06&" +
                                                      ReportFieldName(0, 0) + "=12"));
  EXPECT_EQ(saved.status, 200) << Body(saved);
  ASSERT_EQ(service.writes.size(), 1u);
  EXPECT_EQ(service.writes[0].first, "console-p-2026-06.csv");
  EXPECT_EQ(service.writes[0].second, "admin");
}

// 逾期天数 counts from the due date of the oldest report missing: the first month after each
// series' latest report; 责任人 names the accounts given.
TEST(ConsolePagesTest, TheBoardNamesItsOwnersAndTheDaysSinceTheOldestMissingReport) {
  OneProject project({{"设备维护数量", "≥30台"}, {"使用人员满意度", "≥90%"}});
  ProjectStatus& status = project.evaluation.projects[0];
  status.indicators[0].period = Period{2026, 7};
  status.indicators[1].period = Period{2026, 5};  // June's report, due on 10 July, is missing
  status.budget.period = Period{2026, 7};
  BoardContext context;
  context.owners["p"] = {"lijun", "wangfang"};
  context.today = {2026, 8, 12};
  std::string board =
      BoardPage(PageFrame{}, project.catalog, project.evaluation, BoardQuery{}, context);
  EXPECT_NE(board.find("<td class=\"owners\">lijun、wangfang</td>"), std::string::npos) << board;
  EXPECT_NE(board.find("<td class=\"num overdue-days\">33</td>"), std::string::npos) << board;

  // Nothing of the budget ever reported: January's spending, due on 10 February, is the oldest.
  status.budget.period.reset();
  board = BoardPage(PageFrame{}, project.catalog, project.evaluation, BoardQuery{}, context);
  EXPECT_NE(board.find("<td class=\"num overdue-days\">183</td>"), std::string::npos) << board;

  // Everything up to July reported: August's reports are not due yet, the cell is blank.
  status.indicators[1].period = Period{2026, 7};
  status.budget.period = Period{2026, 7};
  context.owners.clear();
  board = BoardPage(PageFrame{}, project.catalog, project.evaluation, BoardQuery{}, context);
  EXPECT_NE(board.find("<td class=\"owners\"></td><td class=\"num overdue-days\"></td>"),
            std::string::npos)
      << board;
}

}  // namespace
}  // namespace ptmon
