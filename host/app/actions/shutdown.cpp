#include <spdlog/spdlog.h>

#include "app/actions/actions.h"

namespace sscsi::app::actions {

ActionResult shutdown(State& state) {
  if (state.csi_server != nullptr) {
    // No new calls; running ones finish (a publish returns by its own deadline).
    state.csi_server->shutdown();
    state.csi_server.reset();
  }
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
