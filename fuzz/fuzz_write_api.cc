// The write API's request path on any bytes: the input is split into a query string, header
// lines and a body, and goes through authorization, format and name handling and a real
// ingest into an in-memory store.
#include <cstddef>
#include <cstdint>
#include <string>

#include <ptmon/ingest/ingestor.h>

#include "../daemon/service/write_api.h"
#include "report_fixture.h"

namespace {

const std::string kToken = "fuzz-token-0123456789";

ptmon::HttpRequest RequestFrom(std::string_view input) {
  ptmon::HttpRequest request;
  request.method = "POST";
  request.path = "/api/v1/actuals";
  size_t line_end = input.find('\n');
  request.query = std::string(input.substr(0, line_end));
  input = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
  // Header lines until an empty line; the first byte of the input decides whether the token is
  // right.
  while (!input.empty()) {
    line_end = input.find('\n');
    const std::string_view line = input.substr(0, line_end);
    input = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(line.substr(colon + 1));
  }
  request.body = std::string(input);
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto store = ptmon::Store::Open(":memory:").value();
  static const ptmon::FixedClock clock(ptmon::Date{2026, 12, 31});
  static ptmon::Ingestor ingestor(
      *store, ptmon::fuzzing::EmbeddedCatalog(), clock,
      ptmon::InboxLayout{"/nonexistent", "/nonexistent", "/nonexistent"});
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ptmon::HttpRequest request = RequestFrom(input.substr(size > 0 ? 1 : 0));
  if (size > 0 && (data[0] & 1)) request.headers["authorization"] = "Bearer " + kToken;
  const ptmon::HttpResponse response = ptmon::HandleWriteRequest(
      request, kToken, clock.Now(), [](const std::string& name, const std::string& body) {
        return ingestor.IngestBytes(name, body);
      });
  if (response.status != 200 && response.status != 400 && response.status != 401 &&
      response.status != 503) {
    __builtin_trap();
  }
  return 0;
}
