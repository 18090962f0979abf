#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <future>
#include <limits>
#include <map>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include <ptmon/base/text.h>
#include <ptmon/ingest/actuals.h>
#include <ptmon/tables/layout.h>
#include <ptmon/tables/xlsx.h>

#include "report_checker.h"

namespace ptmon {

namespace checking {

namespace {

// Checks the records `reader` reads until it reaches `stop_at` (or the text's end, an error or
// the checker's limit of errors); calls `progressed` with the reader's offset every megabyte.
// Returns how many data rows it met.
size_t CheckCsvRecords(CsvReader& reader, size_t stop_at,
                       const std::vector<std::string_view>& header,
                       const std::map<Column, size_t>& columns, ReportChecker& checker,
                       Submission& submission, const std::function<void(size_t)>& progressed) {
  CsvRow row;
  size_t data_rows = 0;
  bool in_footer = false;
  CarryDown carry;
  size_t next_progress = reader.offset() + (1 << 20);
  while (reader.offset() < stop_at && reader.Next(row)) {
    if (row.fields.size() == 1 && Trim(row.fields[0]).empty()) continue;  // blank line
    // A signature footer (填报人：…) and the lines after it are not values; nor is a note.
    if (in_footer || IsFooterRow(row.fields)) {
      in_footer = true;
      continue;
    }
    if (IsNoteRow(row.fields)) continue;
    ++data_rows;
    if (row.fields.size() != header.size()) {
      checker.Error(row.line, 0,
                    "这一行有 " + std::to_string(row.fields.size()) + " 列, 表头有 " +
                        std::to_string(header.size()) + " 列",
                    "this row has " + std::to_string(row.fields.size()) +
                        " cells but the header has " + std::to_string(header.size()));
      continue;
    }
    RawRow raw = RowFrom(columns, header, row.fields, row.line);
    carry.Apply(raw);
    checker.Check(raw, submission);
    if (reader.offset() >= next_progress) {
      progressed(reader.offset());
      next_progress = reader.offset() + (1 << 20);
    }
  }
  return data_rows;
}

// How many times `byte` occurs in `text`, eight bytes at a time: the line and quote counts
// that precede the split read a province's 45 MB file three times, before the second thread
// can start; a byte at a time that was 50 ms of the first thread's.
size_t CountByte(std::string_view text, char byte) {
  constexpr uint64_t kLow = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t spread = 0x0101010101010101ULL * static_cast<unsigned char>(byte);
  size_t count = 0;
  size_t pos = 0;
  for (; pos + 8 <= text.size(); pos += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + pos, 8);
    const uint64_t x = word ^ spread;  // a zero byte where `byte` was
    // The high bit of each byte is set where that byte is not zero, exactly (no carries);
    // the ones left where it is zero are summed by one multiplication (no popcount
    // instruction is assumed of the machine).
    const uint64_t nonzero = (((x & kLow) + kLow) | x) & ~kLow;
    count += static_cast<size_t>((((~nonzero & ~kLow) >> 7) * 0x0101010101010101ULL) >> 56);
  }
  for (; pos < text.size(); ++pos) count += text[pos] == byte ? 1 : 0;
  return count;
}

// Where a file's records may be split between two threads: the first line break after the
// middle that no quoted cell spans, found by counting quotes (a "" in a quoted cell counts
// twice). A quote inside an unquoted cell, which the reader keeps as text, throws the count
// off; the caller therefore takes the second part only when the first reader ends exactly here.
std::optional<size_t> SplitPoint(std::string_view text, size_t from) {
  const size_t middle = from + (text.size() - from) / 2;
  const size_t quotes_before = CountByte(text.substr(from, middle - from), '"');
  bool quoted = quotes_before % 2 == 1;
  for (size_t pos = middle; pos + 1 < text.size(); ++pos) {
    if (text[pos] == '"') {
      quoted = !quoted;
    } else if (text[pos] == '\n' && !quoted) {
      return pos + 1;
    }
  }
  return std::nullopt;
}

// The first record from `from` on whose project and period cells are written (a blank one
// takes the cell above, which the second part would not know); nothing within 1000 records.
std::optional<size_t> SplitWithoutCarry(std::string_view text, size_t from,
                                        const std::map<Column, size_t>& columns,
                                        const CsvLimits& limits) {
  CsvReader reader(text.substr(from), limits);
  CsvRow row;
  for (int tried = 0; tried < 1000; ++tried) {
    const size_t start = from + reader.offset();
    if (!reader.Next(row)) return std::nullopt;
    const bool written = std::all_of(columns.begin(), columns.end(), [&](const auto& entry) {
      const auto& [column, index] = entry;
      if (column != Column::kProject && column != Column::kPeriod) return true;
      return index < row.fields.size() && !Trim(row.fields[index]).empty();
    });
    if (written) return start;
  }
  return std::nullopt;
}

}  // namespace

void ParseCsvReport(std::string_view bytes, const std::string& file_name,
                    const ParseOptions& options, ReportChecker& checker, Submission& submission,
                    Diagnostics& diagnostics) {
  // UTF-8 (the common case) is read in place; other encodings are converted first.
  std::string converted;
  std::string_view text = bytes.starts_with("\xEF\xBB\xBF") ? bytes.substr(3) : bytes;
  if (options.encoding == TextEncoding::kGb18030 || !IsValidUtf8(text)) {
    int error_line = 0;
    auto decoded = DecodeText(bytes, options.encoding, &error_line);
    if (!decoded.ok()) {
      diagnostics.Error(file_name, error_line, 0, decoded.status().message());
      return;
    }
    converted = std::move(decoded).value();
    text = converted;
  }
  CsvReader reader(text, options.csv_limits);
  // The header is the first record naming a report column, below any title line; without one
  // in the first records, the first record is taken as the header, so its errors are told.
  TableLayout layout(IsReportHeader);
  CsvRow header_row;
  std::optional<std::pair<int, std::vector<std::string>>> first_record;
  while (!layout.found() && !layout.gave_up() && reader.Next(header_row)) {
    if (!first_record && !(header_row.fields.size() == 1 && Trim(header_row.fields[0]).empty())) {
      first_record.emplace(header_row.line, std::vector<std::string>(header_row.fields.begin(),
                                                                     header_row.fields.end()));
    }
    layout.Row(header_row.fields, header_row.line);
  }
  if (!reader.status().ok() || !first_record) {
    diagnostics.Error(file_name, reader.status().ok() ? 1 : reader.error_line(), 0,
                      reader.status().ok()
                          ? "文件是空的 / the file is empty; it needs a header row "
                            "(项目,指标,期间,完成值) and one row per value"
                          : reader.status().message());
    return;
  }
  if (!layout.found()) {
    // No header: the first record's cells, which name no column, are reported as unknown.
    const auto& [line, cells] = *first_record;
    MapHeader(std::vector<std::string_view>(cells.begin(), cells.end()), line, false, checker);
    return;
  }
  const int header_line = layout.header_line();
  const std::vector<std::string>& header_cells = layout.header();
  const std::vector<std::string_view> header(header_cells.begin(), header_cells.end());
  const auto columns = MapHeader(header, header_line, false, checker);
  if (!columns) return;
  const auto lines_in = [&](size_t from, size_t to) {
    return CountByte(text.substr(from, to - from), '\n');
  };
  // A large file is checked on two threads, each reading half of its records. Only where the
  // reader's limit of rows cannot be reached: then one reader meets it, and names its line.
  const size_t lines = lines_in(0, text.size());
  std::optional<size_t> split = text.size() - reader.offset() >= options.split_from_bytes &&
                                        lines < options.csv_limits.max_rows &&
                                        std::thread::hardware_concurrency() > 1
                                    ? SplitPoint(text, reader.offset())
                                    : std::nullopt;
  // The second part starts on a row that carries nothing down from the first (CarryDown), so
  // both parts find what one reader would.
  if (split) split = SplitWithoutCarry(text, *split, *columns, options.csv_limits);
  const size_t first_part_end = split.value_or(text.size());
  // One value per line at most; the exact reservation spares a million-row file its regrowths.
  submission.values.reserve(lines + 1);
  std::atomic<size_t> second_part_done = 0;
  const auto report_progress = [&](size_t offset) {
    if (options.on_progress) options.on_progress(offset + second_part_done, text.size());
  };

  struct SecondPart {
    Diagnostics diagnostics;
    Submission submission;
    std::optional<ReportChecker> checker;
    size_t data_rows = 0;
    int first_line = 0;
    Status status;
    int error_line = 0;
  } second;
  std::future<void> second_checked;
  if (split) {
    second.first_line = reader.line() + static_cast<int>(lines_in(reader.offset(), *split));
    ReportChecker& second_checker = second.checker.emplace(checker.Sibling(second.diagnostics));
    second_checked = std::async(std::launch::async, [&] {
      second.submission.values.reserve(lines_in(*split, text.size()) + 1);
      CsvReader second_reader(text.substr(*split), options.csv_limits, second.first_line);
      second.data_rows =
          CheckCsvRecords(second_reader, text.size(), header, *columns, second_checker,
                          second.submission, [&](size_t offset) { second_part_done = offset; });
      second.status = second_reader.status();
      second.error_line = second_reader.error_line();
    });
  }
  size_t data_rows = CheckCsvRecords(reader, first_part_end, header, *columns, checker, submission,
                                     report_progress);
  if (split) {
    second_checked.get();
    const bool met =
        reader.status().ok() && reader.offset() == *split && reader.line() == second.first_line;
    if (met) {
      checker.Absorb(*second.checker, std::move(second.submission), submission);
      diagnostics.Append(second.diagnostics);
      data_rows += second.data_rows;
      if (!second.status.ok()) {
        diagnostics.Error(file_name, second.error_line, 0, second.status.message());
        return;
      }
    } else if (reader.status().ok()) {
      // The quotes misled the split: this reader reads on, the second part's findings unused.
      data_rows += CheckCsvRecords(reader, text.size(), header, *columns, checker, submission,
                                   report_progress);
    }
  }
  if (!reader.status().ok()) {
    diagnostics.Error(file_name, reader.error_line(), 0, reader.status().message());
    return;
  }
  if (data_rows == 0) {
    checker.Error(header_line, 0, "只有表头, 没有数据",
                  "the file has a header but no rows of values");
  }
}

}  // namespace checking

