#include "app/actions/actions.h"
#include "app/signals.h"

namespace sscsi::app::actions {

ActionResult block_signals(State& /*state*/) {
  // Must run first: every thread created later (plugins, servers) inherits the blocked mask, so
  // SIGTERM/SIGINT reach only wait_for_signal.
  block_handled_signals();
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
