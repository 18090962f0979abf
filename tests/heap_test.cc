// The program's heap (daemon/heap.h), linked as ptmon links it: a test program of its own, so
// that the allocator serves every allocation here as it does in ptmon. Built with mimalloc
// only; sanitizer builds and PTMON_MIMALLOC=OFF keep the C library's allocator.
#include "heap.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/process.h"

namespace ptmon {
namespace {

using testing_support::ReadFile;

long AnonymousHugePagesKib() {
  std::istringstream rollup(ReadFile("/proc/self/smaps_rollup"));
  for (std::string line; std::getline(rollup, line);) {
    if (line.starts_with("AnonHugePages:")) return std::stol(line.substr(14));
  }
  return -1;
}

// The mode the kernel gives huge pages in: "always", "madvise" or "never".
std::string HugePageMode() {
  const std::string offered = ReadFile("/sys/kernel/mm/transparent_hugepage/enabled");
  const size_t open = offered.find('['), close = offered.find(']');
  return open == std::string::npos || close == std::string::npos
             ? "never"
             : offered.substr(open + 1, close - open - 1);
}

// The huge pages a fresh process gains (KiB) when it starts as ptmon's main does, with the
// operator's MIMALLOC_LARGE_OS_PAGES set to `operator_choice` or unset, and then touches what
// an ingest holds: the file and its rows, tens of megabytes. A child of this test: the
// allocator's options are the process's, and each case needs them as a start leaves them.
long HugePagesGainedByAStart(std::optional<std::string> operator_choice) {
  int result[2];
  if (pipe(result) != 0) return -1;
  const pid_t child = fork();
  if (child == 0) {
    close(result[0]);
    if (operator_choice) setenv("MIMALLOC_LARGE_OS_PAGES", operator_choice->c_str(), 1);
    PrepareHeap();
    const long before = AnonymousHugePagesKib();
    constexpr size_t kBytes = 48u << 20;
    auto rows = std::make_unique_for_overwrite<char[]>(kBytes);
    std::memset(rows.get(), 1, kBytes);
    const long gained = AnonymousHugePagesKib() - before;
    const bool sent = write(result[1], &gained, sizeof gained) == sizeof gained;
    _exit(sent ? 0 : 1);
  }
  close(result[1]);
  long gained = -1;
  if (child < 0 || read(result[0], &gained, sizeof gained) != sizeof gained) gained = -1;
  close(result[0]);
  if (child > 0) waitpid(child, nullptr, 0);
  return gained;
}

class HeapTest : public testing::Test {
 protected:
  void SetUp() override {
    if (HugePageMode() == "never") GTEST_SKIP() << "this kernel offers no transparent huge pages";
    ASSERT_EQ(std::getenv("MIMALLOC_LARGE_OS_PAGES"), nullptr) << "each case sets its own";
  }
};

TEST_F(HeapTest, ALargeWorkingSetIsMappedInHugePages) {
  EXPECT_GE(HugePagesGainedByAStart(std::nullopt), 16 * 1024) << "kernel mode " << HugePageMode();
}

TEST_F(HeapTest, AnOperatorCanTurnHugePagesOff) {
  // A kernel that gives huge pages to every process ("always") gives them to ptmon too.
  if (HugePageMode() != "madvise") GTEST_SKIP() << "huge pages here are the kernel's choice";
  EXPECT_EQ(HugePagesGainedByAStart("0"), 0);
}

}  // namespace
}  // namespace ptmon
