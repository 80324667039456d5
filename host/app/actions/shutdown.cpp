#include <spdlog/spdlog.h>

#include "app/actions/actions.h"

namespace sscsi::app::actions {

ActionResult shutdown(State& state) {
  // The HTTP handlers read the CSI server and the plugins: stop them before those go.
  if (state.metrics_server != nullptr) state.metrics_server->stop();
  if (state.health_server != nullptr) state.health_server->stop();
  state.metrics_server.reset();
  state.health_server.reset();
  if (state.csi_server != nullptr) {
    // No new calls; running ones finish (a publish returns by its own deadline).
    state.csi_server->shutdown();
    state.csi_server.reset();
  }
  if (state.rotation != nullptr) {
    // Running refreshes finish; then the pipeline forgets the scheduler before it goes.
    state.rotation->stop();
    state.pipeline->observe(nullptr);
    state.rotation.reset();
  }
  state.admin_service.reset();
  state.pipeline.reset();
  if (state.plugins != nullptr) {
    const auto count = state.plugins->all().size();
    // The registry destroys every instance and unloads its library (one with a call still
    // running stays loaded: the registry logs that).
    state.plugins.reset();
    spdlog::info("unloaded {} provider plugin(s)", count);
  }
  spdlog::info("stopped");
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
