// ptmon: performance-target monitoring. All work happens in the subcommands (cli.cc).
#include "cli.h"
#include "heap.h"
#include "service.h"

int main(int argc, char** argv) {
  ptmon::PrepareHeap();
  // First, before any thread exists: a SIGHUP or SIGTERM that comes while `serve` is starting
  // waits for its handlers instead of killing it. Other commands unblock them at once.
  ptmon::BlockServiceSignals();
  return ptmon::cli::Run(argc, argv);
}
