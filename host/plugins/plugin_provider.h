#pragma once
// The Provider facade over one loaded plugin instance. Calls run on a worker pool so that the
// caller can stop waiting at the deadline; everything a running call touches (library, table,
// host services, instance, request, sink) is shared with it, so a call that outlives the wait
// never touches freed memory. Every answer is checked (see answer_collector.h).

#include <sscsi/provider.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "plugins/provider.h"

namespace sscsi::plugins {

class CallTable;
class HostServices;
class LoadedLibrary;
class WorkerPool;

// Everything the loader assembled for one plugin whose create succeeded.
struct PluginParts {
  std::unique_ptr<LoadedLibrary> library;
  sscsi_provider table{};  // checked copy (table_checks.h)
  std::string path;        // the .so it came from
  std::shared_ptr<CallTable> calls;
  std::unique_ptr<HostServices> services;
  void* instance = nullptr;
};

class PluginProvider final : public Provider {
 public:
  // How long health() waits for the plugin (the contract asks plugins for < 1 s).
  static constexpr std::chrono::milliseconds kHealthTimeout{1000};

  // Takes over `parts` only once nothing can fail any more, so a throwing constructor leaves
  // them with the caller (who still owns the instance).
  PluginProvider(PluginParts&& parts, std::shared_ptr<WorkerPool> pool,
                 std::chrono::milliseconds shutdown_grace);
  // Waits up to the shutdown grace for running calls, then destroys the instance and unloads
  // the library; if calls are still running it leaves both in place (and logs it), because the
  // plugin may still be executing.
  ~PluginProvider() override;

  const std::string& name() const override;
  const std::string& version() const override;
  const std::string& path() const override;
  std::string config_schema() const override;
  std::string health() const override;
  MountAnswer mount(const MountCall& call) override;
  void begin_shutdown() override;

  struct State;  // shared with running calls

 private:
  MountAnswer run_mount(const MountCall& call);

  std::shared_ptr<State> state_;
  std::shared_ptr<WorkerPool> pool_;
  std::chrono::milliseconds shutdown_grace_;
  std::optional<std::chrono::steady_clock::time_point> shutdown_deadline_;
};

}  // namespace sscsi::plugins