std::string Submission::MainReporter() const {
  std::vector<size_t> counts(reporters.size(), 0);
  for (const auto& value : values) ++counts[value.reporter];
  size_t best = 0;  // "" unless some value names a reporter
  for (size_t i = 1; i < counts.size(); ++i) {
    if (counts[i] > (best == 0 ? 0 : counts[best])) best = i;
  }
  return reporters[best];
}

std::optional<Period> ParsePeriod(std::string_view raw) {
  const std::string folded = FoldFullWidth(raw);
  std::string_view text = folded;
  size_t pos = 0;
  // Reads 1 to `max` digits at pos.
  auto number = [&](size_t max) -> std::optional<int> {
    int value = 0;
    size_t digits = 0;
    while (pos < text.size() && digits < max && text[pos] >= '0' && text[pos] <= '9') {
      value = value * 10 + (text[pos++] - '0');
      ++digits;
    }
    return digits == 0 ? std::nullopt : std::optional<int>(value);
  };
  auto literal = [&](std::string_view expected) {
    if (!text.substr(pos).starts_with(expected)) return false;
    pos += expected.size();
    return true;
  };
  std::optional<int> year, month, day;
  const bool all_digits = text.find_first_not_of("0123456789") == std::string_view::npos;
  if (text.size() == 6 && all_digits) {  // 202607
    year = number(4);
    month = number(2);
  } else {
    year = number(4);
    if (!year || pos != 4) return std::nullopt;
    if (literal("年")) {
      month = number(2);
      if (!literal("月")) return std::nullopt;
    } else {
      for (std::string_view separator : {"-", "/", "."}) {
        if (!literal(separator)) continue;
        month = number(2);
        if (pos < text.size() && (separator != "." && literal(separator))) {
          day = number(2);
          if (!day) return std::nullopt;
        }
        break;
      }
    }
  }
  if (!year || !month || pos != text.size()) return std::nullopt;
  if (*year < 2000 || *year > 2100 || *month < 1 || *month > 12) return std::nullopt;
  if (day && (*day < 1 || *day > DaysInMonth(*year, *month))) return std::nullopt;
  return Period{*year, *month};
}

