#pragma once
// Polling for a condition that another process brings about. The limit is a hang guard, never a
// timing assertion: a slow machine waits longer, it does not fail.

#include <chrono>
#include <thread>

namespace sscsi::testing_support {

template <typename Condition>
bool eventually(Condition condition,
                std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

}  // namespace sscsi::testing_support
