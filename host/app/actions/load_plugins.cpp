#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/actions/actions.h"
#include "plugins/loader.h"

namespace sscsi::app::actions {

ActionResult load_plugins(State& state) {
  state.plugins = std::make_unique<plugins::Registry>();
  plugins::LoaderOptions options;
  options.plugin_dir = state.options.plugin_dir;
  options.plugin_configs = state.options.plugin_configs;
  try {
    // The loader logs one line per loaded plugin and one per refused file.
    state.load_report = plugins::load_plugins(options, state.metrics, *state.plugins);
  } catch (const std::runtime_error& error) {
    return ActionResult::stop(1, fmt::format("cannot load plugins from --plugin-dir {}: {}",
                                             state.options.plugin_dir.string(), error.what()));
  }
  const auto& report = state.load_report;
  if (report.loaded.empty()) {
    spdlog::warn("no provider plugin loaded from {} ({} file(s) refused): every mount will fail",
                 state.options.plugin_dir.string(), report.refused.size());
  } else {
    spdlog::info("{} provider plugin(s) loaded ({}), {} file(s) refused", report.loaded.size(),
                 fmt::join(report.loaded, ", "), report.refused.size());
  }
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
