#include "html.h"

#include <algorithm>
#include <cmath>

#include <ptmon/base/text.h>
#include <ptmon/indicators/target.h>

std::string_view PtmonConsoleCssBytes();  // generated from assets/console.css

namespace ptmon {

std::string_view ConsoleCss() { return PtmonConsoleCssBytes(); }

namespace console_internal {

std::string Document(const PageFrame& frame, std::string_view title, std::string_view content) {
  std::string page;
  page.reserve(content.size() + 2048);
  page +=
      "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>";
  page += EscapeHtml(title);
  page +=
      " · ptmon</title><link rel=\"stylesheet\" href=\"/assets/console.css\">"
      "<link rel=\"icon\" href=\"data:,\"></head><body>";
  page += "<header class=\"top\"><a class=\"brand\" href=\"/\">ptmon 绩效运行监控</a>";
  if (!frame.user.empty() || frame.role_name.empty()) {
    page += "<nav><a href=\"/\">看板</a><a href=\"/alerts\">告警</a><a href=\"/reports\">报表</a>";
    if (frame.may_report && !frame.is_admin) page += "<a href=\"/my\">我的填报</a>";
    if (frame.may_report) page += "<a href=\"/report\">填报</a>";
    if (frame.is_admin) page += "<a href=\"/admin\">管理</a>";
    page += "</nav>";
  }
  if (!frame.user.empty()) {
    page += "<span class=\"who\"><span>" + EscapeHtml(frame.user) + "（" +
            EscapeHtml(frame.role_name) + "）</span><form method=\"post\" action=\"/logout\">" +
            CsrfField(frame.csrf) + "<button type=\"submit\">退出</button></form></span>";
  } else if (!frame.role_name.empty()) {
    page += "<span class=\"who\"><a href=\"/login\">登录</a></span>";
  }
  page += "</header><main>";
  page += content;
  page += "</main><footer>";
  if (!frame.unit_name.empty()) page += EscapeHtml(frame.unit_name) + " · ";
  if (frame.as_of) page += "评价月份 " + MonthText(*frame.as_of) + " · ";
  if (!frame.data_changed_at.empty())
    page += "数据更新于 " + EscapeHtml(frame.data_changed_at) + " · ";
  page += "ptmon " + EscapeHtml(frame.version) + "</footer></body></html>\n";
  return page;
}

std::string LightBadge(Light light) {
  return "<span class=\"light light-" + std::string(LightName(light)) + "\">" +
         std::string(LightNameZh(light)) + "</span>";
}

std::string ProgressBar(std::optional<double> ratio, Light light,
                        std::optional<double> printed_percent) {
  if (!ratio) return "";
  // SVG attributes, not a style attribute: the pages' CSP allows no inline styles.
  const double width = std::clamp(*ratio, 0.0, 1.0) * 100;
  const std::string caption = printed_percent ? FormatNumber(*printed_percent, 1) + "%" : "";
  return "<svg class=\"bar\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" role=\"img\" "
         "aria-label=\"" +
         caption +
         "\"><rect width=\"100\" height=\"8\" rx=\"3\" "
         "class=\"track\"/><rect width=\"" +
         FormatNumber(width, 1) + "\" height=\"8\" rx=\"3\" class=\"fill " +
         std::string(LightName(light)) + "\"/></svg><div class=\"muted\">" + caption + "</div>";
}

std::string MonthText(Period period) {
  return std::to_string(period.year) + "年" + std::to_string(period.month) + "月";
}

std::string ValueText(std::optional<double> value, Grade grade, const Target& target) {
  if (grade != Grade::kNone) return std::string(GradeName(grade));
  if (!value) return "—";
  return EscapeHtml(FormatQuantity(*value, target));
}

std::string PercentText(std::optional<double> ratio, int decimals) {
  if (!ratio) return "—";
  return FormatNumber(*ratio * 100, decimals) + "%";
}

std::string WanYuanText(double yuan) { return FormatGrouped(yuan / 10000, 2) + "万元"; }

std::string CsrfField(std::string_view csrf) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + EscapeHtml(csrf) + "\">";
}

std::string Option(std::string_view value, std::string_view label, std::string_view current) {
  return "<option value=\"" + EscapeHtml(value) + "\"" + (value == current ? " selected" : "") +
         ">" + EscapeHtml(label) + "</option>";
}

}  // namespace console_internal

namespace {

// The published unit's scale: a percentage is written ×100.
double Scale(const PublishedUnit& unit) { return unit.unit == "%" ? 0.01 : unit.multiplier; }

std::string Coordinate(double value) { return FormatNumber(value, 1); }

// Gridline labels in the published unit, as short as the round steps allow: 15万元, 20%.
std::string AxisLabel(double value, const PublishedUnit& unit) {
  const double scale = Scale(unit);
  return FormatNumber(value / scale, 2) +
         std::string(unit.unit == "%" ? std::string_view() : MultiplierPrefix(scale)) + unit.unit;
}

}  // namespace

