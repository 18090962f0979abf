// What hostile clients cost the daemon that serves the embedded catalogue:
//  1. GET /metrics latency beside 16 slowloris connections (a header byte every 500 ms) and 16
//     idle ones, against the same scrapes with no such clients (the baseline, same run);
//  2. the daemon's peak memory (VmHWM) after 8 parallel POSTs announcing 60 MB to /healthz,
//     against its peak before them.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../tests/support/daemon.h"
#include "../tests/support/process.h"
#include "bench_support.h"

namespace {

using namespace ptmon::testing_support;
using ptmon::bench::RssMb;
using Steady = std::chrono::steady_clock;

struct Latency {
  double median_ms = 0, max_ms = 0;
  int failures = 0;
};

Latency Scrapes(const std::string& url, int count) {
  std::vector<double> times;
  Latency latency;
  for (int i = 0; i < count; ++i) {
    const auto start = Steady::now();
    if (HttpGet(url).status != 200) ++latency.failures;
    times.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  latency.median_ms = times[times.size() / 2];
  latency.max_ms = times.back();
  return latency;
}

}  // namespace

int main() {
  TempDir dir;
  const int port = FreePort();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ChildProcess ptmon({PTMON_BINARY, "serve", "--listen", "127.0.0.1:" + std::to_string(port),
                      "--data-dir", dir / "data", "--now", "2026-08-15"},
                     dir / "ptmon.log");
  if (!WaitFor([&] { return HttpGet(base + "/readyz").status == 200; })) {
    std::fprintf(stderr, "ptmon did not start:\n%s\n", ptmon.Log().c_str());
    return 1;
  }
  constexpr int kScrapes = 200;
  const Latency alone = Scrapes(base + "/metrics", kScrapes);

  std::atomic<bool> stop{false};
  std::vector<int> sockets;
  for (int i = 0; i < 32; ++i) sockets.push_back(ConnectLoopback(port));
  std::thread slowloris([&] {
    const std::string head = "GET /metrics HTTP/1.1\r\nX-Slow: ";
    std::vector<size_t> sent(16, 0);
    while (!stop) {
      for (int i = 0; i < 16; ++i) {  // the first 16 drip a byte each; the others stay idle
        const char byte = sent[i] < head.size() ? head[sent[i]] : 'a';
        send(sockets[i], &byte, 1, MSG_NOSIGNAL);
        ++sent[i];
      }
      for (int wait = 0; wait < 50 && !stop; ++wait)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  const Latency beside = Scrapes(base + "/metrics", kScrapes);
  stop = true;
  slowloris.join();
  for (int fd : sockets) close(fd);

  std::printf("GET /metrics (embedded catalogue), %d scrapes each:\n", kScrapes);
  std::printf("  alone:                                   median %.2f ms, max %.2f ms, %d failed\n",
              alone.median_ms, alone.max_ms, alone.failures);
  std::printf(
      "  beside 16 slowloris + 16 idle clients:   median %.2f ms, max %.2f ms, %d failed"
      "  (median ratio %.2fx)\n",
      beside.median_ms, beside.max_ms, beside.failures, beside.median_ms / alone.median_ms);

  const double before = RssMb(ptmon.pid());
  std::vector<std::thread> posts;
  std::atomic<int> answered_405{0};
  const std::string big(60u << 20, 'x');
  for (int i = 0; i < 8; ++i) {
    posts.emplace_back([&] {
      if (HttpPost(base + "/healthz", big).status == 405) ++answered_405;
    });
  }
  for (auto& post : posts) post.join();
  const double after = RssMb(ptmon.pid());
  std::printf(
      "8 parallel 60 MB POSTs to /healthz: %d answered 405; peak RSS %.1f MB before, "
      "%.1f MB after (%.2fx)\n",
      answered_405.load(), before, after, after / before);
  ptmon.Signal(SIGTERM);
  return ptmon.Wait() == 0 && alone.failures == 0 && beside.failures == 0 ? 0 : 1;
}