namespace {

// The checks of a report as a whole, once every row is read: among the rows that passed, even
// when others did not, so one pass names every problem.
void FinishChecks(checking::ReportChecker& checker, const ParseOptions& options,
                  Submission& submission, Diagnostics& diagnostics) {
  checker.CheckDuplicates(submission);
  checker.CheckSpendingTotals(submission);
  if (options.values_before) checker.CompareWithBefore(submission, options.values_before);
  diagnostics.SortByPlace();
  submission.years.assign(checker.years().begin(), checker.years().end());
}

}  // namespace

Submission ParseReport(std::string_view bytes, ReportFormat format, const std::string& file_name,
                       const Catalog& catalog, Date today, const ParseOptions& options,
                       Diagnostics& diagnostics) {
  Submission submission;
  ParseReport(bytes, format, file_name, catalog, today, options, diagnostics, submission);
  return submission;
}

void ParseReport(std::string_view bytes, ReportFormat format, const std::string& file_name,
                 const Catalog& catalog, Date today, const ParseOptions& options,
                 Diagnostics& diagnostics, Submission& submission) {
  checking::ReportChecker checker(file_name, catalog, today, diagnostics);
  if (format != ReportFormat::kXlsx && bytes.find('\0') != std::string_view::npos) {
    // A workbook under a .csv name (or posted as CSV) is read once it is named for what it is.
    diagnostics.Error(
        file_name, 0, 0,
        bytes.starts_with("PK\x03\x04")
            ? "这是 Excel 工作簿, 请以 .xlsx 为扩展名提交 / this is an Excel workbook, "
              "not a CSV file; give it the .xlsx extension (or post it with "
              "?format=xlsx)"
            : "这不是文本文件 / this is not a text file (it contains binary data); "
              "save the report as CSV or YAML, or send a workbook as .xlsx");
    return;
  }
  if (format == ReportFormat::kCsv) {
    checking::ParseCsvReport(bytes, file_name, options, checker, submission, diagnostics);
  } else if (format == ReportFormat::kXlsx) {
    checking::ParseXlsxReport(bytes, file_name, options, checker, submission, diagnostics);
  } else {
    checking::ParseYamlReport(bytes, file_name, checker, submission, diagnostics);
  }
  if (options.once_rows_read) options.once_rows_read(submission);
  FinishChecks(checker, options, submission, diagnostics);
}

