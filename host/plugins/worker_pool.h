#pragma once
// Threads that run plugin calls, so that the caller can stop waiting at the call's deadline
// while a slow plugin keeps its thread. Idle threads are reused (starting a thread costs tens of
// microseconds, reusing one a few) and exit after `idle_timeout`; when none is idle a new one is
// started, so a plugin call that never returns costs exactly one thread and never blocks others.
//
// Threads are detached and keep the pool's state alive themselves, so destroying the pool never
// waits for a plugin.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace sscsi::plugins {

class WorkerPool {
 public:
  explicit WorkerPool(std::chrono::milliseconds idle_timeout = std::chrono::seconds(30));
  ~WorkerPool();  // idle threads exit now, busy ones after their job
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `job` on a pool thread. `job` must not throw (exceptions are caught and dropped).
  // Throws std::system_error when no thread is idle and none can be started.
  void run(std::function<void()> job);

  std::size_t threads() const;       // live threads, busy or idle
  std::size_t idle_threads() const;  // threads waiting for a job

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace sscsi::plugins
