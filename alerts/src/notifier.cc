#include <algorithm>

#include <curl/curl.h>

#include <ptmon/alerts/notifier.h>

namespace ptmon {

namespace {

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

std::vector<std::string> AlertsUrls(std::vector<std::string> alertmanagers) {
  for (auto& base : alertmanagers) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    base += "/api/v2/alerts";
  }
  return alertmanagers;
}

}  // namespace

Notifier::Notifier(std::vector<std::string> alertmanagers, std::chrono::milliseconds max_backoff,
                   std::function<void(size_t, bool)> on_delivery)
    : urls_(AlertsUrls(std::move(alertmanagers))),
      max_backoff_(max_backoff),
      on_delivery_(std::move(on_delivery)) {
  {
    MutexLock lock(mutex_);
    targets_.resize(urls_.size());
  }
  if (!urls_.empty()) thread_ = std::thread([this] { Run(); });
}

Notifier::~Notifier() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Notifier::Submit(std::string payload) {
  if (urls_.empty()) return;
  {
    MutexLock lock(mutex_);
    payload_ = std::move(payload);
    for (auto& target : targets_) {
      target.pending = true;
      // A fresh payload is worth trying now, but not faster than the backoff allows.
      if (target.backoff.count() == 0) target.next_attempt = std::chrono::steady_clock::now();
    }
  }
  changed_.notify_all();
}

bool Notifier::AllDelivered() const {
  return std::none_of(targets_.begin(), targets_.end(),
                      [](const Target& t) { return !!t.pending; });
}

bool Notifier::FlushAttemptsDone(uint64_t flush) const {
  return std::none_of(targets_.begin(), targets_.end(), [flush](const Target& t) {
    return t.pending && t.attempted_in_flush < flush;
  });
}

bool Notifier::Flush(std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(mutex_);
  const uint64_t flush = ++flush_;
  for (auto& target : targets_) target.next_attempt = std::chrono::steady_clock::now();
  changed_.notify_all();
  while (!FlushAttemptsDone(flush)) {
    if (changed_.wait_until(mutex_, give_up) == std::cv_status::timeout) break;
  }
  return AllDelivered();
}

bool Notifier::Post(const std::string& url, const std::string& payload) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return false;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  long status = 0;
  const bool sent = curl_easy_perform(curl) == CURLE_OK &&
                    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK;
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return sent && status >= 200 && status < 300;
}

void Notifier::Run() {
  mutex_.Lock();
  while (!stopping_) {
    auto now = std::chrono::steady_clock::now();
    auto wake = now + std::chrono::hours(1);
    bool attempted = false;
    for (size_t i = 0; i < targets_.size() && !stopping_; ++i) {
      Target& target = targets_[i];
      if (!target.pending) continue;
      if (target.next_attempt > now) {
        wake = std::min(wake, target.next_attempt);
        continue;
      }
      const std::string payload = payload_;
      const uint64_t flush = flush_;
      mutex_.Unlock();  // never hold the lock across the network
      const bool success = Post(urls_[i], payload);
      if (on_delivery_) on_delivery_(i, success);
      mutex_.Lock();
      attempted = true;
      target.attempted_in_flush = std::max(target.attempted_in_flush, flush);
      if (success) {
        target.backoff = std::chrono::milliseconds(0);
        if (payload_ == payload) target.pending = false;  // a newer one may have arrived meanwhile
      } else {
        target.backoff =
            std::min(max_backoff_, std::max(std::chrono::milliseconds(500), target.backoff * 2));
      }
      target.next_attempt = std::chrono::steady_clock::now() + target.backoff;
    }
    if (attempted) {
      changed_.notify_all();  // Flush waiters
      continue;
    }
    changed_.wait_until(mutex_, wake);
  }
  mutex_.Unlock();
}

}  // namespace ptmon
