// Waiting on observable state instead of sleeping. Every wait has a deadline and says whether the
// condition held, so a test can fail with what it was waiting for.
//
//   ASSERT_TRUE(WaitFor([&] { return server.connections() == 0; }, 5s)) << "connections never drained";
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace kuscia::testing {

// Polls `condition` (every `poll` interval) until it holds or `timeout` passes. Returns whether it held.
[[nodiscard]] inline bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                                  std::chrono::milliseconds poll = std::chrono::milliseconds(2)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(poll);
  }
}

}  // namespace kuscia::testing
