// What each fuzz target does with one input, shared by the libFuzzer mains and by the
// regression test that replays tests/data/fuzz-regressions/TARGET/* on every build. Each
// returns normally for every input; a violated invariant aborts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ptmon::fuzzing {

void TargetExpression(std::string_view input);
void CsvReport(std::string_view input);
void YamlReport(std::string_view input);
void XlsxReport(std::string_view input);
void CatalogFile(std::string_view input);
void WriteApi(std::string_view input);
void CatalogImport(std::string_view input);
void ConsoleForms(std::string_view input);

// The body for a target's name (fuzz_target_expression, …); nullptr when unknown.
using Body = void (*)(std::string_view);
Body BodyFor(std::string_view target);

}  // namespace ptmon::fuzzing
