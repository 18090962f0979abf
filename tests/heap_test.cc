// The program's heap (daemon/heap.h), linked as ptmon links it: a test program of its own, so
// that the allocator serves every allocation here as it does in ptmon. Built with mimalloc
// only; sanitizer builds and PTMON_MIMALLOC=OFF keep the C library's allocator.
#include "heap.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

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

TEST(HeapTest, ALargeWorkingSetIsMappedInHugePages) {
  if (HugePageMode() == "never") GTEST_SKIP() << "this kernel offers no transparent huge pages";
  ASSERT_EQ(std::getenv("MIMALLOC_LARGE_OS_PAGES"), nullptr) << "the test decides, not the caller";
  PrepareHeap();
  const long before = AnonymousHugePagesKib();
  // What an ingest holds: the file and its rows, tens of megabytes.
  constexpr size_t kBytes = 48u << 20;
  auto rows = std::make_unique_for_overwrite<char[]>(kBytes);
  std::memset(rows.get(), 1, kBytes);
  EXPECT_GE(AnonymousHugePagesKib() - before, 16 * 1024) << "kernel mode " << HugePageMode();
}

}  // namespace
}  // namespace ptmon
