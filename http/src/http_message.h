// The request head as the server parses it and the status line as it writes it; internal to the
// http library (the connection in http_server.cc uses them, http_message.cc defines them with
// HttpRequest's and HttpResponse's own members).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <ptmon/http/http_server.h>

namespace ptmon::http_internal {

// The reason phrase of a status code ("Not Found"), "Status" for one it does not know.
const char* Reason(int status);

std::string Lower(std::string_view text);

struct HeadError {
  int status;
  std::string message;
};

// Parses the request line and headers (without the blank line that ends them) into `request`;
// on failure returns the status and message to answer with.
std::optional<HeadError> ParseHead(std::string_view head, HttpRequest& request);

}  // namespace ptmon::http_internal
