#include <ptmon/base/text.h>
#include <ptmon/ingest/actuals.h>

#include "html.h"

namespace ptmon {

using namespace console_internal;

std::string ReportFieldName(size_t row, size_t column) {
  return "c" + std::to_string(row) + "_" + std::to_string(column);
}

namespace {

// The fill columns in template order: 完成值, 偏差原因, 偏差说明, 改进措施, 完成可能性, 填报人.
enum FillColumn : size_t { kValue = 0, kCategory, kReason, kAction, kLikelihood, kReporter };

std::string Select(const std::string& name, const std::vector<std::string_view>& choices,
                   const std::string& current, bool invalid, std::string_view label) {
  std::string html = "<select name=\"" + name + "\" aria-label=\"" + EscapeHtml(label) + "\"" +
                     (invalid ? " class=\"invalid\" aria-invalid=\"true\"" : "") + ">" +
                     Option("", "—", current);
  bool known = current.empty();
  for (std::string_view choice : choices) {
    html += Option(choice, choice, current);
    known = known || choice == current;
  }
  if (!known) html += Option(current, current, current);  // what was typed stays visible
  return html + "</select>";
}

std::string Input(const std::string& name, const std::string& value, bool invalid,
                  std::string_view label, std::string_view placeholder = {}) {
  return "<input type=\"text\" name=\"" + name + "\" value=\"" + EscapeHtml(value) +
         "\" aria-label=\"" + EscapeHtml(label) + "\"" +
         (placeholder.empty() ? "" : " placeholder=\"" + EscapeHtml(placeholder) + "\"") +
         (invalid ? " class=\"invalid\" aria-invalid=\"true\"" : "") + ">";
}

std::string Placeholder(TemplateRow::Kind kind) {
  switch (kind) {
    case TemplateRow::Kind::kPercent:
      return "如 96%";
    case TemplateRow::Kind::kBudget:
      return "如 21.5万元";
    case TemplateRow::Kind::kGrade:
      return "";
    case TemplateRow::Kind::kNumber:
      return "如 6.2万";
  }
  return "";
}

}  // namespace

std::string ReportFormPage(const PageFrame& frame, const ReportForm& form) {
  std::string html = "<h1>月度填报</h1>";
  html +=
      "<form class=\"filters\" method=\"get\" action=\"/report\"><div><label for=\"project\">"
      "项目</label><select id=\"project\" name=\"project\">";
  for (const Project* project : form.projects) {
    html += Option(project->id, project->name, form.project ? form.project->id : "");
  }
  html +=
      "</select></div><div><label for=\"period\">月份</label><select id=\"period\" "
      "name=\"period\">";
  const std::string current_period = form.period.ToString();
  for (int month = 1; month <= 12 && !(Period{form.period.year, month} > form.latest); ++month) {
    const Period period{form.period.year, month};
    html += Option(period.ToString(), MonthText(period), current_period);
  }
  html += "</select></div><button type=\"submit\" class=\"secondary button\">打开</button></form>";
  if (form.project == nullptr) {
    html += "<p>没有可填报的项目：请管理员为您分配项目。</p>";
    return Document(frame, "月度填报", html);
  }

  size_t error_count = form.general_errors.size();
  for (const auto& row : form.errors) {
    for (const auto& error : row) error_count += !error.empty();
  }
  if (error_count > 0) {
    html += "<div class=\"notice error\" role=\"alert\" id=\"form-errors\"><b>有 " +
            std::to_string(error_count) + " 处需要修改。修改完之前，本表的任何数据都不会保存。</b>";
    if (!form.general_errors.empty()) {
      html += "<ul>";
      for (const auto& error : form.general_errors) html += "<li>" + EscapeHtml(error) + "</li>";
      html += "</ul>";
    }
    html += "</div>";
  }
  html += "<p class=\"muted\">" + EscapeHtml(form.project->name) + " · " + MonthText(form.period) +
          "。完成值按截至月末填写：数量和金额填年初至今累计，比率、时长填当前水平；"
          "写法与报送文件相同（如 <code>6.2万</code>、<code>96%</code>、<code>20小时</code>）。"
          "只写数字时按框旁的单位读；与目标或上月相差千倍以上的数字须写上单位。"
          "留空的行不填报。整张表一次检查、一次保存。</p>";
  // The same month as a workbook, for a manager who fills it offline and uploads it below.
  html += "<p><a id=\"template-download\" href=\"/report/template.xlsx?project=" +
          EscapeHtml(UrlEncodeComponent(form.project->id)) + "&amp;period=" + current_period +
          "\">下载本月 Excel 模板</a>（含上次填报的数值），填好后在下方上传。</p>";
  html += "<form class=\"report-form\" method=\"post\" action=\"/report\">" +
          CsrfField(frame.csrf) + "<input type=\"hidden\" name=\"project\" value=\"" +
          EscapeHtml(form.project->id) + "\"><input type=\"hidden\" name=\"period\" value=\"" +
          current_period + "\">";
  html +=
      "<div class=\"table-wrap\"><table><thead><tr><th>指标</th><th>年度指标值</th>"
      "<th>上次填报</th><th>完成值</th><th>偏差原因</th><th>偏差说明</th><th>改进措施</th>"
      "<th>完成可能性</th></tr></thead><tbody>";
  const ReportTemplate& sheet = form.sheet;
  const auto& columns = sheet.columns;
  const size_t first = sheet.first_fill_column;
  std::vector<std::string_view> grades = GradeChoices(), reasons = ReasonCategoryChoices(),
                                likelihoods = LikelihoodChoices();
  size_t r = 0;
  for (const TemplateSheet& project_sheet : sheet.sheets) {
    for (const TemplateRow& row : project_sheet.rows) {
      auto value = [&](size_t c) -> const std::string& {
        static const std::string kEmpty;
        return r < form.values.size() && c < form.values[r].size() ? form.values[r][c] : kEmpty;
      };
      auto error = [&](size_t c) -> const std::string& {
        static const std::string kEmpty;
        return r < form.errors.size() && c < form.errors[r].size() ? form.errors[r][c] : kEmpty;
      };
      auto cell = [&](size_t c, std::string control) {
        std::string text =
            "<td" + std::string(c == kValue ? " class=\"value\"" : "") + ">" + std::move(control);
        if (!error(c).empty())
          text += "<div class=\"field-error\" id=\"" + ReportFieldName(r, c) + "-error\">" +
                  EscapeHtml(error(c)) + "</div>";
        return text + "</td>";
      };
      const std::string label = row.cells[5];
      html +=
          "<tr data-indicator=\"" + EscapeHtml(row.cells[1]) + "\"><td>" +
          EscapeHtml(row.cells[3].empty() ? label
                                          : row.cells[3] + " · " + row.cells[4] + " · " + label) +
          "</td><td>" + EscapeHtml(row.cells[6]) + "</td><td>" + EscapeHtml(row.cells[8]) + "</td>";
      // The unit a bare number is read in stands beside the box, so 10.5 is not 10.5万 unseen.
      const std::string& unit = row.cells[9];
      const std::string value_label =
          label + " " + columns[first + kValue] + (unit.empty() ? "" : "（" + unit + "）");
      html += cell(
          kValue,
          row.kind == TemplateRow::Kind::kGrade
              ? Select(ReportFieldName(r, kValue), grades, value(kValue), !error(kValue).empty(),
                       value_label)
              : Input(ReportFieldName(r, kValue), value(kValue), !error(kValue).empty(),
                      value_label, Placeholder(row.kind)) +
                    (unit.empty() ? "" : " <span class=\"unit\">" + EscapeHtml(unit) + "</span>"));
      html += cell(kCategory, Select(ReportFieldName(r, kCategory), reasons, value(kCategory),
                                     !error(kCategory).empty(), label + " 偏差原因"));
      html += cell(kReason, Input(ReportFieldName(r, kReason), value(kReason),
                                  !error(kReason).empty(), label + " 偏差说明"));
      html += cell(kAction, Input(ReportFieldName(r, kAction), value(kAction),
                                  !error(kAction).empty(), label + " 改进措施"));
      html +=
          cell(kLikelihood, Select(ReportFieldName(r, kLikelihood), likelihoods, value(kLikelihood),
                                   !error(kLikelihood).empty(), label + " 完成可能性"));
      html += "</tr>";
      ++r;
    }
  }
  html += "</tbody></table></div><p>填报人：" + EscapeHtml(frame.user) +
          "</p><button type=\"submit\" id=\"submit-report\">检查并保存</button></form>";
  html +=
      // The token rides in the action: the daemon decides on the request's head, before it reads
      // a file of up to 64 MiB.
      "<h2>或上传报送文件</h2><form method=\"post\" action=\"/upload?csrf=" +
      EscapeHtml(UrlEncodeComponent(frame.csrf)) +
      "\" enctype=\"multipart/form-data\">"
      "<input type=\"file\" name=\"file\" accept=\".csv,.yaml,.yml,.xlsx\" required> "
      "<button type=\"submit\">上传</button><p class=\"muted\">CSV（UTF-8 或 GBK）、YAML 或 Excel "
      "工作簿，与放入收件箱的文件相同的检查：有任何问题，整个文件都不应用。</p></form>";
  return Document(frame, "月度填报", html);
}

}  // namespace ptmon
