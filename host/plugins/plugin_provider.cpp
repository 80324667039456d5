#include "plugins/plugin_provider.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

#include "plugins/abi_enum.h"
#include "plugins/answer_collector.h"
#include "plugins/call_table.h"
#include "plugins/host_services.h"
#include "plugins/library.h"
#include "plugins/mount_job.h"
#include "plugins/plugin_text.h"
#include "plugins/worker_pool.h"

namespace sscsi::plugins {

struct PluginProvider::State {
  // Declared first, so destroyed last: everything below may point into the library.
  std::unique_ptr<LoadedLibrary> library;
  sscsi_provider table{};
  std::string name;
  std::string version;
  std::string path;
  std::shared_ptr<CallTable> calls;
  std::unique_ptr<HostServices> services;
  void* instance = nullptr;

  // Set when the plugin first answered with a share scope this host does not know.
  std::atomic<bool> unknown_share_scope_logged{false};

  std::mutex mutex;
  std::condition_variable became_idle;
  std::size_t running = 0;  // plugin calls (mount, health) not yet returned

  void call_started() {
    std::lock_guard lock(mutex);
    ++running;
  }
  // Notifies under the lock: once it is released the destructor may free this object.
  void call_ended() noexcept {
    std::lock_guard lock(mutex);
    --running;
    became_idle.notify_all();
  }
};

namespace {

// Plugins left loaded at shutdown because calls were still running. Reachable from a global so
// that neither the library nor the host services it may still call are ever freed.
void keep_forever(std::shared_ptr<PluginProvider::State> state) {
  static auto* mutex = new std::mutex;
  static auto* kept = new std::vector<std::shared_ptr<PluginProvider::State>>;
  std::lock_guard lock(*mutex);
  kept->push_back(std::move(state));
}

// Ends a call on a worker thread. The worker's reference goes first: while the call counts as
// running, the provider (or the keep-forever list) holds another one, so this never frees the
// state, and once the count drops the provider may unload the library at once, without waiting
// for the worker to let go.
void end_call(std::shared_ptr<PluginProvider::State> state) noexcept {
  PluginProvider::State* raw = state.get();
  state.reset();
  raw->call_ended();
}

MountAnswer failure(ErrorCode code, std::string message) {
  MountAnswer answer;
  answer.error = MountError{code, std::move(message), {}};
  return answer;
}

// One health() call, shared with the worker so a late answer writes into live memory.
struct HealthJob {
  std::array<char, 1024> message{};
  int status = SSCSI_OK;  // as an int: a C plugin may return any (abi_enum.h)
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
};

}  // namespace

PluginProvider::PluginProvider(PluginParts&& parts, std::shared_ptr<WorkerPool> pool,
                               std::chrono::milliseconds shutdown_grace)
    : state_(std::make_shared<State>()), pool_(std::move(pool)), shutdown_grace_(shutdown_grace) {
  state_->name = parts.table.name;
  state_->version = parts.table.version;
  state_->path = parts.path;
  // Nothing below can throw.
  state_->library = std::move(parts.library);
  state_->table = parts.table;
  state_->calls = std::move(parts.calls);
  state_->services = std::move(parts.services);
  state_->instance = parts.instance;
}

PluginProvider::~PluginProvider() {
  begin_shutdown();
  std::unique_lock lock(state_->mutex);
  const bool idle = state_->became_idle.wait_until(lock, *shutdown_deadline_,
                                                   [&] { return state_->running == 0; });
  const std::size_t running = state_->running;
  lock.unlock();
  if (idle) {
    state_->table.destroy(state_->instance);
    return;  // the library unloads with the last reference to the state
  }
  try {
    spdlog::warn(
        "provider {} ({}) still has {} call(s) running at shutdown; leaving it loaded without "
        "destroying its instance",
        state_->name, state_->path, running);
  } catch (...) {
    // A failed log line must not stop the plugin from being kept.
  }
  state_->services->detach_metrics();
  keep_forever(std::move(state_));
}

void PluginProvider::begin_shutdown() {
  std::lock_guard lock(state_->mutex);
  if (shutdown_deadline_) return;
  shutdown_deadline_ = std::chrono::steady_clock::now() + shutdown_grace_;
  state_->calls->shut_down();  // running calls now see call_cancelled() == true
}

const std::string& PluginProvider::name() const { return state_->name; }
const std::string& PluginProvider::version() const { return state_->version; }
const std::string& PluginProvider::path() const { return state_->path; }

std::string PluginProvider::config_schema() const {
  if (state_->table.config_schema == nullptr) return {};
  try {
    const char* schema = state_->table.config_schema();
    return schema != nullptr ? std::string(schema) : std::string();
  } catch (...) {
    return {};  // a C++ plugin broke the no-exceptions rule; treat as no schema
  }
}

std::string PluginProvider::health() const {
  if (state_->table.health == nullptr) return {};
  auto job = std::make_shared<HealthJob>();
  state_->call_started();
  try {
    pool_->run([state = state_, job]() mutable {
      int status = SSCSI_INTERNAL;
      try {
        status = abi_enum_value(
            state->table.health(state->instance, job->message.data(), job->message.size()));
      } catch (...) {
        std::snprintf(job->message.data(), job->message.size(), "health threw an exception");
      }
      {
        std::lock_guard lock(job->mutex);
        job->status = status;
        job->message.back() = '\0';
        job->done = true;
      }
      job->done_cv.notify_all();
      end_call(std::move(state));
    });
  } catch (const std::exception& e) {
    state_->call_ended();
    return fmt::format("provider {} health check could not be started: {}", state_->name, e.what());
  }
  std::unique_lock lock(job->mutex);
  if (!job->done_cv.wait_for(lock, kHealthTimeout, [&] { return job->done; })) {
    return fmt::format("provider {} health check did not answer within {}ms", state_->name,
                       kHealthTimeout.count());
  }
  if (job->status == SSCSI_OK) return {};
  const std::string message = clean_plugin_text(job->message.data());
  const auto code = error_code_from_status(job->status);
  const std::string code_text =
      code ? std::string(error_code_name(*code)) : fmt::format("status {}", job->status);
  if (message.empty()) {
    return fmt::format("provider {} reported {} from health without a message", state_->name,
                       code_text);
  }
  return fmt::format("{} ({})", message, code_text);
}

MountAnswer PluginProvider::mount(const MountCall& call) {
  try {
    return run_mount(call);
  } catch (const std::exception& e) {
    return failure(ErrorCode::Internal, fmt::format("the host could not run a call of provider "
                                                    "{}: {}",
                                                    state_->name, e.what()));
  }
}

MountAnswer PluginProvider::run_mount(const MountCall& call) {
  const State& state = *state_;
  const auto start = std::chrono::system_clock::now();
  if (state.calls->shutting_down()) {
    return failure(ErrorCode::Unavailable, fmt::format("provider {} is shutting down", state.name));
  }
  // Whole milliseconds, as the request carries it (see MountJob).
  const auto deadline = std::chrono::floor<std::chrono::milliseconds>(call.deadline);
  if (deadline <= start) {
    return failure(ErrorCode::DeadlineExceeded,
                   fmt::format("provider {} was not called: the call's deadline had already "
                               "passed",
                               state.name));
  }
  if (call.stop.stop_requested()) {
    return failure(ErrorCode::Cancelled,
                   fmt::format("provider {} was not called: the call was cancelled by its caller",
                               state.name));
  }
  const auto call_id = state.calls->begin(deadline.time_since_epoch().count());
  if (!call_id) {
    return failure(ErrorCode::Unavailable,
                   fmt::format("provider {} already has {} calls running; try again later",
                               state.name, CallTable::kSlots));
  }
  std::shared_ptr<MountJob> job;
  try {
    job = std::make_shared<MountJob>(state.name, call, *call_id, deadline);
    state_->call_started();
  } catch (...) {
    state.calls->end(*call_id);
    throw;
  }
  try {
    pool_->run([shared_state = state_, job]() mutable {
      try {
        shared_state->table.mount(shared_state->instance, job->request(), job->sink());
      } catch (...) {
        try {
          job->fail_contract(
              fmt::format("provider {} let an exception escape mount", shared_state->name));
        } catch (...) {
          // Out of memory formatting the message; the call still ends below.
        }
      }
      job->finish();
      shared_state->calls->end(job->request()->call_id);
      end_call(std::move(shared_state));
    });
  } catch (...) {
    state.calls->end(*call_id);
    state_->call_ended();
    throw;
  }
  const MountJob::Waited ended = job->wait(call.stop);
  state.calls->end(*call_id);  // from here on the plugin sees the call as cancelled
  if (ended == MountJob::Waited::Stopped) {
    return failure(ErrorCode::Cancelled,
                   fmt::format("the call to provider {} was cancelled by its caller", state.name));
  }
  if (ended == MountJob::Waited::DeadlinePassed) {
    // The caller's budget as it stood when the call began (rounded up: a 200 ms budget that
    // had used a fraction of a millisecond before reaching here still reads "200ms").
    const auto waited = std::chrono::ceil<std::chrono::milliseconds>(call.deadline - start).count();
    return failure(ErrorCode::DeadlineExceeded,
                   fmt::format("provider {} did not answer within {}ms", state.name, waited));
  }
  if (const auto scope = job->unknown_share_scope();
      scope && !state_->unknown_share_scope_logged.exchange(true)) {
    // Once per plugin: a plugin built for a newer host would otherwise log it on every mount.
    spdlog::warn(
        "provider {} set share scope {}, which this host does not know; its answers are not "
        "shared (treated as SSCSI_SHARE_NEVER). Logged once.",
        state.name, *scope);
  }
  return job->result();
}

}  // namespace sscsi::plugins