std::vector<double> ChartTicks(double highest, const PublishedUnit& unit) {
  const double scale = Scale(unit);
  // A little above the highest point, so it does not touch the frame; a rate within 100% stays
  // within it.
  double reach = std::max(highest / scale, 0.0) * 1.05;
  if (unit.unit == "%" && highest <= 1) reach = std::min(reach, 100.0);
  if (reach <= 0) reach = 1;
  const bool whole = IsCumulativeUnit(unit.unit) && scale == 1;
  constexpr int kMostSteps = 5;
  double step = std::pow(10, std::floor(std::log10(reach / kMostSteps)));
  for (int i = 0; std::ceil(reach / step - 1e-9) > kMostSteps || (whole && step < 1); ++i) {
    step *= i % 3 == 1 ? 2.5 : 2;  // 1 → 2 → 5 → 10 → 20 …
  }
  std::vector<double> ticks;
  const int steps = static_cast<int>(std::ceil(reach / step - 1e-9));
  for (int i = 0; i <= steps; ++i) ticks.push_back(i * step * scale);
  return ticks;
}

std::string LineChartSvg(const ChartSeries& series, std::string_view title) {
  constexpr double kWidth = 360, kHeight = 180, kRight = 10, kTop = 12, kBottom = 24;
  double highest = series.target.value_or(0);
  for (size_t m = 0; m < 12; ++m) {
    highest = std::max({highest, series.actual[m].value_or(0), series.expected[m].value_or(0)});
  }
  const std::vector<double> ticks = ChartTicks(highest, series.unit);
  const double top = ticks.back();
  // Room for the widest label at 11px (a CJK character is about 11, a digit about 6): none is
  // clipped at the left edge.
  size_t widest = 0;
  for (double tick : ticks) widest = std::max(widest, DisplayWidth(AxisLabel(tick, series.unit)));
  const double left = 8 + 5.8 * static_cast<double>(widest);
  auto x = [&](int month) { return left + (kWidth - left - kRight) * (month - 0.5) / 12; };
  auto y = [&](double value) { return kTop + (kHeight - kTop - kBottom) * (1 - value / top); };
  std::string svg = "<svg class=\"chart\" viewBox=\"0 0 360 180\" role=\"img\" aria-label=\"" +
                    EscapeHtml(title) + "\" xmlns=\"http://www.w3.org/2000/svg\">";
  if (series.reverse && series.target) {
    svg += "<rect class=\"over-limit\" x=\"" + Coordinate(left) + "\" y=\"" + Coordinate(kTop) +
           "\" width=\"" + Coordinate(kWidth - left - kRight) + "\" height=\"" +
           Coordinate(y(*series.target) - kTop) + "\" fill=\"#fde8e8\"><title>超出目标 " +
           EscapeHtml(FormatQuantity(*series.target, series.unit)) + "</title></rect>";
  }
  for (double value : ticks) {
    svg += "<line x1=\"" + Coordinate(left) + "\" x2=\"" + Coordinate(kWidth - kRight) +
           "\" y1=\"" + Coordinate(y(value)) + "\" y2=\"" + Coordinate(y(value)) +
           "\" stroke=\"#e4e7eb\"/><text x=\"" + Coordinate(left - 4) + "\" y=\"" +
           Coordinate(y(value) + 4) + "\" text-anchor=\"end\">" +
           EscapeHtml(AxisLabel(value, series.unit)) + "</text>";
  }
  for (int month = 1; month <= 12; ++month) {
    svg += "<text x=\"" + Coordinate(x(month)) + "\" y=\"" + Coordinate(kHeight - 6) +
           "\" text-anchor=\"middle\">" + std::to_string(month) + "</text>";
  }
  if (series.target) {
    svg += "<line class=\"target\" x1=\"" + Coordinate(left) + "\" x2=\"" +
           Coordinate(kWidth - kRight) + "\" y1=\"" + Coordinate(y(*series.target)) + "\" y2=\"" +
           Coordinate(y(*series.target)) +
           "\" stroke=\"#c81e1e\" stroke-dasharray=\"6 4\"><title>目标 " +
           EscapeHtml(FormatQuantity(*series.target, series.unit)) + "</title></line>";
  }
  auto polyline = [&](const std::array<std::optional<double>, 12>& values, int last,
                      const char* css_class, const char* colour, bool dots) {
    std::string points, circles;
    for (int m = 1; m <= last; ++m) {
      if (!values[m - 1]) continue;
      const std::string px = Coordinate(x(m)), py = Coordinate(y(*values[m - 1]));
      points += (points.empty() ? "" : " ") + px + "," + py;
      if (dots) {
        circles += "<circle cx=\"" + px + "\" cy=\"" + py + "\" r=\"3\" fill=\"" + colour +
                   "\"><title>" + std::to_string(m) + "月 " +
                   EscapeHtml(FormatQuantity(*values[m - 1], series.unit)) + "</title></circle>";
      }
    }
    if (points.empty()) return std::string();
    return "<polyline class=\"" + std::string(css_class) + "\" fill=\"none\" stroke=\"" + colour +
           "\" stroke-width=\"2\"" + (dots ? "" : " stroke-dasharray=\"2 3\"") + " points=\"" +
           points + "\"/>" + circles;
  };
  svg += polyline(series.expected, series.last_month, "expected", "#7b8794", false);
  svg += polyline(series.actual, 12, "actual", "#1d4ed8", true);
  svg += "</svg>";
  return svg;
}

}  // namespace ptmon
