// Replays every input the fuzzers have tripped on (tests/data/fuzz-regressions/TARGET/) and
// every seed of their corpora (fuzz/corpus/TARGET/ and the seeds the build makes from tracked
// files) through the same bodies the fuzzers run: each must come back without a crash or a
// broken invariant, on every build.
#include <filesystem>

#include <gtest/gtest.h>

#include "bodies.h"
#include "support/process.h"

namespace ptmon {
namespace {

namespace fs = std::filesystem;

void Replay(const fs::path& root, size_t minimum_targets) {
  size_t targets = 0;
  for (const auto& target : fs::directory_iterator(root)) {
    const auto body = fuzzing::BodyFor(target.path().filename().string());
    ASSERT_NE(body, nullptr) << "no fuzz body named " << target.path().filename();
    ++targets;
    for (const auto& input : fs::directory_iterator(target.path())) {
      SCOPED_TRACE(input.path().string());
      body(testing_support::ReadFile(input.path().string()));
    }
  }
  EXPECT_EQ(targets, minimum_targets);
}

TEST(FuzzRegressionTest, EveryRecordedInputStaysHarmless) {
  Replay(fs::path(PTMON_TEST_DATA) / "fuzz-regressions", 5);
}

TEST(FuzzRegressionTest, EverySeedOfTheCorporaStaysHarmless) {
  Replay(fs::path(PTMON_SOURCE_DIR) / "fuzz" / "corpus", 8);
}

TEST(FuzzRegressionTest, TheDefaultCatalogueSeedsTheCatalogueFuzzer) {
  const fs::path seed =
      fs::path(PTMON_FUZZ_GENERATED_CORPUS) / "fuzz_catalog" / "default-catalog.yaml";
  ASSERT_EQ(testing_support::ReadFile(seed.string()),
            testing_support::ReadFile(PTMON_SOURCE_DIR "/config/default-catalog.yaml"));
  Replay(PTMON_FUZZ_GENERATED_CORPUS, 1);
}

}  // namespace
}  // namespace ptmon
