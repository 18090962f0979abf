// The systemd notify protocol (sd_notify(3)) without libsystemd: a datagram to $NOTIFY_SOCKET.
// Does nothing when the variable is unset (not started by systemd).
#pragma once

#include <string>

namespace ptmon {

void NotifySystemd(const std::string& state);  // "READY=1\nSTATUS=…"

}  // namespace ptmon
