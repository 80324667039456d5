#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/actions/actions.h"
#include "app/version.h"

namespace sscsi::app::actions {
namespace {

// Loads the mount records a previous run left and forgets the ones whose volume is gone, and
// the temporary files of record saves a kill interrupted.
void carry_over_mounts(const mount::StateStore& store) {
  const mount::StateStore::RemovedTemporaries temporaries = store.remove_abandoned_temporaries();
  for (const std::string& problem : temporaries.problems) spdlog::warn("mount state: {}", problem);
  if (temporaries.removed > 0) {
    spdlog::info("mount state: {} temporary file(s) of interrupted saves removed",
                 temporaries.removed);
  }
  mount::LoadedRecords loaded = store.load_all();
  for (const std::string& problem : loaded.problems) spdlog::warn("mount state: {}", problem);
  const mount::PrunedRecords pruned = mount::drop_unmounted(store, std::move(loaded.records));
  for (const std::string& problem : pruned.problems) spdlog::warn("mount state: {}", problem);
  if (!pruned.kept.empty() || !pruned.dropped.empty()) {
    spdlog::info("mount state: {} volume(s) still mounted, {} record(s) of gone volumes removed",
                 pruned.kept.size(), pruned.dropped.size());
  }
}

}  // namespace

ActionResult start_csi_server(State& state) {
  const Options& options = state.options;
  state.mount_state = std::make_unique<mount::StateStore>(options.state_dir);
  carry_over_mounts(*state.mount_state);

  publish::PipelineOptions pipeline;
  pipeline.tmpfs_size_bytes = options.tmpfs_size_bytes;
  pipeline.write_limits.max_total_bytes = options.tmpfs_size_bytes / 2;
  pipeline.rotation_enabled = options.enable_secret_rotation;
  pipeline.rotation_poll_interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.rotation_poll_interval);
  // Rounded up: a window below 1ms still keeps answers for a moment, as asked.
  pipeline.shared_fetches.window =
      std::chrono::ceil<std::chrono::milliseconds>(options.shared_fetch_window);
  state.publish_metrics = std::make_unique<publish::PublishMetrics>(state.metrics);
  state.pipeline =
      std::make_unique<publish::Pipeline>(pipeline, *state.classes, *state.cluster, *state.plugins,
                                          *state.mount_state, *state.publish_metrics);

  state.admin_service = std::make_unique<rotation::AdminService>(*state.pipeline);

  csi::CsiServerOptions server;
  server.extra_services.push_back(state.admin_service.get());
  server.endpoint = options.endpoint;
  server.driver_name = options.driver_name;
  server.version = build_info().version;
  server.node_id = options.node_id;
  server.allow_any_target = options.allow_any_target;
  // Probe fails while a required plugin is missing or unhealthy, as /healthz does. The state
  // outlives the server (shutdown stops it first).
  server.ready = [&state] { return plugin_health_problems(state).empty(); };
  try {
    state.csi_server = csi::CsiServer::start(server, *state.pipeline);
  } catch (const std::exception& error) {
    return ActionResult::stop(
        1, fmt::format("cannot serve CSI on {}: {}", options.endpoint, error.what()));
  }
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
