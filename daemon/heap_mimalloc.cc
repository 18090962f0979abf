// PrepareHeap for the build linked with mimalloc, which then serves every malloc and new.
#include <cstdlib>

#include <mimalloc.h>

#include "heap.h"

namespace ptmon {

void PrepareHeap() {
  // mimalloc reads its environment before main; an operator's explicit choice stands.
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) {
    mi_option_enable(mi_option_large_os_pages);
  }
}

}  // namespace ptmon
