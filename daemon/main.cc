// ptmon: performance-target monitoring. All work happens in the subcommands (cli.cc).
#include "cli.h"

int main(int argc, char** argv) { return ptmon::cli::Run(argc, argv); }
