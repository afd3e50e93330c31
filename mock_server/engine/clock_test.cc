#include "mock_server/engine/clock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace kuscia::mock::engine {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;

TEST(FormatRfc3339, WholeSecondsUtcWithZ) {
  TimePoint t = ParseRfc3339("2025-04-16T10:42:55Z").value() + std::chrono::milliseconds(999);
  EXPECT_EQ(FormatRfc3339(t), "2025-04-16T10:42:55Z");
}

TEST(ParseRfc3339, RejectsOtherForms) {
  EXPECT_THAT(ParseRfc3339("2025-04-16 10:42:55").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("e.g. 2025-04-16T10:42:55Z")));
  EXPECT_THAT(ParseRfc3339("2025-02-30T10:42:55Z").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no valid date")));
}

TEST(ManualClock, MovesOnlyWhenToldAndNotifiesObservers) {
  TimePoint start = ParseRfc3339("2025-04-16T10:42:55Z").value();
  ManualClock clock(start);
  int calls = 0;
  uint64_t id = clock.AddJumpObserver([&] { ++calls; });
  EXPECT_EQ(clock.Now(), start);
  EXPECT_THAT(clock.Advance(std::chrono::seconds(2)), IsOk());
  EXPECT_EQ(FormatRfc3339(clock.Now()), "2025-04-16T10:42:57Z");
  clock.Set(start);
  EXPECT_EQ(clock.Now(), start);
  EXPECT_EQ(calls, 2);
  clock.RemoveJumpObserver(id);
  EXPECT_THAT(clock.Advance(std::chrono::seconds(1)), IsOk());
  EXPECT_EQ(calls, 2);
}

TEST(ManualClock, RefusesToRunBackwardsThroughAdvance) {
  ManualClock clock(TimePoint{});
  EXPECT_THAT(clock.Advance(std::chrono::milliseconds(-1)),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("use Set")));
}

}  // namespace
}  // namespace kuscia::mock::engine
