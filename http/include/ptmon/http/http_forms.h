// What a browser sends: form bodies (application/x-www-form-urlencoded and multipart/form-data)
// and the Cookie header. Pure functions over bytes, bounded, so that a hostile request costs no
// more than its length (the fuzz target fuzz_console_forms drives them).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ptmon/base/status.h>

namespace ptmon {

// Fields in the order sent; a name sent twice keeps both.
struct FormFields {
  std::vector<std::pair<std::string, std::string>> fields;
  // The first value of `name`, or "".
  std::string Get(std::string_view name) const;
  bool Has(std::string_view name) const;
};

// Whether a secret a client sent (a token, a cookie, a form's CSRF field) is the one expected,
// in time independent of where they differ; both are hashed first, so the length of the expected
// one leaks nothing either.
bool SameSecret(const std::string& given, const std::string& expected);

// name=value&… with + as space and %XX escapes. Never fails: a pair without = has an empty
// value, empty pairs are skipped.
FormFields ParseUrlEncoded(std::string_view body);

struct FormPart {
  std::string name;
  std::string file_name;  // empty for an ordinary field
  std::string content_type;
  // Where the part's data lies in the body: a 60 MB file is never copied out of it.
  size_t offset = 0;
  size_t size = 0;
};

// A body too large to hold whole (the daemon's are spooled to disk): its size, a search from an
// offset, and small windows copied out.
class FormBody {
 public:
  virtual ~FormBody() = default;
  virtual size_t size() const = 0;
  // The first `needle` at or after `from`; npos when there is none.
  virtual size_t Find(std::string_view needle, size_t from) const = 0;
  // At most `length` bytes from `offset`.
  virtual std::string Read(size_t offset, size_t length) const = 0;
};

// The parts of a multipart/form-data body (RFC 7578) given the request's Content-Type; fails
// naming what is malformed: no boundary, a part without its Content-Disposition name, part
// headers over 16 KiB, a body that does not end with the closing boundary, or more than
// `max_parts` parts. Reads the body only through `Find` and windows of at most 16 KiB.
Result<std::vector<FormPart>> ParseMultipart(const FormBody& body, std::string_view content_type,
                                             size_t max_parts = 64);
// The same over bytes in memory; a part's data is body.substr(part.offset, part.size).
Result<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view content_type,
                                             size_t max_parts = 64);

// The cookies of a Cookie header ("a=1; b=2"); the first of a name wins (RFC 6265 §5.4 orders
// the more specific first).
std::map<std::string, std::string> ParseCookies(std::string_view header);

}  // namespace ptmon
