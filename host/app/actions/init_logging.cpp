#include "app/actions/actions.h"
#include "app/logging.h"

namespace sscsi::app::actions {

ActionResult init_logging(State& state) {
  app::init_logging(state.options.verbosity, state.options.log_format_json);
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
