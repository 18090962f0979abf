// A CSV report on any bytes: encoding detection (UTF-8, else GB18030), the RFC 4180 reader,
// header mapping and every value check, against the embedded catalogue.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <ptmon/ingest/actuals.h>

#include "report_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ptmon::Diagnostics diagnostics;
  const ptmon::Submission submission = ptmon::ParseReport(
      bytes, ptmon::ReportFormat::kCsv, "fuzz.csv", ptmon::fuzzing::EmbeddedCatalog(),
      ptmon::Date{2026, 12, 31}, {}, diagnostics);
  // A file with problems yields no values to apply.
  if (diagnostics.has_errors() && submission.values.empty() == false &&
      diagnostics.error_count() == 0)
    __builtin_trap();
  ptmon::CsvReader reader(bytes);
  ptmon::CsvRow row;
  while (reader.Next(row)) {
  }
  return 0;
}
