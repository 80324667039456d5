#include "plugins/worker_pool.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace sscsi::plugins {

struct WorkerPool::State {
  std::chrono::milliseconds idle_timeout;
  std::mutex mutex;
  std::condition_variable work_ready;
  std::deque<std::function<void()>> jobs;
  std::size_t threads = 0;
  std::size_t idle = 0;
  bool stopping = false;

  explicit State(std::chrono::milliseconds timeout) : idle_timeout(timeout) {}

  static void work(const std::shared_ptr<State>& state) {
    std::unique_lock lock(state->mutex);
    for (;;) {
      if (state->jobs.empty()) {
        ++state->idle;
        const bool got_work = state->work_ready.wait_for(
            lock, state->idle_timeout, [&] { return !state->jobs.empty() || state->stopping; });
        --state->idle;
        if (!got_work || state->jobs.empty()) break;
      }
      std::function<void()> job = std::move(state->jobs.front());
      state->jobs.pop_front();
      lock.unlock();
      try {
        job();
      } catch (...) {
        // Jobs report through their own state; nothing may take the thread down.
      }
      job = nullptr;  // release what the job captured before waiting for the next one
      lock.lock();
    }
    --state->threads;
  }
};

WorkerPool::WorkerPool(std::chrono::milliseconds idle_timeout)
    : state_(std::make_shared<State>(idle_timeout)) {}

WorkerPool::~WorkerPool() {
  std::lock_guard lock(state_->mutex);
  state_->stopping = true;
  state_->work_ready.notify_all();
}

void WorkerPool::run(std::function<void()> job) {
  std::unique_lock lock(state_->mutex);
  state_->jobs.push_back(std::move(job));
  // Every queued job needs a waiting thread of its own; a thread that is only being woken still
  // counts as idle until it takes its job, so this never over- or under-counts.
  if (state_->idle >= state_->jobs.size()) {
    state_->work_ready.notify_one();
    return;
  }
  try {
    std::thread(State::work, state_).detach();
    ++state_->threads;
  } catch (...) {
    state_->jobs.pop_back();
    throw;
  }
}

std::size_t WorkerPool::threads() const {
  std::lock_guard lock(state_->mutex);
  return state_->threads;
}

std::size_t WorkerPool::idle_threads() const {
  std::lock_guard lock(state_->mutex);
  return state_->idle;
}

}  // namespace sscsi::plugins
