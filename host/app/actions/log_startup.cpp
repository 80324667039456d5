#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/actions/actions.h"
#include "app/duration.h"
#include "app/version.h"

namespace sscsi::app::actions {
namespace {

// Every option, one line, so a support request shows the whole configuration. Options carry
// names and paths only (plugin configuration files are named, never read here).
std::string describe(const Options& o) {
  std::string plugin_configs;
  for (const auto& [name, file] : o.plugin_configs) {
    plugin_configs +=
        fmt::format("{}{}={}", plugin_configs.empty() ? "" : ",", name, file.string());
  }
  return fmt::format(
      "options: endpoint={} nodeid={} drivername={} metrics-addr={} health-addr={} "
      "enable-secret-rotation={} rotation-poll-interval={} shared-fetch-window={} "
      "log-format-json={} v={} plugin-dir={} "
      "plugin-config=[{}] require-plugins=[{}] tmpfs-size={} allow-any-target={} state-dir={} "
      "spc-dir={} kubeconfig={} config={}",
      o.endpoint, o.node_id.empty() ? "\"\"" : o.node_id, o.driver_name,
      to_string(o.metrics_address), to_string(o.health_address), o.enable_secret_rotation,
      format_duration(o.rotation_poll_interval), format_duration(o.shared_fetch_window),
      o.log_format_json, o.verbosity,
      o.plugin_dir.string(), plugin_configs, fmt::join(o.required_plugins, ","),
      o.tmpfs_size_bytes, o.allow_any_target, o.state_dir.string(), o.spc_dir.empty() ? "\"\"" : o.spc_dir.string(),
      o.kubeconfig.empty() ? "\"\"" : o.kubeconfig.string(),
      o.config_file.empty() ? "\"\"" : o.config_file.string());
}

}  // namespace

ActionResult log_startup(State& state) {
  const BuildInfo& build = build_info();
  spdlog::info("sscsi-host {} (commit {}, built {}) starting, pid {}", build.version,
               build.git_commit, build.build_date, getpid());
  spdlog::info("{}", describe(state.options));
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
