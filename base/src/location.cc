#include <algorithm>
#include <cctype>
#include <tuple>

#include <ptmon/base/location.h>
#include <ptmon/base/text.h>

namespace ptmon {

namespace {

// As a formula would name it: 'Sheet 1'!C7 needs the quotes, 项目!C7 does not.
std::string SheetReference(const std::string& sheet) {
  const bool plain = std::all_of(sheet.begin(), sheet.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c)) ||
           c == '_';
  });
  if (plain) return EscapeControl(sheet);
  std::string quoted = "'";
  for (char c : EscapeControl(sheet)) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::string CellName(int row, int column) {
  std::string letters;
  for (int c = column; c > 0; c = (c - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return row > 0 ? letters + std::to_string(row) : letters;
}

std::string Diagnostic::ToString() const {
  std::string out = EscapeControl(file);  // file names come from strangers' folders
  if (!sheet.empty()) {
    out += ":" + SheetReference(sheet);
    if (line > 0) {
      const std::string row = std::to_string(line);
      out += "!" + (column > 0 ? CellName(line, column) : row + ":" + row);
    }
  } else if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (severity == Severity::kWarning) out += "warning: ";
  out += message;
  return out;
}

void Diagnostics::Error(std::string file, int line, int column, std::string message) {
  ErrorInSheet(std::move(file), "", 0, line, column, std::move(message));
}

void Diagnostics::ErrorInSheet(std::string file, std::string sheet, int sheet_order, int row,
                               int column, std::string message) {
  Diagnostic& item = items_.emplace_back();
  item.file = std::move(file);
  item.sheet = std::move(sheet);
  item.sheet_order = sheet_order;
  item.line = row;
  item.column = column;
  item.message = std::move(message);
  ++error_count_;
}

void Diagnostics::Warning(std::string file, int line, int column, std::string message) {
  Diagnostic& item = items_.emplace_back();
  item.severity = Severity::kWarning;
  item.file = std::move(file);
  item.line = line;
  item.column = column;
  item.message = std::move(message);
}

void Diagnostics::Append(const Diagnostics& other, int max_errors) {
  for (const Diagnostic& item : other.items_) {
    if (item.severity == Severity::kError) {
      if (error_count_ >= max_errors) continue;
      ++error_count_;
    }
    items_.push_back(item);
  }
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const auto& item : items_) out += item.ToString() + "\n";
  return out;
}

void Diagnostics::SortByPlace() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.sheet_order, a.line, a.column) <
           std::tie(b.file, b.sheet_order, b.line, b.column);
  });
}

}  // namespace ptmon
