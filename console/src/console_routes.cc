#include <algorithm>
#include <filesystem>

#include <spdlog/spdlog.h>

#include <ptmon/base/text.h>
#include <ptmon/console/console_routes.h>
#include <ptmon/console/my_reports.h>
#include <ptmon/console/pages.h>
#include <ptmon/console/password.h>
#include <ptmon/http/gzip.h>
#include <ptmon/http/http_forms.h>
#include <ptmon/indicators/target.h>
#include <ptmon/ingest/report_template.h>
#include <ptmon/reports/reports.h>
#include <ptmon/storage/accounts.h>

#include "routes_internal.h"

namespace ptmon {

using console_internal::Compressed;
using console_internal::Download;
using enum console_internal::FillColumn;
using console_internal::HtmlPage;
using console_internal::kFillColumns;
using console_internal::LatestReportPeriod;
using console_internal::MayReportFor;
using console_internal::Unaudited;

namespace {

// Pages hold the unit's data: never cached, never framed, no scripts, forms only to here.
void AddPageHeaders(HttpResponse& response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
      "frame-ancestors 'none'; base-uri 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
}

constexpr std::string_view kSessionCookie = "ptmon_session";
constexpr std::string_view kLoginCookie = "ptmon_login";

HttpResponse Redirect(const std::string& location) {
  HttpResponse response = HttpResponse::Text(303, "");
  response.headers.emplace_back("Location", location);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

std::string PeerAddress(const std::string& peer) {
  const size_t colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}

std::string_view RoleNameZh(Role role) {
  switch (role) {
    case Role::kViewer:
      return "查看";
    case Role::kManager:
      return "项目经理";
    case Role::kAdmin:
      return "管理员";
  }
  return "查看";
}

// A local path to come back to after the login; anything else goes to the board.
std::string SafeNext(const std::string& next) {
  if (!next.starts_with('/') || next.starts_with("//") || next.find('\\') != std::string::npos ||
      std::any_of(next.begin(), next.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    return "/";
  return next;
}

// The login form's token: the one the browser holds in its login cookie, or a new one.
Result<std::string> LoginToken(const HttpRequest& request) {
  const auto cookies = ParseCookies(request.Header("Cookie"));
  const auto held = cookies.find(std::string(kLoginCookie));
  if (held != cookies.end() && held->second.size() == 64 &&
      held->second.find_first_not_of("0123456789abcdef") == std::string::npos)
    return held->second;
  return RandomHex(32);
}

std::string UnitNames(const Catalog& catalog) {
  std::string names;
  for (const BudgetUnit& unit : catalog.units) names += (names.empty() ? "" : "、") + unit.name;
  return names;
}

}  // namespace

namespace console_internal {

HttpResponse Download(HttpResponse response, const HttpRequest& request) {
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return Compressed(std::move(response), request);
}

HttpResponse Compressed(HttpResponse response, const HttpRequest& request) {
  if (response.body_parts.size() == 1 && response.body_parts[0]->size() > 1024 &&
      AcceptsGzip(request.Header("Accept-Encoding"))) {
    response.body_parts[0] = std::make_shared<const std::string>(Gzip(*response.body_parts[0]));
    response.headers.emplace_back("Content-Encoding", "gzip");
  }
  response.headers.emplace_back("Vary", "Accept-Encoding");
  return response;
}

HttpResponse HtmlPage(int status, std::string html, const HttpRequest& request) {
  HttpResponse response = HttpResponse::Text(status, std::move(html));
  response.content_type = "text/html; charset=utf-8";
  AddPageHeaders(response);
  return Compressed(std::move(response), request);
}

// An action refused because its audit row could not be written.
HttpResponse Unaudited(const PageFrame& frame, const HttpRequest& request) {
  HttpResponse response = HtmlPage(
      503,
      MessagePage(frame, 503, "暂时无法执行",
                  "系统暂时无法写入审计日志（数据库正忙或磁盘出错）。为保证每次操作都有记录，"
                  "本次操作没有执行，什么都没有改变。请稍后再试。"),
      request);
  response.headers.emplace_back("Retry-After", "10");
  return response;
}

Submitter UserSubmitter(const ConsoleUser& user) {
  if (user.role == Role::kAdmin) return Submitter::Everything(user.name);
  if (user.role == Role::kManager) return Submitter::Only(user.name, user.projects);
  return Submitter::Only(user.name, {});
}

bool MayReportFor(const ConsoleUser& user, const Project& project) {
  return UserSubmitter(user).May(project);
}

Period LatestReportPeriod(Date today) { return {today.year, today.month}; }

}  // namespace console_internal

ConsoleRoutes::ConsoleRoutes(ConsoleService& service, const Clock& clock, SessionLimits limits,
                             bool secure_cookies)
    : service_(service),
      clock_(clock),
      secure_cookies_(secure_cookies),
      sessions_(clock, limits),
      user_throttle_(clock, 5),
      peer_throttle_(clock, 30) {}

std::string ConsoleRoutes::Cookie(std::string_view name, std::string_view value,
                                  std::string_view path, long long max_age_seconds) const {
  return std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
         "; Max-Age=" + std::to_string(max_age_seconds) + "; HttpOnly; SameSite=Strict" +
         (secure_cookies_ ? "; Secure" : "");
}

std::string_view ConsoleRoutes::AllowedMethods(std::string_view path) {
  if (path == "/logout" || path == "/upload" || path == "/admin/reload" ||
      path == "/admin/contacts")
    return "POST";
  if (path == "/login" || path == "/report") return "GET, HEAD, POST";
  return "GET, HEAD";
}

bool ConsoleRoutes::Owns(std::string_view path) {
  return !path.starts_with("/api/") && path != "/metrics" && path != "/healthz" &&
         path != "/readyz";
}

Status ConsoleRoutes::Audit(const ConsoleSnapshot& snapshot, const std::string& user,
                            const HttpRequest& request, const std::string& action,
                            const std::string& detail) {
  const Status recorded = With(auditor_, snapshot, [&](Store& store) {
    return store.accounts().RecordAudit(
        {FormatRfc3339(clock_.Now()), user, request.peer, action, detail});
  });
  if (!recorded.ok()) {
    spdlog::warn("the audit log cannot record {} by {} from {}: {}", action, Quote(user),
                 request.peer, recorded.message());
  }
  return recorded;
}

ConsoleRoutes::Caller ConsoleRoutes::Identify(const HttpRequest& request,
                                              const ConsoleSnapshot& snapshot) {
  Caller caller;
  const auto cookies = ParseCookies(request.Header("Cookie"));
  const auto cookie = cookies.find(std::string(kSessionCookie));
  if (cookie == cookies.end()) return caller;
  caller.session = sessions_.Find(cookie->second);
  if (!caller.session) return caller;
  auto user = WithStore(
      snapshot, [&](Store& store) { return store.accounts().FindUser(caller.session->user); });
  // Re-read on every request: a disabled account or a new password ends the session at once.
  if (!user.ok() || !user->has_value() || (*user)->disabled ||
      ParseRfc3339((*user)->changed_at).value_or(caller.session->created) >
          caller.session->created) {
    sessions_.End(caller.session->id);
    caller.session.reset();
    return caller;
  }
  caller.user = std::move(**user);
  return caller;
}

std::optional<HttpResponse> ConsoleRoutes::Admit(HttpRequest& head) {
  if (const std::string_view allow = AllowedMethods(head.path); !AllowsMethod(allow, head.method)) {
    HttpResponse refused = HttpResponse::Error(405, "method not allowed");
    refused.headers.emplace_back("Allow", std::string(allow));
    return refused;
  }
  if (head.path == "/assets/console.css") {
    HttpResponse css = HttpResponse::Text(200, std::string(ConsoleCss()));
    css.content_type = "text/css; charset=utf-8";
    css.headers.emplace_back("Cache-Control", "max-age=3600");
    css.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return Compressed(std::move(css), head);
  }
  const std::shared_ptr<const ConsoleSnapshot> snapshot = service_.Current();
  if (snapshot == nullptr) {
    HttpResponse starting = HttpResponse::Text(503, "ptmon is starting; try again shortly\n");
    starting.headers.emplace_back("Retry-After", "1");
    return starting;
  }
  if (!snapshot->config->console_enabled)
    return HttpResponse::Error(404, "the console is turned off (console.enabled: false)");
  if (head.method == "POST") return AdmitPost(head, *snapshot);
  const Caller caller = Identify(head, *snapshot);
  if (head.path == "/login") {
    if (caller.user) return Redirect("/");
    // The token already held is kept, so a second tab or a reload does not void the first form.
    auto token = LoginToken(head);
    if (!token.ok()) return HttpResponse::Error(503, token.status().message());
    HttpResponse page =
        HtmlPage(200, LoginPage("", *token, SafeNext(head.QueryParameter("next"))), head);
    page.headers.emplace_back("Set-Cookie", Cookie(kLoginCookie, *token, "/login", 3600));
    return page;
  }
  const bool open = snapshot->config->console_open_board && head.path != "/report";
  if (!caller.user && !open) {
    return Redirect("/login?next=" +
                    UrlEncodeComponent(head.path + (head.query.empty() ? "" : "?" + head.query)));
  }
  return Page(head, *snapshot, caller);
}

// Nothing of a body is read for a caller who may not send it, nor more of it than the form needs.
std::optional<HttpResponse> ConsoleRoutes::AdmitPost(HttpRequest& head,
                                                     const ConsoleSnapshot& snapshot) {
  // A login, a logout or a reload is a few fields; the report form of a large project with its
  // reasons written out runs to a few hundred KiB.
  constexpr size_t kSmallForm = 64u << 10;
  constexpr size_t kReportForm = 1u << 20;
  head.body_allowance = kSmallForm;
  if (head.path == "/login") return std::nullopt;
  const Caller caller = Identify(head, snapshot);
  if (!caller.user) return Redirect("/login");
  head.body_account = "user " + caller.user->name;
  const bool viewer = caller.user->role == Role::kViewer;
  auto refuse = [&](std::string_view audit, std::string_view title, std::string_view text) {
    Audit(snapshot, caller.user->name, head, "refused", std::string(audit)).ok();  // logged
    return HtmlPage(403, MessagePage(Frame(snapshot, caller), 403, title, text), head);
  };
  if (head.path == "/admin/reload" && caller.user->role != Role::kAdmin)
    return refuse("reload", "不能重新加载", "只有管理员可以重新加载配置和目录。");
  if (head.path == "/admin/contacts" && caller.user->role != Role::kAdmin)
    return refuse("contacts", "不能修改联系方式", "只有管理员可以修改账号的联系方式。");
  if ((head.path == "/report" || head.path == "/upload") && viewer) {
    return refuse("a viewer's post to " + head.path, "不能填报",
                  "您的账号是查看权限，只能查看，不能填报。需要填报请联系管理员。");
  }
  if (head.path == "/report") head.body_allowance = kReportForm;
  if (head.path == "/upload") {
    // The form names its token in its action: a multipart body cannot be read before it is
    // taken in whole.
    if (!SameSecret(head.QueryParameter("csrf"), caller.session->csrf)) {
      return refuse("an upload without its CSRF token", "表单已失效",
                    "这个表单不是从本系统的页面提交的，或页面已过期。请重新打开页面再提交。");
    }
    head.body_allowance = snapshot.config->max_body_bytes;
  }
  return std::nullopt;
}

void ConsoleRoutes::Handle(HttpRequest request, HttpServer::Respond respond) {
  // Never null: Admit let the request in on a published one, and none is ever withdrawn.
  std::shared_ptr<const ConsoleSnapshot> snapshot = service_.Current();
  if (request.path == "/login") {
    respond(Login(request, *snapshot));
    return;
  }
  const Caller caller = Identify(request, *snapshot);
  if (!caller.user) {
    respond(Redirect("/login"));
    return;
  }
  if (request.path == "/upload") {
    Upload(request, std::move(snapshot), caller, std::move(respond));
    return;
  }
  // Every other form is url-encoded and carries the session's CSRF token.
  const FormFields form = ParseUrlEncoded(request.body.view());
  if (!SameSecret(form.Get("csrf"), caller.session->csrf)) {
    Audit(*snapshot, caller.user->name, request, "refused", "a form without its CSRF token").ok();
    respond(HtmlPage(
        403,
        MessagePage(Frame(*snapshot, caller), 403, "表单已失效",
                    "这个表单不是从本系统的页面提交的，或页面已过期。请重新打开页面再提交。"),
        request));
    return;
  }
  if (request.path == "/logout") {
    respond(Logout(request, *snapshot, caller));
    return;
  }
  if (request.path == "/admin/reload") {
    if (caller.user->role != Role::kAdmin) {
      Audit(*snapshot, caller.user->name, request, "refused", "reload").ok();
      respond(HtmlPage(403,
                       MessagePage(Frame(*snapshot, caller), 403, "不能重新加载",
                                   "只有管理员可以重新加载配置和目录。"),
                       request));
      return;
    }
    if (!Audit(*snapshot, caller.user->name, request, "reload", "").ok()) {
      respond(Unaudited(Frame(*snapshot, caller), request));
      return;
    }
    service_.Reload();
    respond(Redirect("/admin?reload=requested"));
    return;
  }
  if (request.path == "/admin/contacts") {
    respond(SaveContacts(request, *snapshot, caller, form));
    return;
  }
  SubmitForm(request, std::move(snapshot), caller, std::move(respond));
}

HttpResponse ConsoleRoutes::Login(const HttpRequest& request, const ConsoleSnapshot& snapshot) {
  const FormFields form = ParseUrlEncoded(request.body.view());
  const auto cookies = ParseCookies(request.Header("Cookie"));
  const auto login_cookie = cookies.find(std::string(kLoginCookie));
  const std::string next = SafeNext(form.Get("next"));
  auto fresh_page = [&](int status, std::string_view error) {
    auto token = LoginToken(request);
    if (!token.ok()) return HttpResponse::Error(503, token.status().message());
    HttpResponse page = HtmlPage(status, LoginPage(error, *token, next), request);
    page.headers.emplace_back("Set-Cookie", Cookie(kLoginCookie, *token, "/login", 3600));
    return page;
  };
  if (login_cookie == cookies.end() || !SameSecret(form.Get("login_token"), login_cookie->second))
    return fresh_page(403, "登录页已过期，请重新输入用户名和密码。");
  const std::string name = form.Get("user");
  const std::string password = form.Get("password");
  const std::string user_key = "user:" + name;
  const std::string peer_key = "peer:" + PeerAddress(request.peer);
  const auto wait = std::max(user_throttle_.Wait(user_key), peer_throttle_.Wait(peer_key));
  if (wait.count() > 0) {
    Audit(snapshot, name, request, "login_throttled", "wait " + std::to_string(wait.count()) + " s")
        .ok();
    HttpResponse slowed =
        fresh_page(429, "登录失败次数过多，请 " + std::to_string(wait.count()) + " 秒后再试。");
    slowed.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return slowed;
  }
  auto found = WithStore(snapshot, [&](Store& store) { return store.accounts().FindUser(name); });
  if (!found.ok()) return HttpResponse::Error(503, found.status().message());
  const bool known = found->has_value() && !(*found)->disabled;
  const bool verified = known ? VerifyPassword(password, (*found)->password_hash)
                              : (VerifyAgainstNothing(password), false);
  if (!verified) {
    user_throttle_.Failed(user_key);
    peer_throttle_.Failed(peer_key);
    Audit(snapshot, name, request, "login_failed",
          found->has_value() && (*found)->disabled ? "the account is disabled" : "")
        .ok();
    return fresh_page(401, "用户名或密码不正确。");
  }
  user_throttle_.Succeeded(user_key);
  // Recorded before anything is granted: a login the audit log cannot hold does not happen.
  if (!Audit(snapshot, name, request, "login", std::string(RoleName((*found)->role))).ok()) {
    HttpResponse refused =
        fresh_page(503, "系统暂时无法记录登录（审计日志无法写入），本次没有登录。请稍后再试。");
    refused.headers.emplace_back("Retry-After", "10");
    return refused;
  }
  auto session = sessions_.Create(name);
  if (!session.ok()) return HttpResponse::Error(503, session.status().message());
  HttpResponse response = Redirect(next == "/" && (*found)->role == Role::kManager ? "/my" : next);
  response.headers.emplace_back("Set-Cookie", Cookie(kLoginCookie, "", "/login", 0));
  response.headers.emplace_back(
      "Set-Cookie", Cookie(kSessionCookie, session->id, "/", sessions_.limits().lifetime.count()));
  return response;
}

PageFrame ConsoleRoutes::Frame(const ConsoleSnapshot& snapshot, const Caller& caller) const {
  PageFrame frame;
  if (caller.user) {
    frame.user = caller.user->name;
    frame.role_name = RoleNameZh(caller.user->role);
    frame.may_report = caller.user->role != Role::kViewer;
    frame.is_admin = caller.user->role == Role::kAdmin;
  } else {
    frame.role_name = "访客";  // the open board: offers the login link
  }
  if (caller.session) frame.csrf = caller.session->csrf;
  frame.unit_name = UnitNames(*snapshot.catalog);
  frame.as_of = snapshot.evaluation->as_of;
  if (const double applied = snapshot.last_ingest_success; applied > 0) {
    frame.data_changed_at = FormatLocalTime(std::chrono::system_clock::time_point(
        std::chrono::seconds(static_cast<long long>(applied))));
  }
  frame.version = snapshot.version;
  return frame;
}

HttpResponse ConsoleRoutes::SaveContacts(const HttpRequest& request,
                                         const ConsoleSnapshot& snapshot, const Caller& caller,
                                         const FormFields& form) {
  const std::string name = form.Get("user");
  const Contacts contacts{std::string(Trim(form.Get("email"))),
                          std::string(Trim(form.Get("phone"))),
                          std::string(Trim(form.Get("wecom")))};
  // Admitted for admins only (AdmitPost); the change and its audit row are one transaction.
  Status saved = CheckContacts(contacts);
  if (saved.ok()) {
    const AuditEntry audit{FormatRfc3339(clock_.Now()), caller.user->name, request.peer,
                           "user_edit",
                           "changed the contacts of " + name + ": " + ContactsText(contacts)};
    saved = With(auditor_, snapshot, [&](Store& store) {
      return store.accounts().SetUserContacts(name, contacts, audit);
    });
  }
  if (!saved.ok())
    return Admin(request, snapshot, caller, "「" + name + "」的联系方式未保存：" + saved.message());
  return Redirect("/admin?contacts=" + UrlEncodeComponent(name));
}

HttpResponse ConsoleRoutes::Admin(const HttpRequest& request, const ConsoleSnapshot& snapshot,
                                  const Caller& caller, const std::string& error) {
  const PageFrame frame = Frame(snapshot, caller);
  if (!caller.user || caller.user->role != Role::kAdmin) {
    return HtmlPage(403, MessagePage(frame, 403, "不能管理", "只有管理员可以打开管理页。"),
                    request);
  }
  constexpr size_t kAuditShown = 200;
  auto view = WithStore(snapshot, [&](Store& store) -> Result<AdminView> {
    AdminView loaded;
    auto users = store.accounts().ListUsers();
    if (!users.ok()) return users.status();
    auto audit = store.accounts().RecentAudit(kAuditShown);
    if (!audit.ok()) return audit.status();
    loaded.users = std::move(users).value();
    loaded.audit = std::move(audit).value();
    return loaded;
  });
  if (!view.ok()) return HttpResponse::Error(503, view.status().message());
  view->reload_success = snapshot.reload_success;
  view->reloaded_at =
      snapshot.reload_timestamp > 0
          ? FormatLocalTime(std::chrono::system_clock::time_point(
                std::chrono::seconds(static_cast<long long>(snapshot.reload_timestamp))))
          : "";
  if (request.QueryParameter("reload") == "requested")
    view->notice = "已请求重新加载；结果见下方“上次加载”（刷新本页查看）。";
  if (const std::string saved = request.QueryParameter("contacts"); !saved.empty())
    view->notice = "已保存「" + saved + "」的联系方式。";
  view->error = error;
  return HtmlPage(error.empty() ? 200 : 400, AdminPage(frame, *view), request);
}

HttpResponse ConsoleRoutes::Logout(const HttpRequest& request, const ConsoleSnapshot& snapshot,
                                   const Caller& caller) {
  sessions_.End(caller.session->id);
  Audit(snapshot, caller.user->name, request, "logout", "").ok();  // ended whether recorded or not
  HttpResponse response = Redirect("/login");
  response.headers.emplace_back("Set-Cookie", Cookie(kSessionCookie, "", "/", 0));
  return response;
}

namespace {

HttpResponse ReportDownload(const HttpRequest& request, const ConsoleSnapshot& snapshot,
                            std::string_view file) {
  const size_t dot = file.rfind('.');
  const std::string_view kind = file.substr(0, dot);
  const std::string_view format = dot == std::string_view::npos ? "" : file.substr(dot + 1);
  if ((kind != "monitor" && kind != "self-evaluation") ||
      (format != "xlsx" && format != "html" && format != "csv" && format != "md"))
    return HttpResponse::Error(404,
                               "no such report: monitor or self-evaluation, as xlsx, html, "
                               "csv or md");
  const std::string project = request.QueryParameter("project");
  if (!project.empty() && snapshot.catalog->FindProject(project) == nullptr)
    return HttpResponse::Error(404, "no project " + project);
  const ReportKind report_kind =
      kind == "monitor" ? ReportKind::kMonitor : ReportKind::kSelfEvaluation;
  const std::string units = UnitNames(*snapshot.catalog);
  HttpResponse response;
  if (format == "xlsx") {
    auto workbook = RenderReportXlsx(*snapshot.evaluation, report_kind, units, project);
    if (!workbook.ok()) return HttpResponse::Error(503, workbook.status().message());
    response = HttpResponse::Text(200, std::move(workbook).value());
    response.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  } else {
    const OutputFormat output = format == "csv"  ? OutputFormat::kCsv
                                : format == "md" ? OutputFormat::kMarkdown
                                                 : OutputFormat::kHtml;
    response = HttpResponse::Text(
        200, RenderReport(*snapshot.evaluation, report_kind, output, units, project));
    response.content_type = format == "csv"  ? "text/csv; charset=utf-8"
                            : format == "md" ? "text/markdown; charset=utf-8"
                                             : "text/html; charset=utf-8";
  }
  const std::string name = std::string(kind) + "-" + snapshot.evaluation->as_of.ToString() +
                           (project.empty() ? "" : "-" + project) + "." + std::string(format);
  response.headers.emplace_back(
      "Content-Disposition",
      std::string(format == "html" ? "inline" : "attachment") + "; filename=\"" + name + "\"");
  return Download(std::move(response), request);
}

// The text a form field shows for a stored value.
std::string FieldText(const ActualValue& value, std::string_view unit) {
  if (!value.grade.empty()) return value.grade;
  return value.value ? FormatQuantity(*value.value, unit) : "";
}

// Fills each row's 上次填报 with the value in force for the latest earlier month of the year
// ("12台（6月）"), and returns what is in force for `period` itself, by the form's columns: a
// correction starts from it.
Result<std::vector<std::vector<std::string>>> FillFromHistory(Store& store, const Project& project,
                                                              Period period, TemplateSheet& sheet) {
  std::vector<std::vector<std::string>> in_force;
  for (TemplateRow& row : sheet.rows) {
    const std::string& indicator_id = row.cells[1];
    const Indicator* indicator = project.FindIndicator(indicator_id);
    const std::string unit = indicator ? indicator->annual_target.unit : "元";
    auto history = store.values().History(project.id, indicator_id);
    if (!history.ok()) return history.status();
    std::vector<std::string> values(kFillColumns);
    for (const ActualRevision& revision : *history) {
      const ActualValue& value = revision.actual;
      if (value.period == period) {
        values = {FieldText(value, unit), value.reason_category, value.reason,
                  value.action,           value.likelihood,      ""};
      } else if (value.period < period && value.period.year == period.year) {
        row.cells[8] = FieldText(value, unit) + "（" + std::to_string(value.period.month) + "月）";
      }
    }
    in_force.push_back(std::move(values));
  }
  return in_force;
}

// A workbook to save as `name`.
HttpResponse XlsxAttachment(const Result<std::string>& workbook, const std::string& name,
                            const HttpRequest& request) {
  if (!workbook.ok()) return HttpResponse::Error(503, workbook.status().message());
  HttpResponse response = HttpResponse::Text(200, *workbook);
  response.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return Download(std::move(response), request);
}

// The form's month as the template workbook, its 上次填报 filled: a manager fills it offline
// and uploads it.
HttpResponse TemplateDownload(const ReportForm& form, const HttpRequest& request) {
  return XlsxAttachment(ReportTemplateXlsx(form.sheet),
                        "report-" + form.project->id + "-" + form.period.ToString() + ".xlsx",
                        request);
}

}  // namespace

HttpResponse ConsoleRoutes::Page(const HttpRequest& request, const ConsoleSnapshot& snapshot,
                                 const Caller& caller) {
  const PageFrame frame = Frame(snapshot, caller);
  const Catalog& catalog = *snapshot.catalog;
  const Evaluation& evaluation = *snapshot.evaluation;
  const std::string& path = request.path;
  auto not_found = [&](std::string_view what) {
    return HtmlPage(404, MessagePage(frame, 404, "找不到页面", what), request);
  };
  const int budget_due_day = snapshot.config->evaluation.budget_due_day;
  if (path == "/" || path == "/board.xlsx") {
    BoardQuery query;
    query.unit = request.QueryParameter("unit");
    query.light = request.QueryParameter("light");
    if (const std::string sort = request.QueryParameter("sort"); !sort.empty()) query.sort = sort;
    query.descending = request.QueryParameter("dir") == "desc";
    auto context = WithStore(snapshot, [&](Store& store) {
      return ReadBoardContext(store, clock_.Today(), budget_due_day);
    });
    if (!context.ok()) return HttpResponse::Error(503, context.status().message());
    // The open board names no accounts to whoever reaches the port.
    if (!caller.user) context->owners.clear();
    if (path == "/board.xlsx") {
      return XlsxAttachment(BoardXlsx(catalog, evaluation, query, *context, frame.unit_name),
                            "board-" + evaluation.as_of.ToString() + ".xlsx", request);
    }
    return HtmlPage(200, BoardPage(frame, catalog, evaluation, query, *context), request);
  }
  if (path == "/my") {
    if (!caller.user || caller.user->role != Role::kManager) return Redirect("/");
    auto reports = WithStore(snapshot, [&](Store& store) {
      return MyReportsOf(store, catalog, evaluation, *caller.user, clock_.Today(), budget_due_day);
    });
    if (!reports.ok()) return HttpResponse::Error(503, reports.status().message());
    return HtmlPage(200, MyReportsPage(frame, *reports, clock_.Today()), request);
  }
  if (path == "/alerts") {
    std::string alerts;
    for (const auto& part : *snapshot.alerts_list) AppendGunzipped(*part, alerts);
    return HtmlPage(200, AlertsPage(frame, alerts), request);
  }
  if (path == "/admin") return Admin(request, snapshot, caller);
  if (path == "/reports") return HtmlPage(200, ReportsPage(frame, catalog), request);
  if (path.starts_with("/reports/")) return ReportDownload(request, snapshot, path.substr(9));
  if (path.starts_with("/projects/")) {
    std::string_view rest = std::string_view(path).substr(10);
    const size_t slash = rest.find('/');
    const std::string project_id(rest.substr(0, slash));
    const Project* project = catalog.FindProject(project_id);
    if (project == nullptr) return not_found("没有编号为 " + project_id + " 的项目。");
    if (slash != std::string_view::npos) {
      const std::string_view tail = rest.substr(slash + 1);
      if (!tail.starts_with("history/")) return not_found("没有这个页面。");
      const std::string indicator_id(tail.substr(8));
      const Indicator* indicator = project->FindIndicator(indicator_id);
      if (indicator == nullptr && indicator_id != kSpentIndicator)
        return not_found("项目中没有编号为 " + indicator_id + " 的指标。");
      auto history = WithStore(snapshot, [&](Store& store) {
        return store.values().History(project->id, indicator_id);
      });
      if (!history.ok()) return HttpResponse::Error(503, history.status().message());
      return HtmlPage(200, HistoryPage(frame, *project, indicator, *history), request);
    }
    const auto status =
        std::find_if(evaluation.projects.begin(), evaluation.projects.end(),
                     [&](const ProjectStatus& each) { return each.project == project; });
    if (status == evaluation.projects.end()) return not_found("这个项目尚未评价。");
    auto months = WithStore(snapshot, [&](Store& store) -> Result<ProjectMonths> {
      std::vector<std::vector<ActualRevision>> histories;
      for (const Indicator& indicator : project->indicators) {
        auto history = store.values().History(project->id, indicator.id);
        if (!history.ok()) return history.status();
        histories.push_back(std::move(history).value());
      }
      auto spent = store.values().History(project->id, std::string(kSpentIndicator));
      if (!spent.ok()) return spent.status();
      return MonthsOf(histories, *spent, catalog.year);
    });
    if (!months.ok()) return HttpResponse::Error(503, months.status().message());
    return HtmlPage(200, ProjectPage(frame, catalog, evaluation, *status, *months), request);
  }
  if (path == "/report" || path == "/report/template.xlsx")
    return ReportPage(request, snapshot, caller);
  return not_found("没有这个页面。");
}

HttpResponse ConsoleRoutes::ReportPage(const HttpRequest& request, const ConsoleSnapshot& snapshot,
                                       const Caller& caller) {
  const PageFrame frame = Frame(snapshot, caller);
  const Catalog& catalog = *snapshot.catalog;
  const std::string& path = request.path;
  auto not_found = [&](std::string_view what) {
    return HtmlPage(404, MessagePage(frame, 404, "找不到页面", what), request);
  };
  if (!caller.user || caller.user->role == Role::kViewer) {
    return HtmlPage(403,
                    MessagePage(frame, 403, "不能填报",
                                "您的账号是查看权限，只能查看，不能填报。需要填报请联系管理员。"),
                    request);
  }
  ReportForm form;
  for (const Project& project : catalog.projects) {
    if (MayReportFor(*caller.user, project)) form.projects.push_back(&project);
  }
  const std::string wanted = request.QueryParameter("project");
  if (!wanted.empty()) {
    const Project* project = catalog.FindProject(wanted);
    if (project == nullptr) return not_found("没有编号为 " + wanted + " 的项目。");
    if (!MayReportFor(*caller.user, *project)) {
      return HtmlPage(403,
                      MessagePage(frame, 403, "不能填报",
                                  "您没有被分配项目「" + project->name +
                                      "」，不能为它填报。需要填报请联系管理员。"),
                      request);
    }
    form.project = project;
  } else if (!form.projects.empty()) {
    form.project = form.projects.front();
  }
  form.latest = LatestReportPeriod(clock_.Today());
  form.period = ReportMonthDue(clock_.Today(), catalog.year);
  if (auto period = ParsePeriod(request.QueryParameter("period"));
      period && period->year == catalog.year && !(*period > form.latest))
    form.period = *period;
  if (form.project != nullptr) {
    auto sheet = BuildReportTemplate(catalog, form.period, form.project->id);
    if (!sheet.ok()) return HttpResponse::Error(503, sheet.status().message());
    form.sheet = std::move(sheet).value();
    auto in_force = WithStore(snapshot, [&](Store& store) {
      return FillFromHistory(store, *form.project, form.period, form.sheet.sheets.front());
    });
    if (!in_force.ok()) return HttpResponse::Error(503, in_force.status().message());
    form.values = std::move(in_force).value();
  }
  if (path == "/report/template.xlsx") {
    if (form.project == nullptr) return not_found("没有可填报的项目：请管理员为您分配项目。");
    return TemplateDownload(form, request);
  }
  return HtmlPage(200, ReportFormPage(frame, form), request);
}

}  // namespace ptmon
