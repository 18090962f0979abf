#include "spreadsheet.h"

#include <charconv>
#include <optional>
#include <stdexcept>

#include <xlsxwriter.h>

#include <ptmon/base/file_system.h>

namespace ptmon::testing_support {

namespace {

std::optional<double> PlainNumber(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string XlsxReport(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows) {
  auto written = ThroughTemporaryFile(".xlsx", [&](const std::string& path) {
    lxw_workbook* workbook = workbook_new(path.c_str());
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, "月报");
    lxw_format* percent = workbook_add_format(workbook);
    format_set_num_format(percent, "0.00%");
    lxw_format* month = workbook_add_format(workbook);
    format_set_num_format(month, "yyyy-mm");
    for (lxw_col_t c = 0; c < header.size(); ++c)
      worksheet_write_string(sheet, 0, c, header[c].c_str(), nullptr);
    for (lxw_row_t r = 0; r < rows.size(); ++r) {
      for (lxw_col_t c = 0; c < rows[r].size(); ++c) {
        const std::string& text = rows[r][c];
        const std::string_view digits = text.ends_with('%')
                                            ? std::string_view(text).substr(0, text.size() - 1)
                                            : std::string_view(text);
        if (c < header.size() && header[c] == "period" && text.size() == 7 && text[4] == '-') {
          lxw_datetime date{std::stoi(text.substr(0, 4)), std::stoi(text.substr(5, 2)), 1, 0, 0, 0};
          worksheet_write_datetime(sheet, r + 1, c, &date, month);
        } else if (auto number = PlainNumber(digits); number && digits.size() < text.size()) {
          worksheet_write_number(sheet, r + 1, c, *number / 100, percent);
        } else if (number) {
          worksheet_write_number(sheet, r + 1, c, *number, nullptr);
        } else if (!text.empty()) {
          worksheet_write_string(sheet, r + 1, c, text.c_str(), nullptr);
        }
      }
    }
    return workbook_close(workbook) == LXW_NO_ERROR ? Status::Ok()
                                                    : Status::IoError("cannot write " + path);
  });
  if (!written.ok()) throw std::runtime_error(written.status().message());
  return std::move(written).value();
}

}  // namespace ptmon::testing_support
