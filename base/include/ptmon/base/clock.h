// The clock is injected everywhere "today" matters (future periods, overdue reports, the month
// being evaluated), so tests and reports are reproducible and never wait on the wall clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ptmon {

// A calendar date in the budget unit's local time.
struct Date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  auto operator<=>(const Date&) const = default;
  std::string ToString() const;  // YYYY-MM-DD
};

// Parses YYYY-MM-DD, rejecting impossible dates (2026-02-30).
std::optional<Date> ParseDate(std::string_view text);
int DaysInMonth(int year, int month);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Today in the machine's local time zone (the budget unit's).
  virtual Date Today() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override;
  Date Today() const override;
};

// Stands still at a given date (noon local time) unless advanced; for --now and tests.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Date today);
  std::chrono::system_clock::time_point Now() const override { return now_; }
  Date Today() const override { return today_; }
  void Advance(std::chrono::system_clock::duration by);

 private:
  Date today_;
  std::chrono::system_clock::time_point now_;
};

// RFC 3339 in UTC with second precision: 2026-07-10T04:00:00Z.
std::string FormatRfc3339(std::chrono::system_clock::time_point time);
// Reads what FormatRfc3339 writes.
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text);
double UnixSeconds(std::chrono::system_clock::time_point time);

// A moment as people read it, in the process's local time zone (ptmon serve sets it from the
// configuration's time_zone): 2026-12-07 10:18:50, not 2026-12-07T02:18:50Z.
std::string FormatLocalTime(std::chrono::system_clock::time_point time);
// The same for a time stored as FormatRfc3339 wrote it; text that is not one is returned as is.
std::string LocalTimeText(std::string_view rfc3339);

}  // namespace ptmon
