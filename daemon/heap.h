// The heap ptmon's program allocates from.
#pragma once

namespace ptmon {

// Call first thing in main. When the program is linked with mimalloc (the default build; not
// with sanitizers), its heap is mapped in large OS pages where the kernel offers them
// (transparent huge pages in `madvise` or `always` mode), unless the operator chose otherwise
// with MIMALLOC_LARGE_OS_PAGES. A province's ingest holds about 240 MB at its peak: in 4 KiB
// pages, faulting them in was 40% of its time on a virtual machine.
void PrepareHeap();

}  // namespace ptmon
