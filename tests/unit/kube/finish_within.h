#pragma once
// Runs a call that once looped forever (yaml-cpp 0.7's LoadAll on "---\n,\n") under a hard time
// limit, so that a regression fails the test instead of hanging it. A call still running at the
// limit cannot be stopped and keeps allocating, so the process then exits at once, failed.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>
#include <utility>

namespace sscsi::test_support {

// fn()'s result, or its exception rethrown; exits the process with status 1 after `limit`.
template <typename Fn>
auto finish_within(std::chrono::seconds limit, Fn fn) -> decltype(fn()) {
  using Result = decltype(fn());
  auto task = std::make_shared<std::packaged_task<Result()>>(std::move(fn));
  std::future<Result> result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (result.wait_for(limit) != std::future_status::ready) {
    std::fprintf(stderr, "FAILED: the call did not finish within %llds (an endless loop?)\n",
                 static_cast<long long>(limit.count()));
    std::fflush(nullptr);
    std::_Exit(1);
  }
  return result.get();
}

}  // namespace sscsi::test_support
