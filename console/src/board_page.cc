#include <algorithm>
#include <numeric>

#include <ptmon/base/text.h>

#include "board_rows.h"
#include "html.h"

namespace ptmon {

using namespace console_internal;

namespace {

struct Column {
  std::string_view key;
  std::string_view title;
  bool numeric;
};

constexpr Column kColumns[] = {
    {"unit", "预算单位", false},
    {"name", "项目", false},
    {"light", "状态", false},
    {"score", "自评得分", true},
    {"execution", "预算执行率", true},
    {"budget", "预算执行灯", false},
    {"red", "红灯", true},
    {"yellow", "黄灯", true},
    {"overdue", "逾期未报", true},
    {"owners", "责任人", false},
    {"overdue_days", "逾期天数", true},
};

std::string QueryString(const BoardQuery& query, std::string_view sort, bool descending) {
  std::string text = "?sort=" + std::string(sort) + (descending ? "&amp;dir=desc" : "");
  if (!query.unit.empty()) text += "&amp;unit=" + EscapeHtml(query.unit);
  if (!query.light.empty()) text += "&amp;light=" + EscapeHtml(query.light);
  return text;
}

// The manager's budget reason beside the budget's light, unless the main reason says it.
std::string BudgetReason(const ProjectStatus& status) {
  const std::string& reason = status.budget.budget_reason;
  if (reason.empty() || status.budget.light == status.light) return "";
  return "<div class=\"muted budget-reason\">" + EscapeHtml(reason) + "</div>";
}

}  // namespace

std::string BoardPage(const PageFrame& frame, const Catalog& catalog, const Evaluation& evaluation,
                      const BoardQuery& query, const BoardContext& context) {
  const BoardRows selected = SelectBoardRows(catalog, evaluation, query, context);
  const std::vector<BoardRow>& rows = selected.rows;
  const std::array<int, 6>& by_light = selected.by_light;

  std::string html;
  html.reserve(600 * rows.size() + 4096);
  html += "<h1>项目绩效运行监控看板</h1><p class=\"muted\">评价月份 " +
          MonthText(evaluation.as_of) + "，时间进度 " + PercentText(evaluation.time_progress) +
          (evaluation.year_end ? "，年终：得分按实际完成值" : "，得分按年终预测值（自评预估）") +
          "</p>";
  html += "<div class=\"summary\">";
  const int shown_total = std::accumulate(by_light.begin(), by_light.end(), 0);
  html += "<div class=\"card\"><div class=\"figure\">" + std::to_string(shown_total) +
          "</div><div class=\"label\">项目</div></div>";
  for (Light light : {Light::kRed, Light::kOverdue, Light::kYellow, Light::kGreen, Light::kBlue,
                      Light::kNoData}) {
    html += "<div class=\"card\"><div class=\"figure\">" +
            std::to_string(by_light[static_cast<size_t>(light)]) + "</div><div class=\"label\">" +
            LightBadge(light) + "</div></div>";
  }
  html += "</div>";

  html +=
      "<form class=\"filters\" method=\"get\" action=\"/\"><div><label "
      "for=\"unit\">预算单位</label>"
      "<select id=\"unit\" name=\"unit\">" +
      Option("", "全部单位", query.unit);
  for (const BudgetUnit& unit : catalog.units) html += Option(unit.id, unit.name, query.unit);
  html +=
      "</select></div><div><label for=\"light\">状态</label><select id=\"light\" name=\"light\">" +
      Option("", "全部", query.light);
  for (Light light : {Light::kRed, Light::kOverdue, Light::kYellow, Light::kGreen, Light::kBlue,
                      Light::kNoData}) {
    html += Option(LightName(light), LightNameZh(light), query.light);
  }
  html += "</select></div><input type=\"hidden\" name=\"sort\" value=\"" + EscapeHtml(query.sort) +
          "\">" + (query.descending ? "<input type=\"hidden\" name=\"dir\" value=\"desc\">" : "") +
          "<button type=\"submit\">筛选</button></form>";

  html +=
      "<p class=\"no-print\"><a class=\"button secondary\" id=\"board-xlsx\" href=\"/board.xlsx" +
      QueryString(query, query.sort, query.descending) + "\">下载看板（Excel）</a></p>";
  html += "<div class=\"table-wrap\"><table id=\"board\"><thead><tr>";
  for (const Column& column : kColumns) {
    const bool current = column.key == query.sort;
    const bool next_descending = current ? !query.descending : column.numeric;
    html +=
        std::string("<th") + (column.numeric ? " class=\"num\"" : "") +
        (current
             ? std::string(" aria-sort=\"") + (query.descending ? "descending" : "ascending") + "\""
             : std::string()) +
        "><a href=\"/" + QueryString(query, column.key, next_descending) + "\">" +
        std::string(column.title) + (current ? (query.descending ? " ▼" : " ▲") : "") + "</a></th>";
  }
  html +=
      "<th>主要原因</th><th class=\"num hide-narrow\">时间进度比</th><th "
      "class=\"hide-narrow\">等级</th></tr></thead><tbody>";
  for (const BoardRow& row : rows) {
    const ProjectStatus& status = *row.status;
    const BudgetStatus& budget = status.budget;
    html += "<tr data-project=\"" + EscapeHtml(status.project->id) + "\"><td>" +
            EscapeHtml(row.unit ? row.unit->name : status.project->unit_id) +
            "</td><td><a href=\"/projects/" + EscapeHtml(status.project->id) + "\">" +
            EscapeHtml(status.project->name) + "</a></td><td>" + LightBadge(status.light) +
            "</td><td class=\"num\">" + FormatNumber(status.score, 2) + "</td><td class=\"num\">" +
            PercentText(budget.execution_rate) + "</td><td>" + LightBadge(budget.light) +
            BudgetReason(status) + "</td><td class=\"num\">" + std::to_string(row.red) +
            "</td><td class=\"num\">" + std::to_string(row.yellow) + "</td><td class=\"num\">" +
            std::to_string(row.overdue) + "</td><td class=\"owners\">" +
            EscapeHtml(OwnerNames(row.owners)) + "</td><td class=\"num overdue-days\">" +
            (row.overdue_days ? std::to_string(*row.overdue_days) : std::string()) +
            "</td><td class=\"reason\">" + EscapeHtml(MainReason(status, row.overdue)) +
            "</td><td class=\"num hide-narrow\">";
    const auto printed = PrintedPercentOfPlan(budget, evaluation.lights, 1);
    html += printed ? FormatNumber(*printed, 1) + "%" : "—";
    html += "</td><td class=\"hide-narrow\">" + EscapeHtml(status.grade) + "</td></tr>";
  }
  if (rows.empty())
    html += "<tr><td colspan=\"14\" class=\"muted\">没有符合筛选条件的项目</td></tr>";
  html += "</tbody></table></div>";
  return Document(frame, "看板", html);
}

}  // namespace ptmon
