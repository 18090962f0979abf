// `ptmon import`: a catalogue from a unit's published target tables. Each input is read by what
// it is — a PDF (through poppler's pdftotext), a workbook, a CSV export or the text of a
// disclosure — and the catalogue written is loaded back before the command says it is usable.
#include <filesystem>
#include <iostream>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ptmon/base/file_system.h>
#include <ptmon/base/text.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/import/catalog_import.h>
#include <ptmon/ingest/csv.h>
#include <ptmon/ingest/xlsx.h>

#include "cli.h"

extern char** environ;

namespace ptmon::cli {

namespace {

// The text of a PDF's tables: poppler's layout analysis (pdftotext -bbox-layout), each text
// block a cell, rebuilt into rows.
Result<std::string> PdfText(const std::string& path) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return Status::IoError("cannot make a pipe for pdftotext");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::string program = "pdftotext", layout = "-bbox-layout", encoding = "-enc", utf8 = "UTF-8",
              file = path, to_stdout = "-";
  char* argv[] = {program.data(), layout.data(),    encoding.data(), utf8.data(),
                  file.data(),    to_stdout.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "pdftotext", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    return Status::IoError(path +
                           ": cannot run pdftotext (apt install poppler-utils) to read "
                           "the PDF; or give its text, pdftotext -layout FILE.pdf");
  }
  // A PDF's layout is about 60 times its text; a document whose layout passes this bound is
  // not a unit's disclosure, and reading on would only exhaust memory.
  constexpr size_t kMaxLayoutBytes = size_t{512} << 20;
  std::string text;
  char buffer[65536];
  bool too_large = false;
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxLayoutBytes) {
      too_large = true;
      kill(pid, SIGKILL);
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_large) {
    return Status::Error(path +
                         ": the PDF's layout passes 512 MB; give the pages with the "
                         "target tables only (pdfseparate, or print them to a new PDF)");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Error(path + ": pdftotext could not read this PDF (damaged, or protected)");
  }
  return DisclosureTextFromPdfLayout(text);
}

std::vector<std::vector<std::string>> CsvRows(std::string_view text, Status& status) {
  std::vector<std::vector<std::string>> rows;
  CsvReader reader(text);
  CsvRow row;
  while (reader.Next(row)) {
    rows.emplace_back(row.fields.begin(), row.fields.end());
  }
  status = reader.status();
  return rows;
}

constexpr int kMaxTableColumns = 256;
constexpr size_t kMaxLaidOutCells = 10'000'000;

// The first sheet with a target-table header, its cells laid out as rows.
Result<ImportedCatalog> ImportWorkbook(std::string_view bytes, const std::string& path) {
  auto workbook = ReadXlsx(bytes);
  if (!workbook.ok()) return Status::Error(path + ": " + workbook.status().message());
  Status last = Status::Error(path + ": no sheet holds a target table");
  for (const auto& sheet : workbook->sheets) {
    if (sheet.hidden) continue;
    std::vector<std::vector<std::string>> rows;
    size_t laid_out = 0;  // cells of the rows as laid out, blanks between included
    for (const auto& cell : sheet.cells) {
      // A target table has a dozen columns; far-right cells of a hostile sheet are not laid out.
      if (cell.column > kMaxTableColumns) continue;
      if (static_cast<int>(rows.size()) < cell.row) rows.resize(static_cast<size_t>(cell.row));
      auto& row = rows[static_cast<size_t>(cell.row - 1)];
      if (static_cast<int>(row.size()) < cell.column) {
        laid_out += static_cast<size_t>(cell.column) - row.size();
        if (laid_out > kMaxLaidOutCells) {
          return Status::Error(path + ":" + sheet.name +
                               ": the sheet is too large to be a target table; keep only the "
                               "table's rows and columns");
        }
        row.resize(static_cast<size_t>(cell.column));
      }
      row[static_cast<size_t>(cell.column - 1)] =
          cell.kind == XlsxCell::Kind::kNumber ? ExcelNumberText(cell.number) : cell.text;
    }
    auto imported = ImportTargetTable(rows, 1, path + ":" + sheet.name);
    if (imported.ok()) return imported;
    last = imported.status();
  }
  return last;
}

Result<ImportedCatalog> ImportOne(const std::string& path) {
  auto contents = PosixFileSystem().ReadFile(path, {});
  if (!contents.ok()) return contents.status();
  const std::string& bytes = contents->bytes;
  const std::string name = std::filesystem::path(path).filename().string();
  if (bytes.rfind("%PDF", 0) == 0) {
    auto text = PdfText(path);
    if (!text.ok()) return text.status();
    return ImportDisclosureText(*text, name);
  }
  if (bytes.rfind("PK\x03\x04", 0) == 0) return ImportWorkbook(bytes, name);
  int bad_line = 0;
  auto text = DecodeText(bytes, TextEncoding::kAuto, &bad_line);
  if (!text.ok()) {
    return Status::Error(name + ":" + std::to_string(bad_line) + ": " + text.status().message());
  }
  if (text->find("项目支出绩效目标表") != std::string::npos) {
    return ImportDisclosureText(*text, name);
  }
  Status csv_status;
  auto rows = CsvRows(*text, csv_status);
  if (!csv_status.ok()) return Status::Error(name + ": " + csv_status.message());
  return ImportTargetTable(rows, 1, name);
}

}  // namespace

int RunImport(const std::vector<std::string>& inputs, const std::string& out,
              std::optional<int> year) {
  std::vector<ImportedCatalog> imports;
  for (const auto& input : inputs) {
    auto imported = ImportOne(input);
    if (!imported.ok()) {
      std::cerr << "ptmon: " << imported.status().message() << "\n";
      continue;
    }
    imports.push_back(std::move(imported).value());
  }
  if (imports.empty()) {
    std::cerr << "ptmon: nothing usable was found: no catalogue written\n";
    return kExitRefused;
  }
  ImportedCatalog catalog = MergeImports(std::move(imports));
  if (year) catalog.year = year;
  if (!catalog.year) {
    catalog.reviews.push_back({0, "no year found in the tables; give it with --year"});
  }
  const std::string yaml = WriteCatalogYaml(catalog);
  const std::vector<std::string> reviews = ReviewList(catalog);
  if (int written = WriteOutput(yaml, out); written != kExitOk) return written;
  size_t indicators = 0;
  for (const auto& project : catalog.projects) indicators += project.indicators.size();
  std::cerr << "ptmon: " << catalog.projects.size() << " projects, " << indicators
            << " indicators imported";
  if (!reviews.empty()) std::cerr << "; " << reviews.size() << " lines to review (# REVIEW:):";
  std::cerr << "\n";
  for (const auto& review : reviews) std::cerr << "  " << review << "\n";
  // What was written must load: otherwise say so, with the places, and exit 1.
  Diagnostics diagnostics;
  auto loaded = LoadCatalog({{out.empty() ? "<stdout>" : out, yaml}}, diagnostics);
  if (!loaded.ok()) {
    std::cerr << "ptmon: the catalogue written does not load yet; fix these, then run "
                 "ptmon check-config:\n"
              << diagnostics.ToString();
    return kExitRefused;
  }
  return kExitOk;
}

}  // namespace ptmon::cli
