#include "mock_server/engine/clock.h"

#include <cstdio>
#include <ctime>
#include <vector>

namespace kuscia::mock::engine {

ManualClock::ManualClock(TimePoint start) : now_(start) {}

TimePoint ManualClock::Now() const {
  std::lock_guard lock(time_mu_);
  return now_;
}

uint64_t ManualClock::AddJumpObserver(std::function<void()> observer) {
  std::lock_guard lock(observers_mu_);
  uint64_t id = next_observer_id_++;
  observers_.emplace(id, std::move(observer));
  return id;
}

void ManualClock::RemoveJumpObserver(uint64_t id) {
  std::lock_guard lock(observers_mu_);
  observers_.erase(id);
}

Status ManualClock::Advance(std::chrono::milliseconds delta) {
  if (delta.count() < 0) {
    return InvalidArgument("the manual clock only advances forwards (got " + std::to_string(delta.count()) +
                           " ms); use Set to jump to an earlier time");
  }
  {
    std::lock_guard lock(time_mu_);
    now_ += delta;
  }
  NotifyObservers();
  return OkStatus();
}

void ManualClock::Set(TimePoint t) {
  {
    std::lock_guard lock(time_mu_);
    now_ = t;
  }
  NotifyObservers();
}

void ManualClock::NotifyObservers() {
  std::lock_guard lock(observers_mu_);
  for (auto& [id, observer] : observers_) observer();
}

std::string FormatRfc3339(TimePoint t) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  std::time_t tt = std::chrono::system_clock::to_time_t(seconds);
  std::tm utc{};
  gmtime_r(&tt, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buffer;
}

Result<TimePoint> ParseRfc3339(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char tail = 0;
  std::string copy(text);
  if (copy.size() != 20 ||
      std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute, &second,
                  &tail) != 7 ||
      tail != 'Z') {
    return InvalidArgument("time \"" + copy + "\" is not RFC 3339 UTC with whole seconds, e.g. 2025-04-16T10:42:55Z");
  }
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                   std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) {
    return InvalidArgument("time \"" + copy + "\" names no valid date and time");
  }
  return TimePoint(std::chrono::sys_days(date).time_since_epoch() + std::chrono::hours(hour) +
                   std::chrono::minutes(minute) + std::chrono::seconds(second));
}

}  // namespace kuscia::mock::engine
