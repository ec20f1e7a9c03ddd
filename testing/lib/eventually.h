// Awaiting a condition that another thread or process makes true, for tests: instead of
// sleeping for a guessed time, a test names what it waits for and gets false (to assert on)
// when that did not happen within the timeout.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace sfpe::testing {

// Evaluates `condition` until it returns true, every `poll` at most, and gives up after
// `timeout`; returns whether it became true. The condition is evaluated once more at the
// deadline, so a timeout of zero still checks it once. Use it for state in another process (a
// fixture's control API, committed offsets) or behind an interface with nothing to wait on; a
// condition variable is better where the test owns one.
template <typename Condition>
bool eventually(Condition&& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(poll, deadline - now));
  }
}

}  // namespace sfpe::testing
