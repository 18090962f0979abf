// The main test of the daemon: whole budget years played through `ptmon serve` with fixed
// seeds, every figure checked against the rules' oracle (support/year_replay.h). CI runs it
// in the plain, ASan+UBSan and TSan builds; scripts/replay-years.sh plays many random years.
#include "support/year_replay.h"

#include <gtest/gtest.h>

namespace ptmon {
namespace {

using namespace testing_support;

class YearReplayTest : public testing::TestWithParam<uint64_t> {};

TEST_P(YearReplayTest, EveryFigureAgreesWithTheRulesAllYear) {
  ReplayOptions options;
  options.seed = GetParam();
  options.ptmon_binary = PTMON_BINARY;
  options.default_catalog_yaml = std::string(PTMON_SOURCE_DIR) + "/config/default-catalog.yaml";
  const ReplayResult result = ReplayYear(options);
  std::string mismatches;
  for (const auto& mismatch : result.mismatches) mismatches += "\n  " + mismatch;
  EXPECT_TRUE(result.mismatches.empty()) << result.mismatches.size() << " mismatches:" << mismatches
                                         << "\n--- ptmon's log, last lines:\n"
                                         << result.log_tail;
  EXPECT_GT(result.steps, 100);
  EXPECT_GT(result.checks, 10000);
  std::printf("seed %llu: %d steps, %lld checks\n", static_cast<unsigned long long>(GetParam()),
              result.steps, result.checks);
}

INSTANTIATE_TEST_SUITE_P(FixedSeeds, YearReplayTest, testing::Values(1, 2));

}  // namespace
}  // namespace ptmon
