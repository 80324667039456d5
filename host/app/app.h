#pragma once
// Runs sscsi-host as an ordered list of steps (Falco's app/actions pattern): the startup list
// runs until a step stops the program or the list ends, then every shutdown step runs.

#include <string>
#include <vector>

#include "app/action.h"
#include "app/options.h"
#include "app/state.h"

namespace sscsi::app {

struct RunOutcome {
  int exit_code = 0;
  std::string message;     // the stopping step's reason, empty when the list ran to its end
  std::string stopped_at;  // the step that stopped startup, empty when none did
};

// Runs `startup` in order until a step returns stop (or throws: exit 1 with the exception's
// message), then runs every `shutdown` step in order whatever happened. A failing shutdown step
// is logged and turns an exit code of 0 into 1; it does not stop the others.
RunOutcome run_actions(const std::vector<Action>& startup, const std::vector<Action>& shutdown,
                       State& state);

// The daemon's steps, in order. A later CSI server slots in as a step between
// check_required_plugins and wait_for_signal, with its stop step at the front of the shutdown
// list.
std::vector<Action> startup_actions();
std::vector<Action> shutdown_actions();

// Runs the daemon with parsed options; returns the process exit code.
int run(Options options);

}  // namespace sscsi::app
