// The time the fake's lifecycle runs on: the real wall clock, or a manual clock that only moves when told.
//
// Kuscia reports every time as RFC 3339 in UTC with whole seconds; FormatRfc3339 is the one place that
// produces that text.
//
//   auto clock = std::make_shared<ManualClock>(ParseRfc3339("2025-04-16T10:42:55Z").value());
//   EngineOptions options{.clock = clock};
//   clock->Advance(std::chrono::seconds(1));   // runs every transition due by then, synchronously
//   FormatRfc3339(clock->Now());               // "2025-04-16T10:42:56Z"
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "api/status.h"

namespace kuscia::mock::engine {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // True when time passes without anyone moving it; the engine then needs its own timer thread.
  virtual bool RunsByItself() const = 0;
  // Called after every jump of a clock that does not run by itself (see ManualClock). Returns an id for
  // RemoveJumpObserver. A clock that runs by itself never calls observers.
  virtual uint64_t AddJumpObserver(std::function<void()> observer) = 0;
  virtual void RemoveJumpObserver(uint64_t id) = 0;
};

class RealClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  bool RunsByItself() const override { return true; }
  uint64_t AddJumpObserver(std::function<void()>) override { return 0; }
  void RemoveJumpObserver(uint64_t) override {}
};

// A clock for deterministic runs. Advance and Set call every observer synchronously before they return,
// so "advance 2 s, then query" always sees the transitions due by then. Observers must not move the
// clock themselves.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start);

  TimePoint Now() const override;
  bool RunsByItself() const override { return false; }
  uint64_t AddJumpObserver(std::function<void()> observer) override;
  void RemoveJumpObserver(uint64_t id) override;

  // A negative duration is refused (time never runs backwards through Advance).
  Status Advance(std::chrono::milliseconds delta);
  // Jumps to `t`, forwards or backwards; transitions already done stay done.
  void Set(TimePoint t);

 private:
  void NotifyObservers();

  mutable std::mutex time_mu_;
  TimePoint now_;
  // Held while observers run, so RemoveJumpObserver returns only once no call to that observer is active.
  std::mutex observers_mu_;
  std::map<uint64_t, std::function<void()>> observers_;
  uint64_t next_observer_id_ = 1;
};

// "2025-04-16T10:42:55Z": UTC, whole seconds (truncated), as Kuscia's TimeRfc3339String prints it.
std::string FormatRfc3339(TimePoint t);
// Accepts the form FormatRfc3339 prints ("YYYY-MM-DDTHH:MM:SSZ").
Result<TimePoint> ParseRfc3339(std::string_view text);

}  // namespace kuscia::mock::engine
