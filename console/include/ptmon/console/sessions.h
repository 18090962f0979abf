// Who is logged in, and who may try again. Both live in memory: a restart logs everyone out,
// which is the safe direction. Time comes from the injected clock. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <ptmon/base/clock.h>
#include <ptmon/base/mutex.h>
#include <ptmon/base/status.h>

namespace ptmon {

struct Session {
  std::string id;    // 256 random bits as hex: the cookie's value
  std::string csrf;  // 256 random bits as hex: the hidden field every form carries
  std::string user;
  std::chrono::system_clock::time_point created;
  std::chrono::system_clock::time_point last_seen;
};

struct SessionLimits {
  std::chrono::seconds idle{std::chrono::minutes(30)};
  std::chrono::seconds lifetime{std::chrono::hours(12)};
  size_t max_sessions = 10'000;  // beyond it the least recently seen is ended
};

class SessionStore {
 public:
  SessionStore(const Clock& clock, SessionLimits limits) : clock_(clock), limits_(limits) {}

  // Fails only when the system has no randomness.
  Result<Session> Create(const std::string& user) EXCLUDES(mutex_);
  // The live session with this id, its last_seen moved to now; nothing (and the session ended)
  // once it was idle or lived longer than the limits allow.
  std::optional<Session> Find(std::string_view id) EXCLUDES(mutex_);
  void End(std::string_view id) EXCLUDES(mutex_);
  size_t size() const EXCLUDES(mutex_);
  const SessionLimits& limits() const { return limits_; }

 private:
  bool Expired(const Session& session, std::chrono::system_clock::time_point now) const;

  const Clock& clock_;
  const SessionLimits limits_;
  mutable Mutex mutex_;
  std::map<std::string, Session, std::less<>> sessions_ GUARDED_BY(mutex_);
};

// Slows down password guessing: after `free_failures` failed logins for a key (the name tried,
// or the client's address) each further attempt must wait, 30 s doubling up to 15 minutes,
// until a login succeeds or no failure came for 15 minutes.
class LoginThrottle {
 public:
  explicit LoginThrottle(const Clock& clock, int free_failures = 5)
      : clock_(clock), free_failures_(free_failures) {}

  // How long `key` must still wait before its next attempt; zero when it may try now.
  std::chrono::seconds Wait(const std::string& key) const EXCLUDES(mutex_);
  void Failed(const std::string& key) EXCLUDES(mutex_);
  void Succeeded(const std::string& key) EXCLUDES(mutex_);

 private:
  struct Failures {
    int count = 0;
    std::chrono::system_clock::time_point last;
  };
  std::chrono::system_clock::time_point AllowedAfter(const Failures& failures) const;

  const Clock& clock_;
  const int free_failures_;
  mutable Mutex mutex_;
  std::map<std::string, Failures> failures_ GUARDED_BY(mutex_);
};

}  // namespace ptmon
