// `ptmon import`: a catalogue from a unit's published target tables. Each input is read by what
// it is — a PDF (through poppler's pdftotext), a workbook, a CSV export or the text of a
// disclosure — and the catalogue written is loaded back before the command says it is usable.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <tuple>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ptmon/base/file_system.h>
#include <ptmon/base/text.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/import/catalog_import.h>
#include <ptmon/tables/csv.h>
#include <ptmon/tables/layout.h>
#include <ptmon/tables/xlsx.h>

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

// Row by row into the catalogue: an export of tens of megabytes is never held as rows of cells.
Result<ImportedCatalog> ImportCsv(std::string_view text, const std::string& name) {
  TargetTableImport table(name);
  CsvReader reader(text);
  CsvRow row;
  while (reader.Next(row)) table.Row(row.fields, row.line);
  if (!reader.status().ok()) return Status::Error(name + ": " + reader.status().message());
  return table.Finish();
}

constexpr int kMaxTableColumns = 256;

// The first sheet with a target-table header, read row by row in the order the sheet lists its
// cells (by row, then column; a sheet saved in another order is put in that one first).
Result<ImportedCatalog> ImportWorkbook(std::string_view bytes, const std::string& path) {
  auto workbook = ReadXlsx(bytes);
  if (!workbook.ok()) return Status::Error(path + ": " + workbook.status().message());
  Status last = Status::Error(path + ": no sheet holds a target table");
  const auto before = [](const XlsxCell& a, const XlsxCell& b) {
    return std::tie(a.row, a.column) < std::tie(b.row, b.column);
  };
  for (auto& sheet : workbook->sheets) {
    if (sheet.hidden) continue;
    if (!std::is_sorted(sheet.cells.begin(), sheet.cells.end(), before))
      std::stable_sort(sheet.cells.begin(), sheet.cells.end(), before);
    FillMergedCells(sheet);  // a project's cells merged down its indicators' rows
    TargetTableImport table(path + ":" + sheet.name);
    std::vector<std::string> texts;  // the row being read, by column
    std::vector<std::string_view> row;
    int row_number = 0;
    const auto give_row = [&] {
      row.assign(texts.begin(), texts.end());
      if (!row.empty()) table.Row(row, row_number);
      texts.clear();
    };
    for (const auto& cell : sheet.cells) {
      // A target table has a dozen columns; far-right cells of a hostile sheet are not read.
      if (cell.column > kMaxTableColumns) continue;
      if (cell.row != row_number) {
        give_row();
        row_number = cell.row;
      }
      if (texts.size() < static_cast<size_t>(cell.column))
        texts.resize(static_cast<size_t>(cell.column));
      texts[static_cast<size_t>(cell.column - 1)] =
          cell.kind == XlsxCell::Kind::kNumber ? ExcelNumberText(cell.number) : cell.text;
    }
    give_row();
    auto imported = table.Finish();
    if (imported.ok()) return imported;
    last = imported.status();
  }
  return last;
}

Result<ImportedCatalog> ImportOne(const std::string& path) {
  auto contents = PosixFileSystem().ReadFile(path, {});
  if (!contents.ok()) return contents.status();
  std::string bytes = std::move(contents->bytes);
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
  std::string().swap(bytes);  // one copy of the file at a time
  if (text->find("项目支出绩效目标表") == std::string::npos &&
      text->find("绩效目标申报表") == std::string::npos) {
    return ImportCsv(*text, name);
  }
  auto disclosure = ImportDisclosureText(*text, name);
  if (disclosure.ok()) return disclosure;
  // A budget system's export is titled so too, above its header row.
  auto table = ImportCsv(*text, name);
  return table.ok() ? std::move(table) : std::move(disclosure);
}

// What was imported, and the reviews to do: every one is in the catalogue beside its line, the
// terminal gets the first ones.
void ReportImported(const ImportedCatalog& catalog) {
  const std::vector<std::string> reviews = ReviewList(catalog);
  size_t indicators = 0;
  for (const auto& project : catalog.projects) indicators += project.indicators.size();
  std::cerr << "ptmon: " << catalog.projects.size() << " projects, " << indicators
            << " indicators imported";
  if (!reviews.empty()) std::cerr << "; " << reviews.size() << " lines to review (# REVIEW:):";
  std::cerr << "\n";
  const size_t listed = std::min(reviews.size(), Diagnostics::kListed);
  for (size_t i = 0; i < listed; ++i) std::cerr << "  " << reviews[i] << "\n";
  if (reviews.size() > listed) {
    std::cerr << "  … 另有 " << reviews.size() - listed
              << " 条待核对, 见目录文件中的 # REVIEW: / and " << reviews.size() - listed
              << " more, each a # REVIEW: line in the catalogue\n";
  }
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
  std::string yaml = WriteCatalogYaml(catalog);
  if (int written = WriteOutput(yaml, out); written != kExitOk) return written;
  ReportImported(catalog);
  catalog = ImportedCatalog();  // what follows reads the YAML; the import's memory goes back
  // What was written must load: otherwise say so, with the places, and exit 1.
  std::vector<CatalogSource> sources;  // the text moved in: a province's is tens of megabytes
  sources.push_back({out.empty() ? "<stdout>" : out, std::move(yaml)});
  Diagnostics diagnostics;
  auto loaded = LoadCatalog(sources, diagnostics);
  if (!loaded.ok()) {
    std::cerr << "ptmon: the catalogue written does not load yet; fix these, then run "
                 "ptmon check-config:\n"
              << diagnostics.ToString();
    return kExitRefused;
  }
  return kExitOk;
}

}  // namespace ptmon::cli
