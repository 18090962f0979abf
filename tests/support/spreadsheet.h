// Workbooks as managers save them, for tests that deliver reports as .xlsx: written by
// libxlsxwriter (a real writer, not the reader's own idea of the format).
#pragma once

#include <string>
#include <vector>

namespace ptmon::testing_support {

// One sheet: the header row as given, then each row's cells as a person types them into Excel —
// a plain number becomes a number cell, "95.5%" a number (0.955) in a percentage cell, a month
// "2026-07" in the column named `period` a date cell (the 1st, shown as yyyy-mm), anything
// else text.
std::string XlsxReport(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows);

}  // namespace ptmon::testing_support
