// An RFC 4180 CSV reader for files saved by Excel: quoted fields with embedded commas, quotes
// and newlines, CRLF or LF, a UTF-8 BOM, or GBK/GB18030 text from Chinese Windows.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/status.h>

namespace ptmon {

enum class TextEncoding { kAuto, kUtf8, kGb18030 };

// Returns the text as UTF-8 without a BOM. kAuto takes valid UTF-8 as it is and decodes
// anything else as GB18030 (a superset of GBK); bytes that are neither fail, and `error_line`
// (when given) receives the line they are on.
Result<std::string> DecodeText(std::string_view bytes, TextEncoding encoding,
                               int* error_line = nullptr);
// UTF-8 → GB18030, for templates saved for old Excel versions.
Result<std::string> EncodeGb18030(std::string_view utf8);

struct CsvLimits {
  size_t max_field_bytes = 64 * 1024;
  size_t max_fields_per_row = 256;
  size_t max_rows = 5'000'000;
};

// One record; fields point into the text given to CsvReader (or into its scratch space for
// fields with doubled quotes), valid until the next call to Next().
struct CsvRow {
  int line = 0;  // the line the record starts on (1-based)
  std::vector<std::string_view> fields;
};

class CsvReader {
 public:
  // `first_line` numbers the text's first line: a reader of a file's later part counts on from
  // where the part begins.
  CsvReader(std::string_view text, CsvLimits limits = {}, int first_line = 1)
      : text_(text), limits_(limits), line_(first_line) {}

  // Reads the next record into `row`; false at the end of the text or on an error, which
  // status() then describes and error_line() places.
  bool Next(CsvRow& row);
  const Status& status() const { return status_; }
  int error_line() const { return error_line_; }
  size_t offset() const { return pos_; }  // bytes consumed: where the next record begins
  int line() const { return line_; }      // the line the next record begins on

 private:
  std::string_view text_;
  CsvLimits limits_;
  size_t pos_ = 0;
  int line_ = 1;
  int error_line_ = 0;
  size_t rows_ = 0;
  Status status_;
  std::vector<std::string> unquoted_;  // storage for fields whose quotes had to be undoubled
};

}  // namespace ptmon
