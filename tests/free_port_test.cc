// FreePort's promise, which lets tests that start servers run side by side: a port below the
// ephemeral range, claimed for this process, free for the server it is handed to.
#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "support/daemon.h"

namespace ptmon {
namespace {

// Binds the abstract name FreePort claims `port` by; the errno when it cannot, 0 when it can.
int ClaimError(int port) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un name{};
  name.sun_family = AF_UNIX;
  const std::string label = "ptmon-test-port-" + std::to_string(port);
  std::copy(label.begin(), label.end(), name.sun_path + 1);
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + label.size());
  const int error = bind(fd, reinterpret_cast<sockaddr*>(&name), length) == 0 ? 0 : errno;
  close(fd);
  return error;
}

bool ListensOn(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool bound =
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 && listen(fd, 1) == 0;
  close(fd);
  return bound;
}

TEST(FreePortTest, APortIsBelowTheEphemeralRangeClaimedAndFreeForItsServer) {
  int ephemeral_first = 0;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_first;
  ASSERT_GT(ephemeral_first, 1024);
  std::set<int> given;
  for (int i = 0; i < 50; ++i) {
    const int port = testing_support::FreePort();
    EXPECT_GE(port, 1024);
    EXPECT_LT(port, ephemeral_first) << "no outgoing connection may be given it";
    EXPECT_EQ(ClaimError(port), EADDRINUSE) << "another test process could be given " << port;
    EXPECT_TRUE(ListensOn(port)) << port;
    EXPECT_TRUE(given.insert(port).second) << port << " given twice";
  }
}

}  // namespace
}  // namespace ptmon
