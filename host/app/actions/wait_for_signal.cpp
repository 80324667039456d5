#include <csignal>

#include <spdlog/spdlog.h>

#include "app/actions/actions.h"
#include "app/signals.h"

namespace sscsi::app::actions {

ActionResult wait_for_signal(State& state) {
  spdlog::info("running; stop with SIGTERM or SIGINT");
  while (true) {
    const int signal_number = wait_for_handled_signal();
    if (signal_number == SIGHUP) {
      spdlog::info("ignoring SIGHUP: options are read only at start; restart to apply changes");
      continue;
    }
    state.stop_signal = signal_number;
    spdlog::info("stopping on {}", signal_name(signal_number));
    return ActionResult::next();
  }
}

}  // namespace sscsi::app::actions
