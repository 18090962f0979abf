#include <algorithm>

#include <ptmon/console/password.h>
#include <ptmon/console/sessions.h>

namespace ptmon {

namespace {

constexpr size_t kTokenBytes = 32;
constexpr std::chrono::seconds kFirstWait{30};
constexpr std::chrono::seconds kLongestWait{std::chrono::minutes(15)};
constexpr std::chrono::seconds kFailuresForgotten{std::chrono::minutes(15)};
constexpr size_t kMaxThrottledKeys = 100'000;

}  // namespace

bool SessionStore::Expired(const Session& session,
                           std::chrono::system_clock::time_point now) const {
  return now - session.last_seen >= limits_.idle || now - session.created >= limits_.lifetime;
}

Result<Session> SessionStore::Create(const std::string& user) {
  auto id = RandomHex(kTokenBytes);
  if (!id.ok()) return id.status();
  auto csrf = RandomHex(kTokenBytes);
  if (!csrf.ok()) return csrf.status();
  const auto now = clock_.Now();
  Session session{*id, *csrf, user, now, now};
  MutexLock lock(mutex_);
  if (sessions_.size() >= limits_.max_sessions) {
    std::erase_if(sessions_, [&](const auto& entry) { return Expired(entry.second, now); });
  }
  if (sessions_.size() >= limits_.max_sessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_seen < b.second.last_seen;
    });
    sessions_.erase(oldest);
  }
  sessions_.emplace(session.id, session);
  return session;
}

std::optional<Session> SessionStore::Find(std::string_view id) {
  const auto now = clock_.Now();
  MutexLock lock(mutex_);
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return std::nullopt;
  if (Expired(found->second, now)) {
    sessions_.erase(found);
    return std::nullopt;
  }
  found->second.last_seen = now;
  return found->second;
}

void SessionStore::End(std::string_view id) {
  MutexLock lock(mutex_);
  if (auto found = sessions_.find(id); found != sessions_.end()) sessions_.erase(found);
}

size_t SessionStore::size() const {
  MutexLock lock(mutex_);
  return sessions_.size();
}

std::chrono::system_clock::time_point LoginThrottle::AllowedAfter(const Failures& failures) const {
  const int over = failures.count - free_failures_;
  if (over < 0) return failures.last;
  const auto wait =
      std::min<std::chrono::seconds>(kFirstWait * (1LL << std::min(over, 10)), kLongestWait);
  return failures.last + wait;
}

std::chrono::seconds LoginThrottle::Wait(const std::string& key) const {
  const auto now = clock_.Now();
  MutexLock lock(mutex_);
  auto found = failures_.find(key);
  if (found == failures_.end()) return std::chrono::seconds(0);
  const auto allowed = AllowedAfter(found->second);
  if (allowed <= now) return std::chrono::seconds(0);
  // Rounded up: "wait 0 s" would invite an attempt that is still refused.
  return std::chrono::ceil<std::chrono::seconds>(allowed - now);
}

void LoginThrottle::Failed(const std::string& key) {
  const auto now = clock_.Now();
  MutexLock lock(mutex_);
  if (failures_.size() >= kMaxThrottledKeys) {
    std::erase_if(failures_, [&](const auto& entry) {
      return now - entry.second.last >= kFailuresForgotten && AllowedAfter(entry.second) <= now;
    });
  }
  Failures& failures = failures_[key];
  if (failures.count > 0 && now - failures.last >= kFailuresForgotten &&
      AllowedAfter(failures) <= now) {
    failures.count = 0;
  }
  ++failures.count;
  failures.last = now;
}

void LoginThrottle::Succeeded(const std::string& key) {
  MutexLock lock(mutex_);
  failures_.erase(key);
}

}  // namespace ptmon
