// PrepareHeap for a build on the C library's allocator: sanitizer builds, whose own allocator
// must see every allocation, and builds with PTMON_MIMALLOC off.
#include "heap.h"

namespace ptmon {

void PrepareHeap() {}

}  // namespace ptmon
