#include "app/app.h"

#include <exception>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/actions/actions.h"

namespace sscsi::app {

RunOutcome run_actions(const std::vector<Action>& startup, const std::vector<Action>& shutdown,
                       State& state) {
  RunOutcome outcome;
  for (const Action& action : startup) {
    ActionResult result;
    try {
      spdlog::trace("step {}", action.name);
      result = action.run(state);
    } catch (const std::exception& error) {
      result = ActionResult::stop(1, fmt::format("{} failed: {}", action.name, error.what()));
    }
    if (result.proceed) continue;
    outcome = {result.exit_code, std::move(result.message), action.name};
    if (outcome.exit_code != 0) {
      spdlog::error("cannot continue: {}", outcome.message);
    } else if (!outcome.message.empty()) {
      spdlog::info("{}", outcome.message);
    }
    break;
  }
  for (const Action& action : shutdown) {
    try {
      spdlog::trace("shutdown step {}", action.name);
      const ActionResult result = action.run(state);
      if (!result.proceed && result.exit_code != 0) {
        spdlog::error("shutdown step {}: {}", action.name, result.message);
        if (outcome.exit_code == 0) outcome.exit_code = result.exit_code;
      }
    } catch (const std::exception& error) {
      spdlog::error("shutdown step {} failed: {}", action.name, error.what());
      if (outcome.exit_code == 0) outcome.exit_code = 1;
    }
  }
  return outcome;
}

std::vector<Action> startup_actions() {
  return {
      // Logging first, so that every line (even a failure to block signals) has the chosen
      // format; it starts no thread, so the signals are still blocked before any thread exists.
      {"init_logging", actions::init_logging},
      {"block_signals", actions::block_signals},
      {"protect_memory", actions::protect_memory},
      {"log_startup", actions::log_startup},
      {"load_plugins", actions::load_plugins},
      {"check_required_plugins", actions::check_required_plugins},
      {"connect_cluster", actions::connect_cluster},
      {"start_csi_server", actions::start_csi_server},
      {"start_rotation", actions::start_rotation},
      {"start_http_servers", actions::start_http_servers},
      {"wait_for_signal", actions::wait_for_signal},
  };
}

std::vector<Action> shutdown_actions() { return {{"shutdown", actions::shutdown}}; }

int run(Options options) {
  State state(std::move(options));
  return run_actions(startup_actions(), shutdown_actions(), state).exit_code;
}

}  // namespace sscsi::app
