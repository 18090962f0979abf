#include "bodies.h"

#include <cctype>
#include <cstdlib>
#include <string>

#include <zip.h>

#include <ptmon/api/write_api.h>
#include <ptmon/config/catalog_codec.h>
#include <ptmon/config/catalog_loader.h>
#include <ptmon/http/http_forms.h>
#include <ptmon/import/catalog_import.h>
#include <ptmon/indicators/target.h>
#include <ptmon/ingest/actuals.h>
#include <ptmon/ingest/ingestor.h>
#include <ptmon/tables/csv.h>

namespace ptmon::fuzzing {

namespace {

void Require(bool invariant) {
  if (!invariant) std::abort();
}

const Catalog& EmbeddedCatalog() {
  static const Catalog catalog = [] {
    Diagnostics diagnostics;
    return LoadCatalog({EmbeddedCatalogSource()}, diagnostics).value();
  }();
  return catalog;
}

void Report(std::string_view input, ReportFormat format, const char* name) {
  Diagnostics diagnostics;
  const Submission submission =
      ParseReport(input, format, name, EmbeddedCatalog(), Date{2026, 12, 31}, {}, diagnostics);
  // Every value that passed the checks names a project and period of the catalogue's year.
  for (const auto& value : submission.values) {
    Require(value.project < EmbeddedCatalog().projects.size());
    Require(value.period.year == 2026 && value.period.month >= 1 && value.period.month <= 12);
  }
}

// A workbook whose one sheet is `sheet_xml`, with the shared strings and styles a report uses.
std::string WorkbookWithSheet(std::string_view sheet_xml) {
  static constexpr std::string_view kMain =
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
  static constexpr std::string_view kRelationships =
      "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const std::pair<std::string, std::string> parts[] = {
      {"_rels/.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" Type=\"" +
           std::string(kRelationships) +
           "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
      {"xl/workbook.xml", "<workbook " + std::string(kMain) + " xmlns:r=\"" +
                              std::string(kRelationships) +
                              "\"><sheets><sheet name=\"S\" sheetId=\"1\" "
                              "r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" Type=\"" +
           std::string(kRelationships) +
           "/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"" +
           std::string(kRelationships) +
           "/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"" +
           std::string(kRelationships) + "/styles\" Target=\"styles.xml\"/></Relationships>"},
      {"xl/sharedStrings.xml",
       "<sst " + std::string(kMain) +
           "><si><t>项目</t></si><si><t>指标</t></si><si><t>期间</t></si><si><t>完成值</t></si>"
           "<si><t>building-maintenance</t></si><si><r><t>devices-</t></r><r><t>maintained</t></r>"
           "</si><si><t>user-satisfaction</t></si></sst>"},
      {"xl/styles.xml", "<styleSheet " + std::string(kMain) +
                            "><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"10\"/><xf "
                            "numFmtId=\"14\"/></cellXfs></styleSheet>"},
      {"xl/worksheets/sheet1.xml", std::string(sheet_xml)}};
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* memory = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = zip_open_from_source(memory, ZIP_TRUNCATE, &error);
  Require(archive != nullptr);
  zip_source_keep(memory);  // read the archive back after zip_close
  for (const auto& [name, text] : parts) {
    zip_source_t* part = zip_source_buffer(archive, text.data(), text.size(), 0);
    Require(part != nullptr && zip_file_add(archive, name.c_str(), part, ZIP_FL_ENC_UTF_8) >= 0);
  }
  Require(zip_close(archive) == 0);
  std::string bytes;
  zip_stat_t stat;
  Require(zip_source_stat(memory, &stat) == 0 && zip_source_open(memory) == 0);
  bytes.resize(stat.size);
  Require(zip_source_read(memory, bytes.data(), stat.size) == static_cast<zip_int64_t>(stat.size));
  zip_source_close(memory);
  zip_source_free(memory);
  return bytes;
}

// Splits the input into a query line, header lines and a body; the first byte decides whether
// the request carries the right token.
HttpRequest RequestFrom(std::string_view input, const std::string& token) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/api/v1/actuals";
  if (!input.empty() && (static_cast<unsigned char>(input[0]) & 1))
    request.headers["authorization"] = "Bearer " + token;
  if (!input.empty()) input.remove_prefix(1);
  size_t end = input.find('\n');
  request.query = std::string(input.substr(0, end));
  input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  while (!input.empty()) {
    end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(line.substr(colon + 1));
  }
  request.body = RequestBody(std::string(input));
  return request;
}

}  // namespace

void TargetExpression(std::string_view input) {
  auto target = ParseTarget(input);
  if (target.ok()) {
    Require(target->kind == TargetKind::kQualitative || (target->value && *target->value >= 0));
  }
  (void)ParseQuantity(input);
}

void CsvReport(std::string_view input) {
  Report(input, ReportFormat::kCsv, "fuzz.csv");
  CsvReader reader(input);
  CsvRow row;
  while (reader.Next(row)) {
  }
}

