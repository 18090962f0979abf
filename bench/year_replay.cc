// Many random budget years through `ptmon serve`, each checked against the rules' oracle
// (tests/support/year_replay.h) — the long run of the test suite's fixed-seed years.
//   year_replay [YEARS [FIRST_SEED]]   (default 100 years from seed 1000)
// Prints one line per year and a closing count; exits 1 when any year disagreed.
#include "../tests/support/year_replay.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  using namespace ptmon::testing_support;
  const int years = argc > 1 ? std::atoi(argv[1]) : 100;
  const unsigned long long first = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  int failed = 0;
  long long steps = 0, checks = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int year = 0; year < years; ++year) {
    ReplayOptions options;
    options.seed = first + static_cast<unsigned long long>(year);
    options.ptmon_binary = PTMON_BINARY;
    options.default_catalog_yaml = std::string(PTMON_SOURCE_DIR) + "/config/default-catalog.yaml";
    const ReplayResult result = ReplayYear(options);
    steps += result.steps;
    checks += result.checks;
    std::printf("seed %llu: %d steps, %lld checks, %zu mismatches\n",
                static_cast<unsigned long long>(options.seed), result.steps, result.checks,
                result.mismatches.size());
    for (const auto& mismatch : result.mismatches) std::printf("  %s\n", mismatch.c_str());
    if (!result.mismatches.empty()) {
      ++failed;
      std::printf("--- ptmon's log, last lines:\n%s\n", result.log_tail.c_str());
    }
    std::fflush(stdout);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d years, %lld steps, %lld checks in %.0f s: %d passed, %d failed\n", years, steps,
              checks, seconds, years - failed, failed);
  return failed == 0 ? 0 : 1;
}
