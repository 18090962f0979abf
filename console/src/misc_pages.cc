#include <nlohmann/json.hpp>

#include <ptmon/base/clock.h>
#include <ptmon/base/text.h>

#include "html.h"

namespace ptmon {

using namespace console_internal;

namespace {

std::string Field(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

std::string_view StateName(std::string_view state) {
  if (state == "firing") return "触发中";
  if (state == "pending") return "待触发";
  if (state == "resolved") return "已恢复";
  return state;
}

}  // namespace

std::string AlertsPage(const PageFrame& frame, std::string_view alerts_json) {
  const auto document = nlohmann::json::parse(alerts_json, nullptr, false);
  std::string html =
      "<h1>告警</h1><p class=\"muted\">触发中的告警同时发送到 Alertmanager；"
      "已恢复的告警保留一段时间后移除。</p>";
  const nlohmann::json* alerts =
      document.is_object() && document.contains("alerts") ? &document["alerts"] : nullptr;
  for (std::string_view state : {"firing", "pending", "resolved"}) {
    std::string rows;
    if (alerts != nullptr && alerts->is_array()) {
      for (const auto& alert : *alerts) {
        if (Field(alert, "state") != state) continue;
        const nlohmann::json labels = alert.value("labels", nlohmann::json::object());
        const nlohmann::json notes = alert.value("annotations", nlohmann::json::object());
        const std::string project = Field(labels, "project");
        std::string reason = EscapeHtml(Field(notes, "reason"));
        if (const std::string action = Field(notes, "action"); !action.empty())
          reason += "<div>措施：" + EscapeHtml(action) + "</div>";
        rows += "<tr><td>" + EscapeHtml(Field(labels, "severity")) + "</td><td>" +
                (project.empty() ? std::string("—")
                                 : "<a href=\"/projects/" + EscapeHtml(project) + "\">" +
                                       EscapeHtml(project) + "</a>") +
                "</td><td>" + EscapeHtml(Field(notes, "summary")) + "<div class=\"muted\">" +
                EscapeHtml(Field(notes, "description")) + "</div></td><td>" + reason + "</td><td>" +
                EscapeHtml(Field(alert, "activeSince")) + "</td><td>" +
                EscapeHtml(Field(alert, "endsAt")) + "</td></tr>";
      }
    }
    html += "<h2>" + std::string(StateName(state)) + "</h2>";
    if (rows.empty()) {
      html += "<p class=\"muted\">无</p>";
      continue;
    }
    html +=
        "<div class=\"table-wrap\"><table class=\"alerts-" + std::string(state) +
        "\"><thead><tr><th>级别</th><th>项目</th><th>告警</th><th>偏差原因与措施（项目经理）</th>"
        "<th>开始</th><th>恢复</th></tr></thead><tbody>" +
        rows + "</tbody></table></div>";
  }
  return Document(frame, "告警", html);
}

std::string ReportsPage(const PageFrame& frame, const Catalog& catalog) {
  static constexpr std::pair<std::string_view, std::string_view> kKinds[] = {
      {"monitor", "项目支出绩效目标执行监控表"}, {"self-evaluation", "项目支出绩效自评表"}};
  static constexpr std::pair<std::string_view, std::string_view> kFormats[] = {
      {"xlsx", "Excel"}, {"html", "网页（打印）"}, {"csv", "CSV"}, {"md", "Markdown"}};
  auto links = [&](std::string_view kind, std::string_view project) {
    std::string text;
    for (const auto& [format, label] : kFormats) {
      text += "<a href=\"/reports/" + std::string(kind) + "." + std::string(format) +
              (project.empty() ? "" : "?project=" + EscapeHtml(project)) + "\">" +
              std::string(label) + "</a> ";
    }
    return text;
  };
  std::string html =
      "<h1>报表下载</h1><p class=\"muted\">与 <code>ptmon report</code> "
      "相同的两张官方表格，按当前评价月份生成。</p><div class=\"table-wrap\"><table "
      "id=\"reports\"><thead><tr><th>项目</th>";
  for (const auto& [kind, title] : kKinds) html += "<th>" + std::string(title) + "</th>";
  html += "</tr></thead><tbody><tr><td><b>全部项目</b></td>";
  for (const auto& [kind, title] : kKinds) html += "<td>" + links(kind, "") + "</td>";
  html += "</tr>";
  for (const Project& project : catalog.projects) {
    html += "<tr><td>" + EscapeHtml(project.name) + "</td>";
    for (const auto& [kind, title] : kKinds) html += "<td>" + links(kind, project.id) + "</td>";
    html += "</tr>";
  }
  html += "</tbody></table></div>";
  return Document(frame, "报表下载", html);
}

std::string OutcomePage(const PageFrame& frame, const OutcomeView& outcome) {
  std::string html = "<h1>" + EscapeHtml(outcome.title) + "</h1><div class=\"notice " +
                     (outcome.applied ? "ok" : "error") + "\" role=\"status\" id=\"outcome\"><ul>";
  for (const auto& line : outcome.lines) html += "<li>" + EscapeHtml(line) + "</li>";
  html += "</ul></div>";
  if (!outcome.back_link.empty())
    html += "<p><a class=\"button secondary\" href=\"" + EscapeHtml(outcome.back_link) +
            "\">返回</a></p>";
  return Document(frame, outcome.title, html);
}

std::string AdminPage(const PageFrame& frame, const AdminView& view) {
  std::string html = "<h1>管理</h1>";
  if (!view.notice.empty())
    html += "<div class=\"notice ok\" role=\"status\" id=\"admin-notice\">" +
            EscapeHtml(view.notice) + "</div>";
  html +=
      "<h2>配置与目录</h2><p>上次加载：" +
      std::string(view.reload_success ? "成功" : "<b>失败</b>（仍按之前的配置运行，错误见日志）") +
      (view.reloaded_at.empty() ? "" : "，" + EscapeHtml(view.reloaded_at)) +
      "</p><form method=\"post\" action=\"/admin/reload\">" + CsrfField(frame.csrf) +
      "<button type=\"submit\" id=\"reload\">重新加载配置和目录</button></form>"
      "<p class=\"muted\">与 SIGHUP 相同：完整校验后才替换，失败时继续使用当前配置。</p>";
  if (!view.error.empty())
    html += "<div class=\"notice error\" role=\"alert\" id=\"admin-error\">" +
            EscapeHtml(view.error) + "</div>";
  html +=
      "<h2>账号</h2><p class=\"muted\">用 <code>ptmon user add|edit|passwd|disable|enable</code> "
      "在服务器上管理。联系方式用于提醒和逾期告警的通知（<code>ptmon user "
      "export-alertmanager</code>），仅管理员可见。</p><div class=\"table-wrap\"><table "
      "id=\"users\"><thead><tr><th>用户</th><th>角色</th><th>状态</th><th>负责项目</th>"
      "<th>邮箱</th><th>电话</th><th>企业微信</th><th></th><th>修改时间</th></tr></thead><tbody>";
  for (size_t i = 0; i < view.users.size(); ++i) {
    const ConsoleUser& user = view.users[i];
    std::string projects;
    for (const auto& project : user.projects) projects += (projects.empty() ? "" : "、") + project;
    // One form per row; the inputs in the row's other cells belong to it by its id.
    const std::string form = "contacts-" + std::to_string(i);
    auto input = [&](std::string_view field, std::string_view type, const std::string& value,
                     std::string_view label) {
      return "<td><input form=\"" + form + "\" name=\"" + std::string(field) + "\" type=\"" +
             std::string(type) + "\" value=\"" + EscapeHtml(value) + "\" aria-label=\"" +
             EscapeHtml(user.name) + " " + std::string(label) + "\"></td>";
    };
    html += "<tr data-user=\"" + EscapeHtml(user.name) + "\"><td>" + EscapeHtml(user.name) +
            "</td><td>" + std::string(RoleName(user.role)) + "</td><td>" +
            (user.disabled ? "停用" : "启用") + "</td><td>" + EscapeHtml(projects) + "</td>" +
            input("email", "email", user.contacts.email, "邮箱") +
            input("phone", "tel", user.contacts.phone, "电话") +
            input("wecom", "text", user.contacts.wecom, "企业微信") + "<td><form id=\"" + form +
            "\" method=\"post\" action=\"/admin/contacts\">" + CsrfField(frame.csrf) +
            "<input type=\"hidden\" name=\"user\" value=\"" + EscapeHtml(user.name) +
            "\"><button type=\"submit\">保存</button></form></td><td>" +
            EscapeHtml(user.changed_at) + "</td></tr>";
  }
  html += "</tbody></table></div><h2>操作记录（最近 " + std::to_string(view.audit.size()) +
          " 条）</h2><div class=\"table-wrap\"><table id=\"audit\"><thead><tr><th>时间</th>"
          "<th>用户</th><th>来源</th><th>操作</th><th>详情</th></tr></thead><tbody>";
  for (const AuditEntry& entry : view.audit) {
    html += "<tr><td>" + EscapeHtml(LocalTimeText(entry.at)) + "</td><td>" +
            EscapeHtml(entry.user) + "</td><td>" + EscapeHtml(entry.peer) + "</td><td>" +
            EscapeHtml(entry.action) + "</td><td>" + EscapeHtml(entry.detail) + "</td></tr>";
  }
  html += "</tbody></table></div>";
  return Document(frame, "管理", html);
}

std::string LoginPage(std::string_view error, std::string_view login_token, std::string_view next) {
  std::string html = "<div class=\"card login\"><h1>登录</h1>";
  if (!error.empty())
    html += "<div class=\"notice error\" role=\"alert\" id=\"login-error\">" + EscapeHtml(error) +
            "</div>";
  html +=
      "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"login_token\" "
      "value=\"" +
      EscapeHtml(login_token) + "\"><input type=\"hidden\" name=\"next\" value=\"" +
      EscapeHtml(next) +
      "\"><label for=\"user\">用户名</label><input id=\"user\" name=\"user\" "
      "autocomplete=\"username\" required autofocus><label for=\"password\">密码</label>"
      "<input id=\"password\" name=\"password\" type=\"password\" "
      "autocomplete=\"current-password\" required><button type=\"submit\" id=\"login\">登录"
      "</button></form><p class=\"muted\">账号由管理员用 <code>ptmon user add</code> "
      "创建。</p></div>";
  return Document(PageFrame{}, "登录", html);
}

std::string MessagePage(const PageFrame& frame, int status, std::string_view title,
                        std::string_view message) {
  return Document(frame, title,
                  "<h1>" + EscapeHtml(title) +
                      "</h1><div class=\"notice error\" role=\"alert\" "
                      "data-status=\"" +
                      std::to_string(status) + "\">" + EscapeHtml(message) +
                      "</div><p><a href=\"/\">返回看板</a></p>");
}

}  // namespace ptmon
