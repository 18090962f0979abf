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
  ++error_count_;
  Hold({Severity::kError, std::move(file), row, column, std::move(message), std::move(sheet),
        sheet_order});
}

void Diagnostics::Warning(std::string file, int line, int column, std::string message) {
  ++warning_count_;
  Hold({Severity::kWarning, std::move(file), line, column, std::move(message), "", 0});
}

void Diagnostics::Hold(Diagnostic item) {
  items_.push_back(std::move(item));
  if (items_.size() >= 2 * listed_ + 1) Shrink();
}

void Diagnostics::Append(const Diagnostics& other) {
  error_count_ += other.error_count_;
  warning_count_ += other.warning_count_;
  for (const Diagnostic& item : other.all()) Hold(item);
}

const std::vector<Diagnostic>& Diagnostics::all() const {
  Shrink();
  return items_;
}

int Diagnostics::omitted() const {
  return error_count_ + warning_count_ - static_cast<int>(all().size());
}

void Diagnostics::Shrink() const {
  if (items_.size() <= listed_) return;
  // Ties go to the one found first, so what is listed does not depend on when trimming ran.
  std::vector<size_t> order(items_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto key = [this](size_t i) {
    const Diagnostic& d = items_[i];
    return std::tuple<Severity, const std::string&, int, int, int, size_t>(
        d.severity, d.file, d.sheet_order, d.line, d.column, i);
  };
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(listed_), order.end(),
                   [&](size_t a, size_t b) { return key(a) < key(b); });
  std::vector<bool> kept(items_.size(), false);
  for (size_t i = 0; i < listed_; ++i) kept[order[i]] = true;
  size_t next = 0;
  for (size_t i = 0; i < items_.size(); ++i) {
    if (!kept[i]) continue;
    if (next != i) items_[next] = std::move(items_[i]);  // moving onto itself would empty it
    ++next;
  }
  items_.resize(next);
}

std::string Diagnostics::OmittedLine() const {
  const int more = omitted();
  if (more == 0) return "";
  return "… 另有 " + std::to_string(more) + " 处问题未列出（共 " + std::to_string(error_count_) +
         " 处错误、" + std::to_string(warning_count_) + " 处警告）/ and " + std::to_string(more) +
         " more not listed (" + std::to_string(error_count_) + " error(s), " +
         std::to_string(warning_count_) + " warning(s) in all)";
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const auto& item : all()) out += item.ToString() + "\n";
  if (const std::string more = OmittedLine(); !more.empty()) out += more + "\n";
  return out;
}

void Diagnostics::SortByPlace() {
  Shrink();
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.sheet_order, a.line, a.column) <
           std::tie(b.file, b.sheet_order, b.line, b.column);
  });
}

}  // namespace ptmon
