#include <algorithm>

#include <ptmon/base/text.h>
#include <ptmon/console/pages.h>
#include <ptmon/http/http_forms.h>
#include <ptmon/indicators/target.h>
#include <ptmon/ingest/actuals.h>
#include <ptmon/ingest/ingestor.h>
#include <ptmon/ingest/report_template.h>

#include "routes_internal.h"

namespace ptmon {

using enum console_internal::FillColumn;
using console_internal::HtmlPage;
using console_internal::kFillColumns;
using console_internal::kIndicatorNameColumn;
using console_internal::LatestReportPeriod;
using console_internal::MayReportFor;
using console_internal::Unaudited;
using console_internal::UserSubmitter;

namespace {

std::string ChineseMonth(Period period) {
  return std::to_string(period.year) + "年" + std::to_string(period.month) + "月";
}

// "2026年9月还没到 …": a month the form must not take, said once for the whole form.
std::string FutureMonthMessage(Period period, Date today) {
  return ChineseMonth(period) + "还没到（今天是 " + today.ToString() + "），不能填报；请选择 " +
         ChineseMonth(LatestReportPeriod(today)) + " 或更早的月份。";
}

// A problem in Chinese alone: the checker words it "'列': 中文 / '列': English", both halves
// led by the column's label, or "中文 / English"; for a manager the Chinese half says it all.
std::string ChineseHalf(const std::string& message) {
  if (!message.starts_with('\'')) return message.substr(0, message.find(" / "));
  const size_t label_end = message.find("': ");
  if (label_end == std::string::npos) return message;
  const std::string label = message.substr(0, label_end + 3);
  const size_t english = message.find(" / " + label, label.size());
  return english == std::string::npos ? message : message.substr(0, english);
}

// A problem the Ingestor found in an uploaded file, for a manager: where it is in words
// (工作表「维修维护费」C7 单元格, 第3行第4列) and the Chinese half of what to do.
std::string ProblemText(const Diagnostic& problem) {
  std::string place;
  if (!problem.sheet.empty()) {
    place = "工作表「" + problem.sheet + "」";
    if (problem.line > 0)
      place += problem.column > 0 ? CellName(problem.line, problem.column) + " 单元格"
                                  : "第" + std::to_string(problem.line) + "行";
  } else if (problem.line > 0) {
    place = "第" + std::to_string(problem.line) + "行";
    if (problem.column > 0) place += "第" + std::to_string(problem.column) + "列";
  }
  return (place.empty() ? "" : place + "：") + ChineseHalf(problem.message);
}

// An upload's outcome in a manager's words, Chinese only and without commands: the console
// offers what the inbox's messages tell an operator to run.
std::vector<std::string> UploadOutcomeLines(const IngestOutcome& outcome, const std::string& user,
                                            std::string_view file) {
  std::vector<std::string> lines;
  const std::string name = "「" + std::string(file) + "」";
  switch (outcome.result) {
    case IngestResult::kApplied:
      lines.push_back(name + "已保存：" + std::to_string(outcome.values) + " 个数据（第 " +
                      std::to_string(outcome.batch_id) + " 批）" +
                      (outcome.skipped_rows > 0 ? "，" + std::to_string(outcome.skipped_rows) +
                                                      " 行没有填写完成值，未填报"
                                                : "") +
                      "。");
      lines.push_back("提交人（登录账号）：" + user + "；文件中的填报人：" +
                      (outcome.reporter.empty() ? "未填写" : outcome.reporter) + "。");
      break;
    case IngestResult::kDuplicate:
      lines.push_back(name + "与第 " + std::to_string(outcome.batch_id) +
                      " 批的内容完全相同，已经保存过，没有重复保存。要改数据，请改好后再上传。");
      break;
    case IngestResult::kRejected:
      lines.push_back(name + "有 " + std::to_string(outcome.error_count) +
                      " 处需要修改，整个文件都没有保存。请按下面的提示在文件中改好后重新上传，"
                      "或在本页下载本月 Excel 模板填写。");
      for (const Diagnostic& problem : outcome.problems) lines.push_back(ProblemText(problem));
      if (outcome.error_count > static_cast<int>(outcome.problems.size()))
        lines.push_back("……共 " + std::to_string(outcome.error_count) + " 处问题");
      break;
    case IngestResult::kForbidden:
    case IngestResult::kFailed:
    case IngestResult::kDeferred:
      lines.push_back(name +
                      "暂时无法保存，没有任何数据被改动。请稍后重新上传；一直不行请联系管理员。");
      break;
  }
  return lines;
}

// What an answer given later needs of its request (who asked, what it accepts), without the
// body, which may be megabytes.
HttpRequest WithoutBody(const HttpRequest& request) {
  HttpRequest head;
  head.method = request.method;
  head.path = request.path;
  head.headers = request.headers;
  head.peer = request.peer;
  return head;
}

// The Ingestor's refusal of a file naming projects not assigned ("file: 中文 / English"), in
// the Chinese half.
HttpResponse ForbiddenPage(const PageFrame& frame, const IngestOutcome& outcome,
                           const HttpRequest& request) {
  const std::string& error = outcome.errors.front();
  const size_t start = std::min(error.find("文件中有"), error.size());
  const std::string chinese = error.substr(start, error.find(" / ", start) - start);
  return HtmlPage(403, MessagePage(frame, 403, "不能填报", chinese.empty() ? error : chinese),
                  request);
}

}  // namespace

void ConsoleRoutes::SubmitForm(const HttpRequest& request,
                               std::shared_ptr<const ConsoleSnapshot> snapshot,
                               const Caller& caller, HttpServer::Respond respond) {
  const PageFrame frame = Frame(*snapshot, caller);
  const Catalog& catalog = *snapshot->catalog;
  const FormFields fields = ParseUrlEncoded(request.body.view());
  const std::string project_id = fields.Get("project");
  const Project* project = catalog.FindProject(project_id);
  const auto period = ParsePeriod(fields.Get("period"));
  // Another's project is refused whatever the month (and audited); the Ingestor decides again
  // when the form is written, should the assignment change meanwhile.
  if (project != nullptr && !MayReportFor(*caller.user, *project)) {
    Audit(*snapshot, caller.user->name, request, "refused", "report for " + project_id).ok();
    respond(HtmlPage(403,
                     MessagePage(frame, 403, "不能填报",
                                 "您没有被分配项目「" + project->name + "」，不能为它填报。"),
                     request));
    return;
  }
  if (project == nullptr || !period || period->year != catalog.year) {
    respond(HtmlPage(
        400,
        MessagePage(frame, 400, "无法填报", "表单没有指明本年度的项目和月份，请从填报页重新打开。"),
        request));
    return;
  }
  auto sheet = BuildReportTemplate(catalog, *period, project_id);
  if (!sheet.ok()) {
    respond(HttpResponse::Error(503, sheet.status().message()));
    return;
  }
  ReportForm form;
  form.latest = LatestReportPeriod(clock_.Today());
  for (const Project& each : catalog.projects) {
    if (MayReportFor(*caller.user, each)) form.projects.push_back(&each);
  }
  form.project = project;
  form.period = *period;
  form.sheet = std::move(sheet).value();
  // The form's rows go to the checker as they are, each box labelled by its indicator, so every
  // problem comes back to its box; the CSV the template describes is the batch's record.
  const size_t first = form.sheet.first_fill_column;
  std::string csv = CsvLine(form.sheet.columns);
  std::vector<ReportRow> rows;
  bool any_value = false;
  size_t r = 0;
  for (TemplateRow& row : form.sheet.sheets.front().rows) {
    std::vector<std::string> values(kFillColumns);
    ReportRow& checked = rows.emplace_back();
    checked.project = row.cells[0];
    checked.indicator = row.cells[1];
    checked.period = period->ToString();
    checked.reporter = caller.user->name;
    for (size_t c = 0; c < kReporter; ++c) {
      values[c] = std::string(Trim(fields.Get(ReportFieldName(r, c))));
      row.cells[first + c] = values[c];
      checked.cells[c] = {values[c], "「" + row.cells[kIndicatorNameColumn] + "」的" +
                                         form.sheet.columns[first + c]};
    }
    any_value = any_value || !values[kValue].empty();
    row.cells[first + kReporter] = caller.user->name;
    csv += CsvLine(row.cells);
    form.values.push_back(std::move(values));
    ++r;
  }
  form.errors.assign(form.values.size(), std::vector<std::string>(kFillColumns));
  if (*period > form.latest) {
    // Every row would be refused for it: the month is the one problem, said once.
    form.general_errors.push_back(FutureMonthMessage(*period, clock_.Today()));
    respond(HtmlPage(422, ReportFormPage(frame, form), request));
    return;
  }
  const std::string name = "console-" + project_id + "-" + period->ToString() + ".csv";
  Diagnostics diagnostics;
  ParseOptions options;
  options.values_before = ValuesBeforeFrom(catalog, [&](int year, const auto& series) {
    return WithStore(*snapshot,
                     [&](Store& store) { return store.values().NumbersOfYear(year, series); });
  });
  CheckReportRows(rows, name, catalog, clock_.Today(), options, diagnostics);
  for (const Diagnostic& diagnostic : diagnostics.all()) {
    if (diagnostic.severity != Severity::kError) continue;
    const int row = diagnostic.line - 1;
    const int column = diagnostic.column - 1;
    if (row >= 0 && row < static_cast<int>(form.errors.size()) && column >= 0 &&
        column < static_cast<int>(kReporter)) {
      std::string& error = form.errors[static_cast<size_t>(row)][static_cast<size_t>(column)];
      error += (error.empty() ? "" : "；") + ChineseHalf(diagnostic.message);
    } else {
      form.general_errors.push_back(ChineseHalf(diagnostic.message));
    }
  }
  if (!diagnostics.has_errors() && !any_value)
    form.general_errors.push_back("没有填写任何完成值：至少填写一项，留空的行不填报。");
  if (!form.general_errors.empty() || diagnostics.has_errors()) {
    respond(HtmlPage(422, ReportFormPage(frame, form), request));
    return;
  }
  const std::string user = caller.user->name;
  if (!Audit(*snapshot, user, request, "report_submitted", name).ok()) {
    respond(Unaudited(frame, request));
    return;
  }
  service_.Write(
      name, RequestBody(std::move(csv)), UserSubmitter(*caller.user),
      [this, snapshot, request = WithoutBody(request), frame, form = std::move(form), user, name,
       respond = std::move(respond)](IngestOutcome outcome) mutable {
        const bool applied = outcome.result == IngestResult::kApplied;
        if (outcome.result == IngestResult::kForbidden) {
          // The assignment changed between the page's check and the write.
          Audit(*snapshot, user, request, "refused", outcome.errors.front()).ok();  // logged
          respond(ForbiddenPage(frame, outcome, request));
          return;
        }
        Audit(*snapshot, user, request, "report", outcome.Summary()).ok();  // done: logged
        if (outcome.result == IngestResult::kRejected) {
          // The catalogue changed between the check and the write (a reload): say so.
          form.general_errors = outcome.errors;
          respond(HtmlPage(422, ReportFormPage(frame, form), request));
          return;
        }
        OutcomeView view;
        view.applied = applied || outcome.result == IngestResult::kDuplicate;
        view.title = applied                                      ? "已保存"
                     : outcome.result == IngestResult::kDuplicate ? "内容未变，无需重复保存"
                                                                  : "暂时无法保存";
        if (applied) {
          view.lines.push_back(form.project->name + " " + ChineseMonth(form.period) + "：保存了 " +
                               std::to_string(outcome.values) + " 个数据（第 " +
                               std::to_string(outcome.batch_id) + " 批），填报人 " + user + "。");
        } else if (outcome.result == IngestResult::kDuplicate) {
          view.lines.push_back("与第 " + std::to_string(outcome.batch_id) +
                               " 批内容完全相同，没有重复保存。");
        } else {
          view.lines.push_back("服务器暂时无法写入（" +
                               std::string(IngestResultName(outcome.result)) +
                               "），什么都没有保存。请稍后再提交一次。");
          for (const auto& error : outcome.errors) view.lines.push_back(error);
        }
        view.back_link = "/projects/" + form.project->id;
        respond(HtmlPage(applied || outcome.result == IngestResult::kDuplicate ? 200 : 503,
                         OutcomePage(frame, view), request));
      });
}

void ConsoleRoutes::Upload(const HttpRequest& request,
                           std::shared_ptr<const ConsoleSnapshot> snapshot, const Caller& caller,
                           HttpServer::Respond respond) {
  const PageFrame frame = Frame(*snapshot, caller);
  auto message = [&](int status, std::string_view title, std::string_view text) {
    respond(HtmlPage(status, MessagePage(frame, status, title, text), request));
  };
  // Searched in pieces, so finding the parts of a spooled 60 MB upload maps none of it.
  class Body final : public FormBody {
   public:
    explicit Body(const RequestBody& body) : body_(body) {}
    size_t size() const override { return body_.size(); }
    size_t Find(std::string_view needle, size_t from) const override {
      return body_.Find(needle, from);
    }
    std::string Read(size_t offset, size_t length) const override {
      return body_.Read(offset, length);
    }

   private:
    const RequestBody& body_;
  };
  auto parts = ParseMultipart(Body(request.body), request.Header("Content-Type"));
  if (!parts.ok()) {
    message(400, "上传失败", "浏览器发来的表单无法读取：" + parts.status().message());
    return;
  }
  const FormPart* file = nullptr;
  for (const FormPart& part : *parts) {
    if (part.name == "file") file = &part;
  }
  if (caller.user->role == Role::kViewer) {
    message(403, "不能填报", "您的账号是查看权限，只能查看，不能填报。");
    return;
  }
  if (file == nullptr || file->file_name.empty()) {
    message(400, "上传失败", "没有选择文件。");
    return;
  }
  // The base name, without folders or control characters; it labels the batch.
  std::string base = file->file_name.substr(file->file_name.find_last_of("/\\") + 1);
  std::erase_if(base, [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (base.size() > 120) base = base.substr(base.size() - 120);
  const auto format = ReportFormatOf(base);
  if (!format || !IsReportName(base)) {
    message(400, "上传失败",
            "「" + base +
                "」不是月报文件：只能上传 Excel 工作簿（.xlsx）、CSV 或 YAML 文件。"
                "请在填报页下载本月 Excel 模板，填好后上传。");
    return;
  }
  const std::string name = "upload-" + base;
  const std::string user = caller.user->name;
  if (!Audit(*snapshot, user, request, "upload_submitted", name).ok()) {
    respond(Unaudited(frame, request));
    return;
  }
  service_.Write(
      name, request.body.Slice(file->offset, file->size), UserSubmitter(*caller.user),
      [this, snapshot, request = WithoutBody(request), frame, user, name, base,
       respond = std::move(respond)](IngestOutcome outcome) {
        if (outcome.result == IngestResult::kForbidden) {
          Audit(*snapshot, user, request, "refused", outcome.errors.front()).ok();  // logged
          respond(ForbiddenPage(frame, outcome, request));
          return;
        }
        Audit(*snapshot, user, request, "upload", outcome.Summary()).ok();  // done: logged
        OutcomeView view;
        view.applied =
            outcome.result == IngestResult::kApplied || outcome.result == IngestResult::kDuplicate;
        view.title = view.applied ? "文件已处理" : "文件没有保存";
        view.lines = UploadOutcomeLines(outcome, user, base);
        view.back_link = "/report";
        const int status = view.applied                                ? 200
                           : outcome.result == IngestResult::kRejected ? 422
                                                                       : 503;
        respond(HtmlPage(status, OutcomePage(frame, view), request));
      });
}

}  // namespace ptmon
