#include <cstdio>
#include <ctime>

#include <ptmon/base/clock.h>

namespace ptmon {

namespace {

Date LocalDate(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm local{};
  localtime_r(&seconds, &local);
  return {local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

}  // namespace

std::string Date::ToString() const {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  return text;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::optional<Date> ParseDate(std::string_view text) {
  int year = 0, month = 0, day = 0;
  char tail = 0;
  const std::string copy(text);
  if (text.size() != 10 ||
      std::sscanf(copy.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3) {
    return std::nullopt;
  }
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  return Date{year, month, day};
}

std::chrono::system_clock::time_point SystemClock::Now() const {
  return std::chrono::system_clock::now();
}

Date SystemClock::Today() const { return LocalDate(Now()); }

FixedClock::FixedClock(Date today) : today_(today) {
  std::tm local{};
  local.tm_year = today.year - 1900;
  local.tm_mon = today.month - 1;
  local.tm_mday = today.day;
  local.tm_hour = 12;
  local.tm_isdst = -1;
  now_ = std::chrono::system_clock::from_time_t(std::mktime(&local));
}

void FixedClock::Advance(std::chrono::system_clock::duration by) {
  now_ += by;
  today_ = LocalDate(now_);
}

namespace {

std::string Formatted(std::chrono::system_clock::time_point time, bool local, const char* format) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm fields{};
  if (local)
    localtime_r(&seconds, &fields);
  else
    gmtime_r(&seconds, &fields);
  char text[32];
  std::strftime(text, sizeof text, format, &fields);
  return text;
}

}  // namespace

std::string FormatRfc3339(std::chrono::system_clock::time_point time) {
  return Formatted(time, false, "%Y-%m-%dT%H:%M:%SZ");
}

std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text) {
  std::tm utc{};
  const std::string copy(text);
  const char* end = strptime(copy.c_str(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&utc));
}

std::string FormatLocalTime(std::chrono::system_clock::time_point time) {
  return Formatted(time, true, "%Y-%m-%d %H:%M:%S");
}

std::string LocalTimeText(std::string_view rfc3339) {
  const auto time = ParseRfc3339(rfc3339);
  return time ? FormatLocalTime(*time) : std::string(rfc3339);
}

double UnixSeconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

}  // namespace ptmon