Submission CheckReportRows(const std::vector<ReportRow>& rows, const std::string& source,
                           const Catalog& catalog, Date today, const ParseOptions& options,
                           Diagnostics& diagnostics) {
  Submission submission;
  checking::ReportChecker checker(source, catalog, today, diagnostics);
  std::vector<std::string> value_labels;
  for (const ReportRow& row : rows) value_labels.push_back(row.cells[0].label);
  checker.SetValueLabels(std::move(value_labels));
  int line = 0;
  for (const ReportRow& row : rows) {
    ++line;
    // The row's own cells have no box of their own on a form: their problems are the row's.
    auto unboxed = [&](const std::string& text, std::string_view label) {
      return checking::Field{text, label, line, 0, true};
    };
    auto boxed = [&](ReportRowColumn column) {
      const ReportRowCell& cell = row.cells[static_cast<size_t>(column)];
      return checking::Field{cell.text, cell.label, line, static_cast<int>(column) + 1, true};
    };
    checking::RawRow raw;
    raw.line = line;
    raw.project = unboxed(row.project, "项目");
    raw.indicator = unboxed(row.indicator, "指标");
    raw.period = unboxed(row.period, "期间");
    raw.value = boxed(ReportRowColumn::kValue);
    raw.reason_category = boxed(ReportRowColumn::kReasonCategory);
    raw.reason = boxed(ReportRowColumn::kReason);
    raw.action = boxed(ReportRowColumn::kAction);
    raw.likelihood = boxed(ReportRowColumn::kLikelihood);
    raw.reporter = unboxed(row.reporter, "填报人");
    checker.Check(raw, submission);
  }
  FinishChecks(checker, options, submission, diagnostics);
  return submission;
}

std::function<StoredValueView(size_t)> StoredValues(const Submission& submission,
                                                    const Catalog& catalog) {
  return [&submission, &catalog](size_t i) {
    const CheckedValue& value = submission.values[i];
    const Project& project = catalog.projects[value.project];
    StoredValueView view;
    view.project_id = project.id;
    view.indicator_id = value.indicator == -1 ? kSpentIndicator
                        : value.indicator < 0
                            ? kSpentBySourceIds[SpentSourceRow(value.indicator)]
                            : std::string_view(project.indicators[value.indicator].id);
    view.period = value.period;
    if (value.grade == Grade::kNone) view.value = value.value;
    view.grade = GradeName(value.grade);
    if (value.notes > 0) {
      const ValueNotes& notes = submission.notes[value.notes - 1];
      view.reason_category = notes.reason_category;
      view.reason = notes.reason;
      view.action = notes.action;
      view.likelihood = notes.likelihood;
    }
    view.reporter = submission.reporters[value.reporter];
    return view;
  };
}

}  // namespace ptmon