void YamlReport(std::string_view input) { Report(input, ReportFormat::kYaml, "fuzz.yaml"); }

void XlsxReport(std::string_view input) {
  // Mutated zips mostly fail their checksums before any XML is read, so an input whose first
  // byte is odd is taken as the XML of a sheet, packed into an otherwise valid workbook (a
  // workbook itself starts with an even 'P').
  if (!input.empty() && (static_cast<unsigned char>(input[0]) & 1) == 1) {
    const std::string workbook = WorkbookWithSheet(input.substr(1));
    Report(workbook, ReportFormat::kXlsx, "fuzz.xlsx");
  } else {
    Report(input, ReportFormat::kXlsx, "fuzz.xlsx");
  }
}

void CatalogFile(std::string_view input) {
  Diagnostics diagnostics;
  auto catalog = LoadCatalog({{"fuzz.yaml", std::string(input)}}, diagnostics);
  if (catalog.ok()) {
    const std::string encoded = EncodeCatalog(*catalog);
    auto decoded = DecodeCatalog(encoded);
    Require(decoded.ok() && EncodeCatalog(*decoded) == encoded);
  }
  (void)DecodeCatalog(input);
}

void WriteApi(std::string_view input) {
  static const std::string kToken = "fuzz-token-0123456789";
  static auto store = Store::Open(":memory:").value();
  static const FixedClock clock(Date{2026, 12, 31});
  static Ingestor ingestor(*store, EmbeddedCatalog(), clock, PosixFileSystem(),
                           InboxLayout{"/nonexistent", "/nonexistent", "/nonexistent"});
  // Scoped to one project, so a body naming another is refused whole (403).
  static const std::vector<ApiToken> kTokens = [] {
    ApiToken token;
    token.name = "fuzz";
    token.secret = kToken;
    token.projects = {"building-maintenance"};
    return std::vector<ApiToken>{token};
  }();
  const HttpResponse response =
      HandleWriteRequest(RequestFrom(input, kToken), kTokens, clock.Now(),
                         [](const std::string& name, std::string_view body, const Submitter& who) {
                           return ingestor.IngestBytes(name, body, who);
                         });
  Require(response.status == 200 || response.status == 400 || response.status == 401 ||
          response.status == 403 || response.status == 503);
}

// The input as a disclosure's text, as pdftotext's layout of a PDF, and as a CSV export: whatever
// is imported is written and loaded back without a crash, and a catalogue that loads keeps every
// usable indicator.
void CatalogImport(std::string_view input) {
  auto check = [](const Result<ImportedCatalog>& imported) {
    if (!imported.ok()) return;
    Diagnostics diagnostics;
    auto catalog = LoadCatalog({{"imported.yaml", WriteCatalogYaml(*imported)}}, diagnostics);
    (void)ReviewList(*imported);
    if (!catalog.ok()) return;
    size_t usable = 0;
    for (const auto& project : imported->projects) {
      size_t in_project = 0;
      for (const auto& indicator : project.indicators) in_project += indicator.usable ? 1 : 0;
      usable += in_project;
    }
    Require(catalog->IndicatorCount() == usable);
  };
  check(ImportDisclosureText(input, "fuzz.txt"));
  if (auto text = DisclosureTextFromPdfLayout(input); text.ok()) {
    check(ImportDisclosureText(*text, "fuzz.pdf"));
  }
  std::vector<std::vector<std::string>> rows;
  CsvReader reader(input);
  CsvRow row;
  while (reader.Next(row)) rows.emplace_back(row.fields.begin(), row.fields.end());
  check(ImportTargetTable(rows, 1, "fuzz.csv"));
}

// The first line is the Content-Type (with the boundary), the rest the body; the same bytes also
// go through the url-encoded and cookie parsers. Every part must lie within the body.
void ConsoleForms(std::string_view input) {
  const size_t newline = input.find('\n');
  const std::string_view type = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  if (auto parts = ParseMultipart(body, type, 16); parts.ok()) {
    size_t total = 0;
    for (const FormPart& part : *parts) {
      if (part.offset > body.size() || part.size > body.size() - part.offset) std::abort();
      total += part.size + part.name.size();
    }
    if (parts->size() > 16 || total > body.size()) std::abort();
  }
  const FormFields form = ParseUrlEncoded(body);
  if (form.fields.size() > body.size()) std::abort();
  ParseCookies(body);
}

Body BodyFor(std::string_view target) {
  if (target == "fuzz_console_forms") return ConsoleForms;
  if (target == "fuzz_target_expression") return TargetExpression;
  if (target == "fuzz_csv_report") return CsvReport;
  if (target == "fuzz_yaml_report") return YamlReport;
  if (target == "fuzz_xlsx_report") return XlsxReport;
  if (target == "fuzz_catalog") return CatalogFile;
  if (target == "fuzz_write_api") return WriteApi;
  if (target == "fuzz_catalog_import") return CatalogImport;
  return nullptr;
}

}  // namespace ptmon::fuzzing
